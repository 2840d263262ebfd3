"""Domain errors. Services raise them; views turn them into messages and status codes."""


class DomainError(Exception):
    """Base class: something the user asked for cannot be done, for a reason we can state."""


class PermissionDeniedError(DomainError):
    """The actor may not do this (views answer 403, or 404 where existence must not leak)."""


class NotFoundError(DomainError):
    """The thing asked for does not exist (or is invisible to this actor)."""


class ValidationError(DomainError):
    """Input broke a rule; the message says what to fix."""


class ConflictError(DomainError):
    """Someone else changed the thing first (optimistic locking)."""


class ThrottledError(DomainError):
    """Too many attempts in a short time; try again later."""


class InvalidTransitionError(DomainError):
    """The revision's state does not allow that action (e.g. approving a draft)."""
