"""The read API's pure rules: what a token looks like, its scopes, how long it may live, how its
requests are counted, and how a client asks for a page."""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from dpia.core.errors import ValidationError

# A token reads "dpia_" and 43 URL-safe characters (32 random bytes). The prefix lets secret scanners
# and people recognise one; the first characters after it are kept visible so a person can tell
# their tokens apart on the tokens page.
TOKEN_PREFIX = "dpia_"  # noqa: S105 - a marker, not a secret
TOKEN_RANDOM_BYTES = 32
VISIBLE_CHARACTERS = 8
TOKEN_PATTERN = re.compile(r"dpia_[A-Za-z0-9_-]{43}")

EXPIRY_CHOICES_DAYS = (7, 30, 90, 180, 365)
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 365
MAX_NAME_LENGTH = 100

DEFAULT_RATE_LIMIT = 60  # requests per token per minute
MAX_RATE_LIMIT = 6000
RATE_WINDOW = timedelta(minutes=1)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000


class Scope(enum.StrEnum):
    """What a token may read. Every scope is read-only: the API changes nothing."""

    ASSESSMENTS_READ = "assessments:read"
    PUBLICATION_READ = "publication:read"

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]


_SCOPE_LABELS = {
    Scope.ASSESSMENTS_READ: "Read assessments, revisions, answers, risks, measures, retention and access rules",
    Scope.PUBLICATION_READ: "Read publication decisions, redactions and schedules",
}


def parse_scopes(values: Iterable[str]) -> tuple[Scope, ...]:
    """Known scopes in a fixed order, without repeats.

    :raise ValidationError: none given, or one that does not exist.
    """
    chosen = set(values)
    unknown = chosen - {scope.value for scope in Scope}
    if unknown:
        raise ValidationError("Choose scopes from the list")
    if not chosen:
        raise ValidationError("Choose at least one thing the token may read")
    return tuple(scope for scope in Scope if scope.value in chosen)


def expiry_for(days: int, now: datetime) -> datetime:
    """When a token made now for `days` days stops working.

    :raise ValidationError: not between 1 and `MAX_EXPIRY_DAYS` days.
    """
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValidationError(f"A token can last from 1 to {MAX_EXPIRY_DAYS} days")
    return now + timedelta(days=days)


def check_name(name: str) -> str:
    """:raise ValidationError: empty or too long."""
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the token, such as the system that will use it")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"The name must be {MAX_NAME_LENGTH} characters or fewer")
    return name


def window_start(now: datetime) -> datetime:
    """The start of the fixed one-minute window `now` falls in."""
    return now.replace(second=0, microsecond=0)


def retry_after(now: datetime) -> int:
    """Whole seconds until the next window opens (at least 1)."""
    remaining = (window_start(now) + RATE_WINDOW - now).total_seconds()
    return max(1, math.ceil(remaining))


def bearer_token(header: str | None) -> str | None:
    """The token from an `Authorization: Bearer ...` header, or None when there is no such header.

    A header with another scheme, or no token after `Bearer`, gives "" (present but unusable).
    """
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return value.strip()


def looks_like_token(value: str) -> bool:
    return TOKEN_PATTERN.fullmatch(value) is not None


def _whole_number(raw: str, name: str, low: int, high: int) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise ValidationError(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def page_request(args: Mapping[str, str], allowed: Iterable[str] = ()) -> tuple[int, int]:
    """`page` and `per_page` from a query string (1 and `DEFAULT_PER_PAGE` when absent).

    :raise ValidationError: a value out of range, or a parameter the endpoint does not take.
    """
    unknown = set(args) - {"page", "per_page", *allowed}
    if unknown:
        raise ValidationError(f"Unknown query parameter: {sorted(unknown)[0]}")
    page = _whole_number(args.get("page", "1"), "page", 1, MAX_PAGE)
    per_page = _whole_number(args.get("per_page", str(DEFAULT_PER_PAGE)), "per_page", 1, MAX_PER_PAGE)
    return page, per_page
