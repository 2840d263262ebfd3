"""What other areas call: `queue_message`, in their own transaction."""

from dpia.mail.services.outbox import queue_message

__all__ = ["queue_message"]
