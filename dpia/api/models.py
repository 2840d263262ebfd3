"""Personal access tokens for the read API, and the count of each token's requests per minute.

Only a token's SHA-256 is stored: a copy of the database lets nobody call the API. The count is a
row per token per fixed window, raised by one atomic upsert, so any number of app servers share it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.accounts.models import User
from dpia.api.rules import DEFAULT_RATE_LIMIT, Scope
from dpia.core.extensions import db


class ApiToken(db.Model):
    """One personal access token: whose, what it may read, until when, and how often."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint("rate_limit_per_minute > 0", name="rate_limit_positive"),
        Index("ix_api_token_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    visible_prefix: Mapped[str] = mapped_column(String(20))  # "dpia_" and the first characters
    scopes: Mapped[list[str]] = mapped_column(JSON)
    rate_limit_per_minute: Mapped[int] = mapped_column(default=DEFAULT_RATE_LIMIT)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[Scope]:
        known = {scope.value: scope for scope in Scope}
        return frozenset(known[value] for value in self.scopes if value in known)

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ApiUsage(db.Model):
    """How many requests a token made in one fixed window (a minute)."""

    __tablename__ = "api_usage"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    requests: Mapped[int]
