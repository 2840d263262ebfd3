"""Sign-off rows bound to the content they cover, and where sign-off stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.rules.completeness import Blocker
from dpia.assessments.rules.risk import residual_summary
from dpia.assessments.services.content import RevisionContent, revision_editors, revision_hash
from dpia.core.audit.services import record_event
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_record_sign_off, independence_problem
from dpia.review.models import SignOff
from dpia.review.rules.sign_off import SignOffKind, SignOffRecord, approval_problems, clean_details, kinds_for


def needs_prior_consultation(content: RevisionContent) -> bool:
    """A residual high risk means the regulator must be consulted first (Art. 36 / s.65)."""
    model = content.definition.risk_model
    risks = content.rated_risks()
    return bool(model and risks and residual_summary(model, risks).needs_prior_consultation)


def sign_off_records(revision: Revision) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.revision_id == revision.id)
                                   .options(joinedload(SignOff.signer)).order_by(SignOff.signed_at, SignOff.id)))


def latest_sign_offs(revision: Revision) -> list[SignOff]:
    """The row of each kind that counts (re-signing replaces an earlier one), in step-7 order."""
    latest = {record.kind: record for record in sign_off_records(revision)}
    return [latest[kind] for kind in SignOffKind if kind in latest]



@dataclass(frozen=True)
class SignOffStatus:
    """Where sign-off stands: the rows this revision has, the latest of each kind, the content hash now,
    what blocks approval, and who recorded the DPO's advice (they may not also approve)."""

    kinds: tuple[SignOffKind, ...]
    latest: dict[SignOffKind, SignOff]
    current_hash: str
    prior_consultation_needed: bool
    screening_only: bool
    problems: tuple[Blocker, ...]
    advisor_ids: frozenset[int]

    def is_current(self, kind: SignOffKind) -> bool:
        record = self.latest.get(kind)
        return record is not None and record.content_hash == self.current_hash

    @property
    def shown_kinds(self) -> tuple[SignOffKind, ...]:
        """The rows the sign-off page lists: prior consultation only when needed or already recorded."""
        return tuple(kind for kind in self.kinds if kind is not SignOffKind.PRIOR_CONSULTATION
                     or self.prior_consultation_needed or kind in self.latest)


def sign_off_status(content: RevisionContent) -> SignOffStatus:
    """The latest row of each kind, whether each still matches the content, and what blocks approval."""
    records = sign_off_records(content.revision)
    current = revision_hash(content)
    prior = needs_prior_consultation(content)
    screening = content.screening_only
    problems = approval_problems([SignOffRecord(r.kind, r.content_hash, r.details) for r in records], current,
                                 needs_prior_consultation=prior, views_sought=content.views_sought,
                                 screening_only=screening)
    latest = {record.kind: record for record in records}
    advisors = frozenset(r.signer_id for r in records if r.kind is SignOffKind.DPO_ADVICE)
    return SignOffStatus(kinds_for(screening_only=screening), latest, current, prior, screening, tuple(problems),
                         advisors)


@dataclass(frozen=True)
class SignOffOutcome:
    record: SignOff | None
    errors: dict[str, str]


def record_sign_off(*, actor: User, now: datetime, content: RevisionContent, kind: SignOffKind, position: str,
                    notes: str | None, raw: dict[str, Any]) -> SignOffOutcome:
    """Record one step-7 row against the revision's content as it is now."""
    revision = content.revision
    edited = actor.id in revision_editors(revision)
    require(can_record_sign_off(actor, revision, kind, edited=edited, screening_only=content.screening_only),
            independence_problem(actor, revision, edited=edited) or "You cannot record this sign-off")
    details, errors = clean_details(kind, raw)
    position = (position or "").strip()
    if not position:
        errors["position"] = "Enter your position, for example Data Protection Officer"
    elif len(position) > 200:
        errors["position"] = "Position must be 200 characters or fewer"
    if errors:
        return SignOffOutcome(None, errors)
    digest = revision_hash(content)
    record = SignOff(revision_id=revision.id, kind=kind, signer_id=actor.id, signer_name=actor.name,
                     signer_position=position, signed_at=now, notes=(notes or "").strip() or None, details=details,
                     content_hash=digest)
    db.session.add(record)
    db.session.flush()
    record_event(actor=actor, now=now, action="sign_off.record", object_type="revision", object_id=revision.id,
                 summary={"kind": kind.value, "content_hash": digest})
    return SignOffOutcome(record, {})


def approval_blockers(content: RevisionContent, status: SignOffStatus) -> list[Blocker]:
    """Everything that stops approval: the content's blockers, then the sign-off rows'."""
    return [*content.blockers(), *status.problems]
