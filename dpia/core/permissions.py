"""Permission primitives: who is acting, and how a rule's answer becomes a refusal.

The rules themselves (who may do what) live in one place, `dpia.permissions`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Protocol

from dpia.core.errors import PermissionDeniedError


class Actor(Protocol):
    """What the rules and the audit log need to know about the person acting."""

    @property
    def id(self) -> int: ...

    @property
    def role_set(self) -> frozenset[Hashable]: ...

    @property
    def team_ids(self) -> frozenset[int]: ...


def has_any_role(actor: Actor | None, roles: Iterable[Hashable]) -> bool:
    return actor is not None and bool(actor.role_set & frozenset(roles))


def require(allowed: bool, message: str = "You do not have permission to do that") -> None:
    """Raise `PermissionDeniedError` unless `allowed`."""
    if not allowed:
        raise PermissionDeniedError(message)
