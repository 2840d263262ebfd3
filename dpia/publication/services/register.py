"""The public register's queries. A bundle is public from `publish_at` on unless withdrawn: one
condition, `visible(now)`, checked at query time in every query here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, func, or_, select
from sqlalchemy.orm import aliased, defer, joinedload

from dpia.assessments.models import Assessment, Revision
from dpia.core.extensions import db
from dpia.core.pagination import Page, offset
from dpia.core.partial_dates import PartialDate
from dpia.publication.models import Publication, PublicationDecision
from dpia.publication.rules import (
    is_overdue,
)
from dpia.publication.services.decisions import plan_of

# Listings never need the stored files; loading them would cost megabytes per page.
LISTING_ONLY = (defer(Publication.html), defer(Publication.pdf), defer(Publication.json),
                defer(Publication.search_text))


def visible(now: datetime) -> ColumnElement[bool]:
    """The one condition that makes a bundle public: its time has come and it is not withdrawn."""
    return and_(Publication.publish_at <= now, Publication.withdrawn_at.is_(None))


def register(now: datetime, *, query: str = "", team: str = "", page: int = 1,
             per_page: int = 20) -> Page[Publication]:
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
                                    .offset(offset(page, per_page)).limit(per_page)))
    return Page(items, page, per_page, total)


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
        if decision.revision.state.will_never_be_published:
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


@dataclass(frozen=True)
class PublishedHistory:
    entries: list[HistoryEntry]
    next_publish_at: datetime | None  # when this assessment's pages next change by themselves


def published_history(reference: str, now: datetime) -> PublishedHistory:
    """Every publication of the assessment that reached its time, withdrawn ones included, each marked
    with the public condition itself, and the time its next scheduled revision becomes public; the
    stored files are not loaded (one statement)."""
    rows = db.session.execute(
        select(Publication.id, Publication.revision_number, Publication.publish_at, Publication.withdrawn_at,
               Publication.withdrawn_reason, visible(now).label("visible"))
        .join(Assessment, Assessment.id == Publication.assessment_id)
        .where(Assessment.reference == reference,
               or_(Publication.publish_at <= now, Publication.withdrawn_at.is_(None)))
        .order_by(Publication.revision_number)).all()
    entries = [HistoryEntry(row.id, row.revision_number, row.publish_at, row.withdrawn_at, row.withdrawn_reason,
                            bool(row.visible)) for row in rows if row.publish_at <= now]
    upcoming_times = [row.publish_at for row in rows if row.publish_at > now]
    return PublishedHistory(entries, min(upcoming_times, default=None))


def visible_columns(reference: str, number: int | None, *columns: Any, now: datetime) -> Any:
    """The requested columns of one visible publication (revision `number`, or the latest), or None,
    with `next_publish_at`: when the assessment's next scheduled revision becomes public."""
    stmt = (select(Publication.revision_number, *columns, _next_publish_at(now, Publication.assessment_id)
                   .label("next_publish_at"))
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


# -- validators for caches: cheap statements that tell when the public listings change -------------

def _next_publish_at(now: datetime, assessment_id: ColumnElement[int] | None = None) -> ScalarSelect[datetime]:
    """The earliest `publish_at` still to come (of one assessment, if given): an indexed MIN."""
    later = aliased(Publication)
    stmt = select(func.min(later.publish_at)).where(later.publish_at > now, later.withdrawn_at.is_(None))
    if assessment_id is not None:
        stmt = stmt.where(later.assessment_id == assessment_id)
    return stmt.scalar_subquery()


@dataclass(frozen=True)
class ListingVersion:
    """What the register, its search, JSON and feed are built from, summarised in a few values."""

    key: str  # changes whenever any public listing may change
    last_modified: datetime | None
    next_publish_at: datetime | None  # when the listings next change by themselves


def listing_version(now: datetime) -> ListingVersion:
    """The listings' version, in one statement of aggregates, without running the listing queries.

    A listing changes when a publication reaches its time (the newest `publish_at` so far moves), is
    scheduled, even back-dated (the newest id moves), or is withdrawn (the withdrawals' count moves).
    """
    newest = select(Publication.id, Publication.scheduled_at).order_by(Publication.id.desc()).limit(1).subquery()
    withdrawals = select(func.max(Publication.withdrawn_at).label("latest"),
                         func.count(Publication.withdrawn_at).label("count")).subquery()
    row = db.session.execute(select(
        select(func.max(Publication.publish_at)).where(Publication.publish_at <= now).scalar_subquery()
        .label("reached"),
        select(newest.c.id).scalar_subquery().label("newest_id"),
        select(newest.c.scheduled_at).scalar_subquery().label("scheduled_at"),
        withdrawals.c.latest.label("withdrawn_at"), withdrawals.c.count.label("withdrawn"),
        _next_publish_at(now).label("next_publish_at"),
    ).select_from(withdrawals)).one()
    changes = [moment for moment in (row.reached, row.scheduled_at, row.withdrawn_at) if moment is not None]
    last_modified = min(max(changes), now) if changes else None
    key = "|".join(str(value) for value in (row.reached, row.newest_id, row.scheduled_at, row.withdrawn_at,
                                            row.withdrawn, row.next_publish_at))
    return ListingVersion(key, last_modified, row.next_publish_at)


def next_publish_at(now: datetime) -> datetime | None:
    """When the next scheduled publication becomes public, if one is still to come."""
    return db.session.scalar(select(_next_publish_at(now)))
