"""Single sign-on: which account an identity provider's answer signs in, and whether the provider
already proved a second factor.

An account is found by the provider's stable subject identifier first. Failing that, a verified
e-mail address finds an account not yet linked to any provider identity (an invited person, or
someone who used a password until now), and links it. Failing that, on an allowed e-mail domain, a
new team-member account is created. Anything else is refused. An address the provider has not
verified never matches: anyone can type any address into an account they control somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select

from dpia.accounts.models import ExternalIdentity, User, UserRole
from dpia.accounts.rules import Role
from dpia.accounts.services.users import find_user_by_email, normalise_email
from dpia.core.audit.services import record_event
from dpia.core.errors import DomainError
from dpia.core.extensions import db
from dpia.core.security_log import log_security_event

# RFC 8176 authentication method references that mean more than a password was used: "mfa" says so
# outright; a one-time code ("otp") or a hardware-backed key ("hwk") is a second factor in itself.
# A software key ("swk") counts only beside another method. Everything else ("pwd", "kba", ...) is one factor.
MULTI_FACTOR_METHODS = frozenset({"mfa", "otp", "hwk"})
SOFTWARE_KEY = "swk"


class SignOnRefused(DomainError):
    """The provider vouched for someone this service will not sign in.

    :param reason: why, for the page and the security log: ``not_set_up``, ``email_unverified``,
        ``already_linked`` or ``deactivated``.
    :param user_id: the account concerned, when there is one.
    """

    def __init__(self, reason: str, *, user_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user_id = user_id


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider said about the person, from the ID token and its userinfo endpoint."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    amr: tuple[str, ...] = ()
    acr: str | None = None
    auth_time: int | None = None  # when the person last signed in at the provider (seconds since the epoch)


def identity_from_claims(id_token: Mapping[str, Any], userinfo: Mapping[str, Any] | None = None) -> ProviderIdentity:
    """Combine the ID token's claims with the userinfo endpoint's answer (when the token lacks the
    e-mail claims). `amr` and `acr` are taken from the ID token only: only it is signed.

    :raise ValueError: the userinfo answer is about someone else (OpenID Connect Core 5.3.4).
    """
    profile = dict(id_token)
    if userinfo is not None:
        if str(userinfo.get("sub")) != str(id_token["sub"]):
            raise ValueError("the userinfo answer names a different subject from the ID token")
        profile = {**userinfo, **profile}
    amr = id_token.get("amr")
    email = profile.get("email")
    verified = profile.get("email_verified")
    name = profile.get("name") or " ".join(
        str(part) for part in (profile.get("given_name"), profile.get("family_name")) if part)
    return ProviderIdentity(
        issuer=str(id_token["iss"]),
        subject=str(id_token["sub"]),
        email=normalise_email(email) if isinstance(email, str) and email.strip() else None,
        # Some providers send the string "true"; anything else is not a verification.
        email_verified=verified is True or verified == "true",
        name=str(name).strip() or None,
        amr=tuple(str(method) for method in amr) if isinstance(amr, list) else (),
        acr=str(id_token["acr"]) if id_token.get("acr") else None,
        auth_time=int(id_token["auth_time"]) if isinstance(id_token.get("auth_time"), int | float) else None,
    )


def provider_proved_multi_factor(identity: ProviderIdentity, *, mfa_acr_values: Iterable[str]) -> bool:
    """Whether the provider says it used more than one factor (`amr`), or reports an
    authentication context class that the deployment has listed as multi-factor (`acr`)."""
    methods = set(identity.amr)
    if methods & MULTI_FACTOR_METHODS:
        return True
    if SOFTWARE_KEY in methods and len(methods) > 1:
        return True
    return identity.acr is not None and identity.acr in set(mfa_acr_values)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def account_for_identity(identity: ProviderIdentity, *, now: datetime,
                         self_registration_domains: Iterable[str]) -> User:
    """Return the account `identity` signs in as, linking or creating it where the rules allow.

    :param self_registration_domains: e-mail domains whose people get a team-member account on their
        first sign-on (exact match, lower case).
    :raise SignOnRefused: no account may be used; the reason says which rule refused.
    """
    linked = db.session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.issuer == identity.issuer,
                                       ExternalIdentity.subject == identity.subject))
    if linked is not None:
        user = linked.user
        _refuse_if_deactivated(user)
        linked.last_used_at = now
        db.session.flush()
        return user
    if identity.email is None:
        raise SignOnRefused("not_set_up")
    if not identity.email_verified:
        raise SignOnRefused("email_unverified")
    user = find_user_by_email(identity.email)
    if user is not None:
        _refuse_if_deactivated(user)
        if _has_external_identity(user):
            # Someone else at the provider (or another provider) already signs in as this account.
            raise SignOnRefused("already_linked", user_id=user.id)
        _link(user, identity, now=now)
        return user
    if email_domain(identity.email) in {domain.strip().lower() for domain in self_registration_domains}:
        return _register(identity, email=identity.email, now=now)
    raise SignOnRefused("not_set_up")


def _refuse_if_deactivated(user: User) -> None:
    if not user.active:
        raise SignOnRefused("deactivated", user_id=user.id)


def _has_external_identity(user: User) -> bool:
    return bool(db.session.scalar(select(exists().where(ExternalIdentity.user_id == user.id))))


def _link(user: User, identity: ProviderIdentity, *, now: datetime) -> None:
    db.session.add(ExternalIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject,
                                    created_at=now, last_used_at=now))
    db.session.flush()
    record_event(actor=user, now=now, action="user.identity_linked", object_type="user", object_id=user.id,
                 summary={"issuer": identity.issuer})
    log_security_event("identity_linked", outcome="success", actor=user.id, object=f"user:{user.id}")


def _register(identity: ProviderIdentity, *, email: str, now: datetime) -> User:
    """Create a team-member account with no password: it can only be used through the provider."""
    user = User(email=email, name=(identity.name or email.split("@", 1)[0])[:200],
                password_hash=None, active=True, created_at=now)
    user.role_rows = [UserRole(role=Role.TEAM_MEMBER)]
    db.session.add(user)
    db.session.flush()
    db.session.add(ExternalIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject,
                                    created_at=now, last_used_at=now))
    db.session.flush()
    record_event(actor=user, now=now, action="user.self_registered", object_type="user", object_id=user.id,
                 summary={"roles": [Role.TEAM_MEMBER.value], "issuer": identity.issuer})
    log_security_event("user_self_registered", outcome="success", actor=user.id, object=f"user:{user.id}")
    return user
