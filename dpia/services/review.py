"""Review and sign-off: the one transition function, comments, sign-off rows bound to content,
new revisions with their decisions, and the queues dashboards show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from dpia.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from dpia.domain.hashing import canonical_document, content_hash
from dpia.domain.permissions import (
    can_comment,
    can_record_sign_off,
    can_start_revision,
    can_transition,
    require,
)
from dpia.domain.risk import residual_summary
from dpia.domain.signoff import SignOffKind, SignOffRecord, approval_problems, clean_details
from dpia.domain.states import OPEN_STATES, Action, RevisionState, next_state
from dpia.extensions import db
from dpia.models import (
    ROW_MODELS,
    Answer,
    Assessment,
    Comment,
    Decision,
    Revision,
    RevisionAddOn,
    RevisionDecision,
    SectionSave,
    SignOff,
    TableRow,
    User,
)
from dpia.services.answers import RevisionContent, load_content
from dpia.services.audit import record_event

COMMENT_MAX = 5_000


# -- content identity -------------------------------------------------------------------------

def revision_document(content: RevisionContent) -> dict[str, Any]:
    """The canonical content of a revision: what sign-offs are bound to."""
    revision = content.revision
    versions = [revision.questionnaire_version] + [a.questionnaire_version for a in revision.add_ons]
    return canonical_document(
        questionnaires=[{"key": v.questionnaire.key, "version": v.number, "content_hash": v.content_hash}
                        for v in versions],
        question_keys=[q.key for q in content.definition.questions],
        answers=content.answers,
        rows={key: [(row.uid, row.cells) for row in rows] for key, rows in content.rows.items()},
    )


def revision_hash(content: RevisionContent) -> str:
    return content_hash(revision_document(content))


def needs_prior_consultation(content: RevisionContent) -> bool:
    """A residual high risk means the regulator must be consulted first (Art. 36 / s.65)."""
    model = content.definition.risk_model
    risks = content.rated_risks()
    return bool(model and risks and residual_summary(model, risks).needs_prior_consultation)


def editor_ids(revision: Revision) -> set[int]:
    """Everyone who changed this revision's content (one query)."""
    sources = [select(Answer.updated_by_id).where(Answer.revision_id == revision.id),
               select(SectionSave.updated_by_id).where(SectionSave.revision_id == revision.id)]
    sources += [select(model.updated_by_id).where(model.revision_id == revision.id)
                for model in ROW_MODELS.values()]
    ids = set(db.session.scalars(union(*sources)))
    if revision.created_by_id is not None:
        ids.add(revision.created_by_id)
    ids.discard(None)
    return ids


# -- transitions ------------------------------------------------------------------------------

def sign_off_records(revision: Revision) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.revision_id == revision.id)
                                   .options(joinedload(SignOff.signer)).order_by(SignOff.signed_at, SignOff.id)))


@dataclass(frozen=True)
class SignOffStatus:
    """Where sign-off stands: the latest row of each kind, the content hash now, and what blocks approval."""

    latest: dict[SignOffKind, SignOff]
    current_hash: str
    prior_consultation_needed: bool
    problems: tuple[str, ...]

    def is_current(self, kind: SignOffKind) -> bool:
        record = self.latest.get(kind)
        return record is not None and record.content_hash == self.current_hash


def sign_off_status(revision: Revision, content: RevisionContent | None = None) -> SignOffStatus:
    content = content or load_content(revision)
    records = sign_off_records(revision)
    current = revision_hash(content)
    prior = needs_prior_consultation(content)
    problems = approval_problems([SignOffRecord(r.kind, r.content_hash, r.details) for r in records], current,
                                 needs_prior_consultation=prior)
    latest = {record.kind: record for record in records}
    return SignOffStatus(latest, current, prior, tuple(problems))


def transition(*, actor: User, now: datetime, revision: Revision, action: Action,
               note: str | None = None) -> RevisionState:
    """Move a revision through the workflow: the table, the role rules and the guards, then one audit row.

    :raise InvalidTransitionError: the state does not allow `action`.
    :raise PermissionDeniedError: the actor may not take it (including on their own work).
    :raise ValidationError: a guard fails, e.g. approval before the DPO's advice is recorded.
    """
    target = next_state(revision.state, action)
    if target is None:
        raise InvalidTransitionError(f"A revision that is {revision.state.label.lower()} cannot be "
                                     f"{'approved' if action is Action.APPROVE else action.label.lower()}")
    edited = actor.id in editor_ids(revision)
    require(can_transition(actor, revision, action, edited=edited),
            "You cannot do this to a revision you worked on" if edited else "You do not have permission to do that")
    note = (note or "").strip() or None
    if action is Action.REQUEST_CHANGES and not note:
        raise ValidationError("Say what needs to change")
    if action is Action.APPROVE:
        status = sign_off_status(revision)
        if status.problems:
            raise ValidationError(" ".join(status.problems))
        review = status.latest.get(SignOffKind.KEPT_UNDER_REVIEW)
        revision.approved_at = now
        revision.next_review_on = date.fromisoformat(review.details["next_review_date"]) if review else None
        _supersede_earlier(actor=actor, now=now, revision=revision)
    if action is Action.SUBMIT:
        revision.submitted_at = now
    previous = revision.state
    revision.state = target
    db.session.flush()
    if note:
        db.session.add(Comment(revision_id=revision.id, author_id=actor.id, body=note, created_at=now))
    record_event(actor=actor, now=now, action=f"revision.{action.value}", object_type="revision",
                 object_id=revision.id, summary={"from": previous.value, "to": target.value,
                                                 "revision": revision.number})
    return target


def _supersede_earlier(*, actor: User, now: datetime, revision: Revision) -> None:
    """The newly approved revision becomes the version of record; the one before is superseded."""
    earlier = db.session.scalars(select(Revision).where(Revision.assessment_id == revision.assessment_id,
                                                        Revision.state == RevisionState.APPROVED,
                                                        Revision.id != revision.id))
    for old in earlier:
        old.state = RevisionState.SUPERSEDED
        old.next_review_on = None
        record_event(actor=actor, now=now, action="revision.supersede", object_type="revision", object_id=old.id,
                     summary={"from": "approved", "to": "superseded", "revision": old.number,
                              "superseded_by": revision.number})


# -- comments ---------------------------------------------------------------------------------

@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def comment_threads(revision: Revision) -> list[Thread]:
    """Every comment on the revision as threads, oldest first (one query)."""
    comments = db.session.scalars(select(Comment).where(Comment.revision_id == revision.id)
                                  .options(joinedload(Comment.author), joinedload(Comment.resolved_by))
                                  .order_by(Comment.created_at, Comment.id)).all()
    threads = {c.id: Thread(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


def add_comment(*, actor: User, now: datetime, revision: Revision, body: str, question_key: str | None = None,
                parent: Comment | None = None) -> Comment:
    require(can_comment(actor, revision), "Comments are closed on this revision")
    body = (body or "").strip()
    if not body:
        raise ValidationError("Enter a comment")
    if len(body) > COMMENT_MAX:
        raise ValidationError(f"Comments must be {COMMENT_MAX:,} characters or fewer")
    if parent is not None:
        if parent.revision_id != revision.id or parent.parent_id is not None:
            raise NotFoundError("comment")
        question_key = parent.question_key
    elif question_key and load_content(revision).definition.question(question_key) is None:
        raise ValidationError("That question is not part of this revision")
    comment = Comment(revision_id=revision.id, question_key=question_key or None,
                      parent_id=parent.id if parent else None, author_id=actor.id, body=body, created_at=now)
    db.session.add(comment)
    db.session.flush()
    record_event(actor=actor, now=now, action="comment.add", object_type="revision", object_id=revision.id,
                 summary={"comment": comment.id, "question": question_key, "reply_to": parent.id if parent else None})
    return comment


def resolve_comment(*, actor: User, now: datetime, revision: Revision, comment: Comment) -> None:
    require(can_comment(actor, revision), "Comments are closed on this revision")
    if comment.revision_id != revision.id or comment.parent_id is not None:
        raise NotFoundError("comment")
    if comment.resolved_at is None:
        comment.resolved_at = now
        comment.resolved_by_id = actor.id
        db.session.flush()
        record_event(actor=actor, now=now, action="comment.resolve", object_type="revision",
                     object_id=revision.id, summary={"comment": comment.id})


def unresolved_count(revision: Revision) -> int:
    return db.session.scalar(select(func.count(Comment.id)).where(
        Comment.revision_id == revision.id, Comment.parent_id.is_(None), Comment.resolved_at.is_(None))) or 0


# -- sign-off ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignOffOutcome:
    record: SignOff | None
    errors: dict[str, str]


def record_sign_off(*, actor: User, now: datetime, revision: Revision, kind: SignOffKind, position: str,
                    notes: str | None, raw: dict[str, Any]) -> SignOffOutcome:
    """Record one step-7 row against the revision's content as it is now."""
    edited = actor.id in editor_ids(revision)
    require(can_record_sign_off(actor, revision, kind, edited=edited),
            "You cannot sign off a revision you worked on" if edited else "You cannot record this sign-off")
    details, errors = clean_details(kind, raw)
    position = (position or "").strip()
    if not position:
        errors["position"] = "Enter your position, for example Data Protection Officer"
    elif len(position) > 200:
        errors["position"] = "Position must be 200 characters or fewer"
    if errors:
        return SignOffOutcome(None, errors)
    digest = revision_hash(load_content(revision))
    record = SignOff(revision_id=revision.id, kind=kind, signer_id=actor.id, signer_name=actor.name,
                     signer_position=position, signed_at=now, notes=(notes or "").strip() or None, details=details,
                     content_hash=digest)
    db.session.add(record)
    db.session.flush()
    record_event(actor=actor, now=now, action="sign_off.record", object_type="revision", object_id=revision.id,
                 summary={"kind": kind.value, "content_hash": digest})
    return SignOffOutcome(record, {})


# -- new revisions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionInput:
    decided_on: date
    decision: str
    made_by: str
    forum: str


def start_revision(*, actor: User, now: datetime, assessment: Assessment, rationale: str,
                   decisions: Sequence[DecisionInput]) -> Revision:
    """Copy the approved revision into a new draft, with why it is being revised and the decisions behind it.

    The approved revision stays the version of record until the new one is approved.
    """
    revisions = list(db.session.scalars(select(Revision).where(Revision.assessment_id == assessment.id)
                                         .order_by(Revision.number)))
    latest = revisions[-1]
    require(can_start_revision(actor, assessment, latest.state),
            "A new revision can only start from an approved one, by the assessment's team")
    rationale = (rationale or "").strip()
    problems = []
    if not rationale:
        problems.append("Explain why the assessment is being revised")
    if not decisions:
        problems.append("Link at least one decision that led to this revision")
    if problems:
        raise ValidationError("; ".join(problems))
    new = Revision(assessment_id=assessment.id, number=latest.number + 1, state=RevisionState.DRAFT,
                   questionnaire_version_id=latest.questionnaire_version_id, rationale=rationale, created_at=now,
                   created_by_id=actor.id, based_on_id=latest.id)
    new.add_ons = [RevisionAddOn(questionnaire_version_id=a.questionnaire_version_id, position=a.position)
                   for a in latest.add_ons]
    db.session.add(new)
    db.session.flush()
    _copy_content(latest, new, now=now, actor=actor)
    for item in decisions:
        decision = Decision(assessment_id=assessment.id, decided_on=item.decided_on, decision=item.decision,
                            made_by=item.made_by, forum=item.forum, created_at=now, created_by_id=actor.id)
        db.session.add(decision)
        db.session.flush()
        db.session.add(RevisionDecision(revision_id=new.id, decision_id=decision.id))
    db.session.flush()
    record_event(actor=actor, now=now, action="revision.start", object_type="revision", object_id=new.id,
                 summary={"revision": new.number, "based_on": latest.number, "decisions": len(decisions)})
    return new


def _copy_content(source: Revision, target: Revision, *, now: datetime, actor: User) -> None:
    """Answers and rows carry over unchanged; rows keep their identity so diffs can match them."""
    for answer in db.session.scalars(select(Answer).where(Answer.revision_id == source.id)):
        db.session.add(Answer(revision_id=target.id, question_key=answer.question_key, value=answer.value,
                              updated_at=answer.updated_at, updated_by_id=answer.updated_by_id))
    for model in ROW_MODELS.values():
        columns = [c.key for c in model.__table__.columns
                   if c.key not in ("id", "revision_id", "lock_version")]
        for row in db.session.scalars(select(model).where(model.revision_id == source.id)):
            copy = model(revision_id=target.id, **{key: getattr(row, key) for key in columns})
            if isinstance(copy, TableRow):
                copy.cells = dict(row.cells or {})
            db.session.add(copy)
    db.session.flush()


def decisions_for(revision: Revision) -> list[Decision]:
    return list(db.session.scalars(select(Decision).join(RevisionDecision)
                                   .where(RevisionDecision.revision_id == revision.id)
                                   .order_by(Decision.decided_on)))


# -- queues for dashboards --------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    reference: str
    title: str
    number: int
    state: RevisionState
    since: datetime | None
    due: date | None = None
    overdue: bool = False
    count: int = 0


def _queue_query():
    return (select(Assessment.reference, Assessment.title, Revision.number, Revision.state, Revision.submitted_at,
                   Revision.next_review_on)
            .join(Revision, Revision.assessment_id == Assessment.id))


def waiting_for_review() -> list[QueueItem]:
    """Revisions submitted for review or awaiting sign-off, oldest first."""
    rows = db.session.execute(_queue_query().where(Revision.state.in_([RevisionState.SUBMITTED,
                                                                       RevisionState.AWAITING_SIGN_OFF]))
                              .order_by(Revision.submitted_at))
    return [QueueItem(ref, title, number, state, since) for ref, title, number, state, since, _ in rows]


def reviews_due(today: date, *, within_days: int = 30) -> list[QueueItem]:
    """Approved revisions whose next review is overdue or falls within `within_days`."""
    horizon = today + timedelta(days=within_days)
    rows = db.session.execute(_queue_query().where(Revision.state == RevisionState.APPROVED,
                                                   Revision.next_review_on.is_not(None),
                                                   Revision.next_review_on <= horizon)
                              .order_by(Revision.next_review_on))
    return [QueueItem(ref, title, number, state, since, due, due < today)
            for ref, title, number, state, since, due in rows]


def unresolved_comment_queue(actor: User) -> list[QueueItem]:
    """Open revisions of the actor's teams that have unresolved comments, with how many."""
    if not actor.team_ids:
        return []
    rows = db.session.execute(
        _queue_query().add_columns(func.count(Comment.id))
        .join(Comment, (Comment.revision_id == Revision.id) & Comment.parent_id.is_(None)
              & Comment.resolved_at.is_(None))
        .where(Assessment.team_id.in_(actor.team_ids), Revision.state.in_(list(OPEN_STATES)))
        .group_by(Assessment.reference, Assessment.title, Revision.number, Revision.state, Revision.submitted_at,
                  Revision.next_review_on)
        .order_by(Assessment.reference))
    return [QueueItem(ref, title, number, state, since, count=count)
            for ref, title, number, state, since, _, count in rows]
