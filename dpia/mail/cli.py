"""Mail commands: `flask dpia worker` delivers the outbox."""

from __future__ import annotations
