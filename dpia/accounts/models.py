"""People, teams, sign-in sessions, sign-in attempts, second factors, single-use links and
identities at an OpenID provider."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dpia.accounts.rules import Role, TokenPurpose
from dpia.core.database import enum_type
from dpia.core.extensions import db


class User(db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until an invited person chooses a password (and for accounts that only use single sign-on).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # TOTP (RFC 6238). The secret is base32; `totp_last_step` is the time step of the last code
    # accepted, so the same code (or an older one) is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships)

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None and self.totp_enrolled_at is not None

    # Flask-Login protocol. The id flask-login keeps is never trusted on its own: the user loader
    # also requires a live server-side session row (see dpia/accounts/services/sessions.py).
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        enum_type(Role, "role"),
        primary_key=True,
    )

    user: Mapped[User] = relationship(back_populates="role_rows")


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class UserSession(db.Model):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here.

    Sign-out sets `ended_at`, so a cookie copied before sign-out is worthless afterwards. The idle
    timeout counts from `last_seen_at`, the absolute one from `created_at`. `authenticated_at` is
    when the person last proved who they are (sign-in or re-authentication): sensitive actions need
    it to be recent. `mfa_satisfied` says whether a second factor was proven in this session.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime]
    authenticated_at: Mapped[datetime]
    mfa_satisfied: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(String(20), default="password")  # "password" or "oidc"
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # A sensitive action held while its person re-authenticates at the identity provider: JSON of the
    # address and the fields they typed, so nothing is lost on the trip. Cleared when they come back.
    pending_action: Mapped[str | None] = mapped_column(Text)

    @property
    def live(self) -> bool:
        return self.ended_at is None


class LoginAttempt(db.Model):
    """One sign-in attempt, keyed by a hash of the normalised email so it holds across workers."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_account_key_attempted_at", "account_key", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class RecoveryCode(db.Model):
    """One of the ten single-use codes issued at MFA enrolment; only a hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AccountToken(db.Model):
    """A single-use link sent by e-mail (an invitation or a password reset); only its SHA-256 is kept."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ExternalIdentity(db.Model):
    """An account's identity at an OpenID provider: the issuer and its stable subject identifier."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_external_identity_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
