"""Publication: deciding to publish, slippage, redaction, scheduling a rendered bundle, withdrawal,
the public queries (visible from `publish_at` on, checked at query time), and FOI s.22 evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import defer, joinedload

from dpia.domain.errors import ConflictError, NotFoundError, ValidationError
from dpia.domain.partial_dates import PartialDate
from dpia.domain.permissions import can_publish, require
from dpia.domain.publication import (
    Exemption,
    IntentionRecord,
    S22Finding,
    Scope,
    TargetType,
    check_plan,
    current_plan,
    is_overdue,
    s22_finding,
)
from dpia.domain.states import RevisionState
from dpia.extensions import db
from dpia.models import (
    Assessment,
    FoiRequest,
    Publication,
    PublicationDecision,
    Redaction,
    Revision,
    SignOff,
    Slippage,
    User,
)
from dpia.rendering.document import Document, RedactionMark, SignOffInput, build_document
from dpia.rendering.markdown import plain_text
from dpia.services.answers import load_content
from dpia.services.audit import record_event
from dpia.services.review import revision_hash

# -- decisions and slippage -------------------------------------------------------------------

PUBLISHABLE_STATES = frozenset({RevisionState.SUBMITTED, RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED})


def decisions_for(revision: Revision) -> list[PublicationDecision]:
    return list(db.session.scalars(select(PublicationDecision).where(PublicationDecision.revision_id == revision.id)
                                   .options(joinedload(PublicationDecision.slippages))
                                   .order_by(PublicationDecision.recorded_at)).unique())


def plan_of(decision: PublicationDecision) -> PartialDate:
    return current_plan(decision.planned, [s.new_planned for s in decision.slippages])


def record_decision(*, actor: User, now: datetime, revision: Revision, decided_on: date, decided_by: str,
                    scope: Scope, planned: str, channel: str) -> PublicationDecision:
    """Record an intention to publish. The recording time is the server's, never the user's."""
    require(can_publish(actor), "Only a data protection officer records publication decisions")
    if revision.state not in PUBLISHABLE_STATES:
        raise ValidationError("Only a revision under review or approved can be planned for publication")
    problems = []
    try:
        planned = check_plan(planned)
    except ValueError as error:
        problems.append(f"Planned date: {error}")
    if decided_on > now.date():
        problems.append("The decision date cannot be in the future")
    if not decided_by.strip():
        problems.append("Enter who decided")
    if not channel.strip():
        problems.append("Enter where it will be published")
    if problems:
        raise ValidationError("; ".join(problems))
    decision = PublicationDecision(revision_id=revision.id, decided_on=decided_on, decided_by=decided_by.strip(),
                                   scope=scope.value, planned=planned, channel=channel.strip(), recorded_at=now,
                                   recorded_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.decide", object_type="revision", object_id=revision.id,
                 summary={"decision": decision.id, "scope": scope.value, "planned": planned,
                          "decided_on": decided_on.isoformat()})
    return decision


def record_slippage(*, actor: User, now: datetime, decision: PublicationDecision, reason: str,
                    new_planned: str) -> Slippage:
    """A plan that slipped: why, and the new plan. Earlier plans stay in the history."""
    require(can_publish(actor), "Only a data protection officer records slippage")
    problems = []
    try:
        new_planned = check_plan(new_planned)
    except ValueError as error:
        problems.append(f"New planned date: {error}")
    if not reason.strip():
        problems.append("Say why publication slipped")
    if problems:
        raise ValidationError("; ".join(problems))
    previous = plan_of(decision).canonical
    slippage = Slippage(decision_id=decision.id, previous_planned=previous, new_planned=new_planned,
                        reason=reason.strip(), recorded_at=now, recorded_by_id=actor.id)
    db.session.add(slippage)
    db.session.flush()
    db.session.refresh(decision)
    record_event(actor=actor, now=now, action="publication.slip", object_type="revision",
                 object_id=decision.revision_id, summary={"from": previous, "to": new_planned})
    return slippage


# -- redaction --------------------------------------------------------------------------------

def redactions_for(revision: Revision) -> list[Redaction]:
    return list(db.session.scalars(select(Redaction).where(Redaction.revision_id == revision.id)
                                   .order_by(Redaction.created_at, Redaction.id)))


def _redaction_editable(revision: Revision) -> None:
    if db.session.scalar(select(Publication.id).where(Publication.revision_id == revision.id)):
        raise ConflictError("This revision is already scheduled; its published bundle cannot change")


def set_redaction(*, actor: User, now: datetime, revision: Revision, target_type: TargetType, target_key: str,
                  exemption: Exemption, reason: str) -> Redaction:
    """Withhold a section, question or table row, citing an FOI Act exemption and a reason."""
    require(can_publish(actor), "Only a data protection officer withholds parts of an assessment")
    _redaction_editable(revision)
    content = load_content(revision)
    known = {
        TargetType.SECTION: {s.key for s in content.definition.sections},
        TargetType.QUESTION: {q.key for q in content.definition.questions},
        TargetType.ROW: {row.uid for rows in content.rows.values() for row in rows},
    }[target_type]
    if target_key not in known:
        raise NotFoundError(target_key)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason the exemption applies")
    existing = db.session.scalar(select(Redaction).where(Redaction.revision_id == revision.id,
                                                         Redaction.target_type == target_type.value,
                                                         Redaction.target_key == target_key))
    if existing is None:
        existing = Redaction(revision_id=revision.id, target_type=target_type.value, target_key=target_key,
                             exemption=exemption.value, reason=reason, created_at=now, created_by_id=actor.id)
        db.session.add(existing)
    else:
        existing.exemption, existing.reason = exemption.value, reason
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.redact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{target_type.value}:{target_key}", "exemption": exemption.value})
    return existing


def remove_redaction(*, actor: User, now: datetime, revision: Revision, redaction: Redaction) -> None:
    require(can_publish(actor), "Only a data protection officer changes what is withheld")
    _redaction_editable(revision)
    if redaction.revision_id != revision.id:
        raise NotFoundError("redaction")
    db.session.delete(redaction)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.unredact", object_type="revision", object_id=revision.id,
                 summary={"target": f"{redaction.target_type}:{redaction.target_key}"})


# -- documents and scheduling -----------------------------------------------------------------

def document_for(revision: Revision, *, organisation: str, public: bool, published_on: datetime | None = None,
                 scope: Scope | None = None) -> Document:
    """The revision as a document: redacted and name-free when `public`, complete otherwise."""
    content = load_content(revision)
    marks = [RedactionMark(TargetType(r.target_type), r.target_key, Exemption(r.exemption), r.reason)
             for r in redactions_for(revision)]
    sign_offs = db.session.scalars(select(SignOff).where(SignOff.revision_id == revision.id)
                                   .order_by(SignOff.signed_at, SignOff.id)).all()
    latest = {s.kind: s for s in sign_offs}
    if scope is None:
        decisions = decisions_for(revision)
        scope = Scope(decisions[-1].scope) if decisions else Scope.FULL
    return build_document(
        content, organisation=organisation, regime=revision.assessment.regime.label, status=revision.state.label,
        content_hash=revision_hash(content), redactions=marks,
        sign_offs=[SignOffInput(s.kind, s.signer_name, s.signer_position, s.signed_at, s.details)
                   for s in latest.values()],
        public=public, scope=scope, published_on=published_on)


def _changes_since_previous(revision: Revision, now: datetime, withheld_sections: set[str]):
    from dpia.rendering.snapshot import Changes
    from dpia.services.revision_diff import diff_between

    previous = db.session.scalar(
        select(Revision).join(Publication, Publication.revision_id == Revision.id)
        .where(Revision.assessment_id == revision.assessment_id, Revision.number < revision.number,
               Publication.withdrawn_at.is_(None))
        .order_by(Revision.number.desc()).limit(1))
    if previous is None:
        return None
    # A section with anything withheld, in either revision, is left out: even a count of changes
    # ("1 answer changed") would tell the public something about what is withheld.
    hidden = withheld_sections | _sections_with_redactions(previous) | _sections_with_redactions(revision)
    diff = diff_between(previous, revision)
    lines = tuple(f"{section.title}: {section.summary}" for section in diff.sections
                  if section.has_changes and section.key not in hidden)
    return Changes(previous.number, lines or ("No changes to the published sections",))


def _sections_with_redactions(revision: Revision) -> set[str]:
    content = load_content(revision)
    row_owner = {row.uid: key for key, rows in content.rows.items() for row in rows}
    sections: set[str] = set()
    for redaction in redactions_for(revision):
        key = redaction.target_key
        if redaction.target_type == TargetType.ROW:
            key = row_owner.get(key, "")
        if redaction.target_type == TargetType.SECTION:
            sections.add(key)
        else:
            sections |= {s.key for s in content.definition.sections if any(q.key == key for q in s.questions)}
    return sections


def schedule(*, actor: User, now: datetime, revision: Revision, publish_at: datetime,
             organisation: str) -> Publication:
    """Render the public bundle once and store it; the public sees it from `publish_at` on."""
    from dpia.rendering.snapshot import render_bundle

    require(can_publish(actor), "Only a data protection officer schedules publication")
    if revision.state is not RevisionState.APPROVED:
        raise ValidationError("Only an approved revision can be published")
    decisions = decisions_for(revision)
    if not decisions:
        raise ValidationError("Record the decision to publish first")
    if publish_at.tzinfo is None:
        raise ValidationError("The publication time needs a time zone")
    _redaction_editable(revision)
    decision = decisions[-1]
    document = document_for(revision, organisation=organisation, public=True, published_on=publish_at)
    withheld = {s.key for s in document.sections if s.withheld}
    changes = _changes_since_previous(revision, now, withheld)
    bundle = render_bundle(document, changes=changes, publication={
        "reference": document.reference, "revision": document.revision, "publish_at": publish_at.isoformat(),
        "scope": decision.scope, "content_hash": document.content_hash})
    summary = plain_text(next((item.markdown or item.text or "" for section in document.sections
                               for item in section.items
                               if item.key in ("outcomes.public_summary", "need.aims") and not item.withheld), ""))
    publication = Publication(
        assessment_id=revision.assessment_id, revision_id=revision.id, revision_number=revision.number,
        decision_id=decision.id, publish_at=publish_at, scheduled_at=now, scheduled_by_id=actor.id,
        title=document.title, team_name=document.team, summary=summary[:1000],
        search_text=" ".join(document.text_parts()).lower(), html=bundle.html, html_sha256=bundle.html_sha256,
        pdf=bundle.pdf, pdf_sha256=bundle.pdf_sha256, json=bundle.json, json_sha256=bundle.json_sha256,
        content_hash=document.content_hash)
    db.session.add(publication)
    db.session.flush()
    record_event(actor=actor, now=now, action="publication.schedule", object_type="revision",
                 object_id=revision.id, summary={"publish_at": publish_at.isoformat(), "html": bundle.html_sha256,
                                                 "pdf": bundle.pdf_sha256, "json": bundle.json_sha256})
    return publication


def withdraw(*, actor: User, now: datetime, publication: Publication, reason: str) -> None:
    require(can_publish(actor), "Only a data protection officer withdraws a publication")
    if not reason.strip():
        raise ValidationError("Give the reason for withdrawing the publication")
    if publication.withdrawn_at is None:
        publication.withdrawn_at, publication.withdrawn_reason = now, reason.strip()
        publication.withdrawn_by_id = actor.id
        db.session.flush()
        record_event(actor=actor, now=now, action="publication.withdraw", object_type="revision",
                     object_id=publication.revision_id, summary={"publication": publication.id})


# -- public queries ---------------------------------------------------------------------------

# Listings never need the stored files; loading them would cost megabytes per page.
LISTING_ONLY = (defer(Publication.html), defer(Publication.pdf), defer(Publication.json),
                defer(Publication.search_text))


def visible(now: datetime) -> ColumnElement[bool]:
    """The one condition that makes a bundle public: its time has come and it is not withdrawn."""
    return and_(Publication.publish_at <= now, Publication.withdrawn_at.is_(None))


@dataclass(frozen=True)
class RegisterPage:
    items: list[Publication]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def register(now: datetime, *, query: str = "", team: str = "", page: int = 1, per_page: int = 20) -> RegisterPage:
    """The latest visible publication of each assessment, searchable by title, team and text."""
    latest = (select(Publication.assessment_id, func.max(Publication.revision_number).label("number"))
              .where(visible(now)).group_by(Publication.assessment_id).subquery())
    stmt = (select(Publication).options(*LISTING_ONLY)
            .join(latest, and_(latest.c.assessment_id == Publication.assessment_id,
                               latest.c.number == Publication.revision_number)))
    for term in query.lower().split()[:10]:
        like = f"%{term.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(func.lower(Publication.title).like(like), func.lower(Publication.team_name).like(like),
                              Publication.search_text.like(like)))
    if team:
        stmt = stmt.where(Publication.team_name == team)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(Publication.publish_at.desc(), Publication.id.desc())
                                    .offset((page - 1) * per_page).limit(per_page)))
    return RegisterPage(items, total, page, per_page)


@dataclass(frozen=True)
class UpcomingItem:
    reference: str
    title: str
    revision: int
    decided_on: date
    planned: PartialDate
    publish_at: datetime | None
    overdue: bool
    slipped: int


def upcoming(now: datetime) -> list[UpcomingItem]:
    """Every decided, scheduled and overdue publication that the public cannot read yet."""
    decisions = db.session.scalars(
        select(PublicationDecision).options(joinedload(PublicationDecision.slippages),
                                            joinedload(PublicationDecision.revision).joinedload(Revision.assessment))
        .order_by(PublicationDecision.recorded_at)).unique().all()
    scheduled = {row.revision_id: row for row in db.session.execute(
        select(Publication.revision_id, Publication.publish_at, Publication.withdrawn_at))}
    latest: dict[int, PublicationDecision] = {d.revision_id: d for d in decisions}
    items = []
    for decision in latest.values():
        if decision.revision.state in (RevisionState.SUPERSEDED, RevisionState.REJECTED):
            continue  # a plan for a revision that will never be published is no longer a plan
        publication = scheduled.get(decision.revision_id)
        if publication is not None and (publication.publish_at <= now or publication.withdrawn_at is not None):
            continue
        plan = plan_of(decision)
        items.append(UpcomingItem(decision.revision.assessment.reference, decision.revision.assessment.title,
                                  decision.revision.number, decision.decided_on, plan,
                                  publication.publish_at if publication else None,
                                  is_overdue(plan, now.date(), published=publication is not None and
                                             publication.publish_at <= now),
                                  len(decision.slippages)))
    return sorted(items, key=lambda i: (not i.overdue, i.planned.last_day or date.max))


def overdue_publications(now: datetime) -> list[UpcomingItem]:
    return [item for item in upcoming(now) if item.overdue and item.publish_at is None]


# -- public queries on light columns (the stored files are loaded only for the one item served) --

@dataclass(frozen=True)
class HistoryEntry:
    id: int
    number: int
    publish_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    visible: bool


def history_entries(reference: str, now: datetime) -> list[HistoryEntry]:
    """Every publication of the assessment that reached its time, withdrawn ones included, each marked
    with the public condition itself; the stored files are not loaded (one statement)."""
    rows = db.session.execute(
        select(Publication.id, Publication.revision_number, Publication.publish_at, Publication.withdrawn_at,
               Publication.withdrawn_reason, visible(now).label("visible"))
        .join(Assessment, Assessment.id == Publication.assessment_id)
        .where(Assessment.reference == reference, Publication.publish_at <= now)
        .order_by(Publication.revision_number))
    return [HistoryEntry(row.id, row.revision_number, row.publish_at, row.withdrawn_at, row.withdrawn_reason,
                         bool(row.visible)) for row in rows]


def visible_columns(reference: str, number: int | None, *columns: Any, now: datetime) -> Any:
    """The requested columns of one visible publication (revision `number`, or the latest), or None."""
    stmt = (select(Publication.revision_number, *columns)
            .join(Assessment, Assessment.id == Publication.assessment_id)
            .where(Assessment.reference == reference, visible(now)))
    if number is None:
        stmt = stmt.order_by(Publication.revision_number.desc()).limit(1)
    else:
        stmt = stmt.where(Publication.revision_number == number)
    return db.session.execute(stmt).first()


def stored_page(publication_id: int) -> tuple[str, str]:
    """The stored HTML of one publication and its SHA-256."""
    html, digest = db.session.execute(select(Publication.html, Publication.html_sha256)
                                      .where(Publication.id == publication_id)).one()
    return html, digest


def assessment_references(items: list[Publication]) -> dict[int, str]:
    """Each listed publication's assessment reference, in one statement for the whole page."""
    ids = {item.assessment_id for item in items}
    if not ids:
        return {}
    rows = db.session.execute(select(Assessment.id, Assessment.reference).where(Assessment.id.in_(ids)))
    return {row.id: row.reference for row in rows}


def register_teams(now: datetime) -> list[str]:
    """The teams of the assessments on the register (their latest visible publication)."""
    latest = (select(Publication.assessment_id, func.max(Publication.revision_number).label("number"))
              .where(visible(now)).group_by(Publication.assessment_id).subquery())
    return list(db.session.scalars(
        select(Publication.team_name).distinct()
        .join(latest, and_(latest.c.assessment_id == Publication.assessment_id,
                           latest.c.number == Publication.revision_number))
        .order_by(Publication.team_name)))


@dataclass(frozen=True)
class FeedEntry:
    reference: str
    number: int
    title: str
    team: str
    summary: str
    publish_at: datetime


def feed_entries(now: datetime, *, limit: int) -> list[FeedEntry]:
    """The newest visible publications, for the Atom feed."""
    rows = db.session.execute(
        select(Assessment.reference, Publication.revision_number, Publication.title, Publication.team_name,
               Publication.summary, Publication.publish_at)
        .join(Assessment, Assessment.id == Publication.assessment_id)
        .where(visible(now))
        .order_by(Publication.publish_at.desc(), Publication.id.desc())
        .limit(limit))
    return [FeedEntry(*row) for row in rows]


# -- FOI s.22 ---------------------------------------------------------------------------------

def record_foi_request(*, actor: User, now: datetime, assessment: Assessment, reference: str, received_on: date,
                       summary: str) -> FoiRequest:
    require(can_publish(actor), "Only a data protection officer records FOI requests")
    if not reference.strip():
        raise ValidationError("Enter the request's reference")
    if received_on > now.date():
        raise ValidationError("The received date cannot be in the future")
    foi = FoiRequest(assessment_id=assessment.id, reference=reference.strip(), received_on=received_on,
                     summary=summary.strip(), created_at=now, created_by_id=actor.id)
    db.session.add(foi)
    db.session.flush()
    record_event(actor=actor, now=now, action="foi.record", object_type="assessment", object_id=assessment.id,
                 summary={"foi": foi.id})
    return foi


def foi_requests_for(assessment: Assessment) -> list[FoiRequest]:
    return list(db.session.scalars(select(FoiRequest).where(FoiRequest.assessment_id == assessment.id)
                                   .order_by(FoiRequest.received_on)))


def s22_evidence(assessment: Assessment, *, received: date, now: datetime) -> S22Finding:
    """Did a recorded intention to publish exist when the request arrived, and what became of it?"""
    decisions = db.session.scalars(
        select(PublicationDecision).join(Revision).where(Revision.assessment_id == assessment.id)
        .options(joinedload(PublicationDecision.slippages), joinedload(PublicationDecision.revision))
        .order_by(PublicationDecision.recorded_at)).unique().all()
    records = [IntentionRecord(d.revision.number, d.decided_on, d.decided_by, d.recorded_at, Scope(d.scope),
                               d.planned, d.channel,
                               tuple((s.recorded_at, s.new_planned, s.reason) for s in d.slippages))
               for d in decisions]
    finding = s22_finding(records, received=received, today=now.date(), published_on=None)
    if finding.intention is None:
        return finding
    published = db.session.scalar(
        select(Publication.publish_at).join(Revision).where(
            Revision.assessment_id == assessment.id, Revision.number == finding.intention.revision_number,
            visible(now)))
    return s22_finding(records, received=received, today=now.date(), published_on=published)


