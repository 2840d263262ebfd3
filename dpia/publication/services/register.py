"""The public register's queries. A bundle is public from `publish_at` on unless withdrawn: one
condition, `visible(now)`, checked at query time in every query here."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, bindparam, case, func, literal, null, or_, select
from sqlalchemy.orm import aliased

from dpia.assessments.models import Assessment
from dpia.core.extensions import db
from dpia.core.pagination import Page, offset
from dpia.publication.models import Publication, RegisterEntry, RegisterVersion
from dpia.publication.services.listing import VERSION_ROW, matching, search_terms

CAP = 10_000  # a search or filter counts its matches up to here, then says "more than"


def visible(now: datetime) -> ColumnElement[bool]:
    """The one condition that makes a bundle public: its time has come and it is not withdrawn."""
    return and_(Publication.publish_at <= now, Publication.withdrawn_at.is_(None))


def listed(now: datetime, entry: type[RegisterEntry] = RegisterEntry) -> ColumnElement[bool]:
    """The same condition on the register's entries: the current public revision of each assessment."""
    return and_(entry.publish_at <= now, or_(entry.public_until.is_(None), entry.public_until > now))


NEWEST_FIRST = (RegisterEntry.publish_at.desc(), RegisterEntry.publication_id.desc())
OLDEST_FIRST = (RegisterEntry.publish_at.asc(), RegisterEntry.publication_id.asc())


def register(now: datetime, *, query: str = "", team: str = "", page: int = 1,
             per_page: int = 20) -> Page[RegisterEntry]:
    """The current public revision of each assessment, newest first, searchable by reference, title,
    team and text. Three statements at any size: a count that never scans everything, and one page,
    read from whichever end of the list is nearer so the last page costs what the first does."""
    stmt = select(RegisterEntry).where(listed(now))
    terms = search_terms(query)
    if terms:
        stmt = stmt.where(matching(terms, db.session.get_bind().dialect.name))
    if team:
        stmt = stmt.where(RegisterEntry.team_name == team)
    if terms or team:
        found = db.session.scalar(select(func.count()).select_from(
            stmt.with_only_columns(literal(1)).limit(CAP + 1).subquery())) or 0
        total, more = min(found, CAP), found > CAP
    else:
        total, more = _listed_count(now), False
    start = offset(page, per_page)
    if not more and start * 2 > total:
        tail = stmt.order_by(*OLDEST_FIRST).offset(max(0, total - start - per_page)).limit(
            max(0, min(per_page, total - start)))
        items = list(reversed(db.session.scalars(tail).all()))
    else:
        items = list(db.session.scalars(stmt.order_by(*NEWEST_FIRST).offset(start).limit(per_page)))
    return Page(items, page, per_page, total, more=more)


def _listed_count(now: datetime) -> int:
    """How many entries are public: all of them less those not public yet and those no longer public,
    two indexed range counts (an entry ends only after it begins)."""
    def entries_where(condition: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count()).select_from(RegisterEntry).where(condition).scalar_subquery()

    stored = select(RegisterVersion.entries).where(RegisterVersion.id == VERSION_ROW).scalar_subquery()
    return db.session.scalar(select(func.coalesce(stored, 0) - entries_where(RegisterEntry.publish_at > now)
                                    - entries_where(RegisterEntry.public_until <= now))) or 0


# -- public queries on light columns (the stored files are loaded only for the one item served) --

@dataclass(frozen=True)
class HistoryEntry:
    id: int
    number: int
    publish_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    visible: bool
    html_sha256: str  # of the page stored when it was rendered: the base of its ETag


@dataclass(frozen=True)
class PublishedHistory:
    entries: list[HistoryEntry]
    next_publish_at: datetime | None  # when this assessment's pages next change by themselves

    def state(self) -> str:
        """A short token that changes whenever the history changes.

        A publication row never changes once its time has come except for a one-time withdrawal,
        and rows are only added, so the counts and the newest id identify the entries.
        """
        withdrawn = sum(1 for entry in self.entries if not entry.visible)
        return f"{len(self.entries)}-{max((entry.id for entry in self.entries), default=0)}-{withdrawn}"


_NOW = bindparam("now")
# Built once per process: a published page's one statement is not rebuilt for each visitor.
_HISTORY = (select(Publication.id, Publication.revision_number, Publication.publish_at, Publication.withdrawn_at,
                   Publication.withdrawn_reason, visible(_NOW).label("visible"), Publication.html_sha256)
            .join(Assessment, Assessment.id == Publication.assessment_id)
            .where(Assessment.reference == bindparam("reference"),
                   or_(Publication.publish_at <= _NOW, Publication.withdrawn_at.is_(None)))
            .order_by(Publication.revision_number))


def published_history(reference: str, now: datetime) -> PublishedHistory:
    """Every publication of the assessment that reached its time, withdrawn ones included, each marked
    with the public condition itself, and the time its next scheduled revision becomes public; the
    stored files are not loaded (one statement, enough to answer a conditional request)."""
    # Core execution on the session's connection: plain rows, without the ORM's per-statement work.
    rows = db.session.connection().execute(_HISTORY, {"reference": reference, "now": now}).all()
    entries = [HistoryEntry(row.id, row.revision_number, row.publish_at, row.withdrawn_at, row.withdrawn_reason,
                            bool(row.visible), row.html_sha256) for row in rows if row.publish_at <= now]
    upcoming_times = [row.publish_at for row in rows if row.publish_at > now]
    return PublishedHistory(entries, min(upcoming_times, default=None))


def visible_file(reference: str, number: int | None, content: Any, digest: Any, *, now: datetime,
                 held: Collection[str] = ()) -> Any:
    """One visible publication's stored file (revision `number`, or the latest) and its digest, or None,
    with `next_publish_at`: when the assessment's next scheduled revision becomes public.

    `held` are the ETags the client already holds: when the digest is one of them the file comes back
    as NULL, so a conditional request is answered without reading the bytes (still one statement).
    """
    body = case((digest.in_(held), null()), else_=content) if held else content
    stmt = (select(Publication.revision_number, body.label("body"), digest.label("digest"),
                   _next_publish_at(now, Publication.assessment_id).label("next_publish_at"))
            .join(Assessment, Assessment.id == Publication.assessment_id)
            .where(Assessment.reference == reference, visible(now)))
    if number is None:
        stmt = stmt.order_by(Publication.revision_number.desc()).limit(1)
    else:
        stmt = stmt.where(Publication.revision_number == number)
    return db.session.execute(stmt).first()


def stored_page(publication_id: int) -> str:
    """The stored HTML of one publication (only for a page that is actually sent)."""
    return db.session.execute(select(Publication.html).where(Publication.id == publication_id)).scalar_one()


def register_teams(now: datetime) -> list[str]:
    """The teams with an assessment on the register: one indexed step per team (a loose index scan),
    not a pass over every entry."""
    step = aliased(RegisterEntry)
    teams = select(func.min(RegisterEntry.team_name).label("name")).where(listed(now)).cte("teams", recursive=True)
    following = (select(func.min(step.team_name))
                 .where(step.team_name > teams.c.name, listed(now, step))
                 .scalar_subquery())
    teams = teams.union_all(select(following).where(teams.c.name.is_not(None)))
    return list(db.session.scalars(select(teams.c.name).where(teams.c.name.is_not(None))))


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
    """The listings' version, in one statement of indexed lookups, without running the listing queries.

    A listing changes when a publication reaches its time (the newest `publish_at` so far moves), and
    when one is scheduled or withdrawn (register maintenance bumps `RegisterVersion`).
    """
    # Core execution of a statement built once: this runs before every listing, cached or not.
    row = db.session.connection().execute(_listing_version_statement(), {"now": now}).one()
    changes = [moment for moment in (row.reached, row.changed_at) if moment is not None]
    last_modified = min(max(changes), now) if changes else None
    key = "|".join(str(value) for value in (row.version, row.reached, row.changed_at, row.next_publish_at))
    return ListingVersion(key, last_modified, row.next_publish_at)


@cache
def _listing_version_statement() -> Select:
    stored = select(RegisterVersion).where(RegisterVersion.id == VERSION_ROW).subquery()
    return select(
        select(func.max(Publication.publish_at)).where(Publication.publish_at <= _NOW).scalar_subquery()
        .label("reached"),
        select(stored.c.version).scalar_subquery().label("version"),
        select(stored.c.changed_at).scalar_subquery().label("changed_at"),
        _next_publish_at(_NOW).label("next_publish_at"),
    )


def next_publish_at(now: datetime) -> datetime | None:
    """When the next scheduled publication becomes public, if one is still to come."""
    return db.session.scalar(select(_next_publish_at(now)))
