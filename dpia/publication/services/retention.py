"""The public retention register: "what we keep and for how long", across every published assessment.

Its rows are written once, when a revision is scheduled, from that publication's public document:
the same redacted document its page, PDF and JSON are made from. A withheld row has no cells there,
and a withheld question or section has no table at all, so nothing withheld can reach this register;
the live rows are never read. Which rows are public is decided at query time by the register's own
condition (`listed(now)`: each assessment's current public revision), so a publication reaching its
time, a later revision superseding it, or a withdrawal changes the register without anything running.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, literal, select

from dpia.core.extensions import db
from dpia.core.markdown import plain_text
from dpia.core.pagination import Page, offset
from dpia.documents.services import Document
from dpia.publication.models import Publication, PublicRetentionRule, RegisterEntry
from dpia.publication.services.register import listed
from dpia.questionnaires.rules.definition import RowKind
from dpia.questionnaires.rules.row_kinds import columns_for_kind
from dpia.registers.rules import PeriodFilter, period_label

CAP = 10_000  # the count stops here and says "more than", as the register's search does
ANY_PERIOD = PeriodFilter()
NOT_ANSWERED = "Not answered"  # what the document shows for an empty optional cell
_KEYS = {column.label: column.key for column in columns_for_kind(RowKind.RETENTION_RULE)}
_DAYS = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+) days")


@dataclass(frozen=True)
class PublishedRule:
    """One retention rule as a publication shows it."""

    data_category: str
    period_days: int | None
    trigger: str
    justification: str
    exceptions: str | None
    deletion_method: str


def _days(text: str) -> int | None:
    """The period a document cell shows ("30 days", "1,095 days"), or None when none is given."""
    match = _DAYS.fullmatch(text.strip())
    return int(match.group(1).replace(",", "")) if match else None


def published_rules(document: Document) -> list[PublishedRule]:
    """The retention rules a public document shows, in its order, without the withheld ones."""
    if not document.public or document.retention is None:
        return []
    rules = []
    for row in document.retention.rows:
        if row.withheld is not None:
            continue
        cells = {_KEYS.get(cell.label, cell.label): cell.text for cell in row.cells}
        exceptions = cells.get("exceptions", NOT_ANSWERED)
        rules.append(PublishedRule(
            data_category=cells.get("data_category", ""), period_days=_days(cells.get("period_days", "")),
            trigger=cells.get("trigger", ""), justification=plain_text(cells.get("justification", "")),
            exceptions=None if exceptions == NOT_ANSWERED else plain_text(exceptions),
            deletion_method=cells.get("deletion_method", "")))
    return rules


def store_public_retention(publication: Publication, document: Document) -> None:
    """Keep the publication's public retention rules beside its bundle (at scheduling, once)."""
    db.session.add_all(PublicRetentionRule(
        publication_id=publication.id, position=position, data_category=rule.data_category[:300],
        period_days=rule.period_days, trigger=rule.trigger[:100], justification=rule.justification,
        exceptions=rule.exceptions, deletion_method=rule.deletion_method[:40])
        for position, rule in enumerate(published_rules(document), start=1))


@dataclass(frozen=True)
class PublicRetentionLine:
    """A row of the public retention register: the rule and the published assessment it belongs to."""

    reference: str
    title: str
    team_name: str
    revision_number: int
    publish_at: datetime
    data_category: str
    period_days: int | None
    trigger: str
    justification: str
    exceptions: str | None
    deletion_method: str

    @property
    def period(self) -> str:
        return period_label(self.period_days)


def _statement(now: datetime, period: PeriodFilter) -> Select:
    rule = PublicRetentionRule
    stmt = (select(RegisterEntry.reference, RegisterEntry.title, RegisterEntry.team_name,
                   RegisterEntry.revision_number, RegisterEntry.publish_at, rule.data_category, rule.period_days,
                   rule.trigger, rule.justification, rule.exceptions, rule.deletion_method)
            .join(rule, rule.publication_id == RegisterEntry.publication_id)
            .where(listed(now)))
    if period.policy:
        stmt = stmt.where(rule.period_days.is_(None))
    if period.low is not None:
        stmt = stmt.where(rule.period_days >= period.low)
    if period.high is not None:
        stmt = stmt.where(rule.period_days <= period.high)
    return stmt


# Newest publication first (the register's index on publish_at), each publication's rules in its order.
_ORDER = (RegisterEntry.publish_at.desc(), RegisterEntry.publication_id.desc(), PublicRetentionRule.position)


def public_retention(now: datetime, *, period: PeriodFilter = ANY_PERIOD, page: int = 1,
                     per_page: int = 50) -> Page[PublicRetentionLine]:
    """A page of the retention rules of every assessment's current public revision, newest publication
    first: two statements at any size (a count that stops at `CAP`, and the page)."""
    stmt = _statement(now, period)
    found = db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(literal(1)).limit(CAP + 1).subquery())) or 0
    rows = db.session.execute(
        stmt.order_by(*_ORDER).offset(offset(page, per_page)).limit(per_page)).all()
    return Page([PublicRetentionLine(*row) for row in rows], page, per_page, min(found, CAP), more=found > CAP)


STREAM_CHUNK = 1_000


def all_public_retention(now: datetime) -> Iterator[PublicRetentionLine]:
    """Every public retention rule, in the register's order, read a chunk at a time from one statement
    (a server-side cursor where the database has one), for the CSV file."""
    stmt = _statement(now, ANY_PERIOD).order_by(*_ORDER).execution_options(yield_per=STREAM_CHUNK)
    for partition in db.session.execute(stmt).partitions():
        for row in partition:
            yield PublicRetentionLine(*row)
