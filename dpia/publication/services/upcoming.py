"""What is planned: decided publications that the public cannot read yet, and which of them are overdue.

One statement a page, whatever the number of decisions, slippages or publications: the database picks
each revision's latest decision (a window), its plan in force (the latest slippage's, else the
decision's), whether the plan has run out, the order, the total and the page. Plans are stored in
their canonical forms (2018-06-30, 2018-06, 2018-Q2, undecided), each of which sorts as text within its
kind, so comparing a plan with today written in the same form tells whether its period has ended.
Each decision stores whether its revision's publication is scheduled, so the revisions still waiting
are found without a pass over the published ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, false, func, literal, or_, select, union

from dpia.assessments.models import Assessment, Revision
from dpia.assessments.services.assessments import page_of
from dpia.core.pagination import Page
from dpia.core.partial_dates import PartialDate, parse_partial_date
from dpia.publication.models import Publication, PublicationDecision, Slippage
from dpia.review.rules.states import RevisionState

# A plan for a revision that will never be published is no longer a plan.
_LAPSED = [state for state in RevisionState if state.will_never_be_published]
_QUARTER_ENDS = {"1": "-03-31", "2": "-06-31", "3": "-09-31", "4": "-12-31"}


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


def _plans(now: datetime, *, with_scheduled: bool = True) -> Any:
    """Each revision's latest decision that is not public yet: neither scheduled before `now` nor withdrawn
    (only those with nothing scheduled when `with_scheduled` is False)."""
    # Only revisions still waiting, before any decision is ranked: nearly every decision on a large
    # register belongs to a revision that is public already, and neither part reads those. The
    # decided-but-unscheduled come from the index led by `scheduled`; the scheduled-but-future from
    # the index on `publish_at`, read from `now` on.
    unscheduled = select(PublicationDecision.revision_id).where(PublicationDecision.scheduled == false())
    future = select(Publication.revision_id).where(Publication.publish_at > now, Publication.withdrawn_at.is_(None))
    waiting = union(unscheduled, future) if with_scheduled else unscheduled
    ranked = (select(PublicationDecision.id, func.row_number().over(
        partition_by=PublicationDecision.revision_id,
        order_by=(PublicationDecision.recorded_at.desc(), PublicationDecision.id.desc())).label("rank"))
        .where(PublicationDecision.revision_id.in_(waiting))
        .subquery())
    latest_slip = (select(Slippage.new_planned).where(Slippage.decision_id == PublicationDecision.id)
                   .order_by(Slippage.recorded_at.desc(), Slippage.id.desc()).limit(1).scalar_subquery())
    slipped = select(func.count(Slippage.id)).where(Slippage.decision_id == PublicationDecision.id).scalar_subquery()
    return (select(Assessment.reference, Assessment.title, Revision.number, PublicationDecision.decided_on,
                   func.coalesce(latest_slip, PublicationDecision.planned).label("plan"),
                   Publication.publish_at, slipped.label("slipped"), PublicationDecision.recorded_at,
                   PublicationDecision.id)
            .join(ranked, and_(ranked.c.id == PublicationDecision.id, ranked.c.rank == 1))
            .join(Revision, Revision.id == PublicationDecision.revision_id)
            .join(Assessment, Assessment.id == Revision.assessment_id)
            .outerjoin(Publication, Publication.revision_id == PublicationDecision.revision_id)
            .where(Revision.state.not_in(_LAPSED),
                   or_(Publication.id.is_(None),
                       and_(Publication.publish_at > now, Publication.withdrawn_at.is_(None))))
            # Materialised, so each plan (a correlated lookup) is worked out once per row, not once for
            # every place the overdue test and the ordering name it.
            .cte("plans").prefix_with("MATERIALIZED"))


def _overdue(plan: ColumnElement[str], today: date) -> ColumnElement[bool]:
    """The plan's period ended before `today` (undecided never does): `PartialDate.is_overdue` in SQL."""
    quarter = f"{today.year:04d}-Q{(today.month - 1) // 3 + 1}"
    return case((plan.like("____-__-__"), plan < today.isoformat()),
                (plan.like("____-Q_"), plan < quarter),
                (plan.like("____-__"), plan < today.isoformat()[:7]), else_=literal(False))


def _last_day_order(plan: ColumnElement[str]) -> ColumnElement[str | None]:
    """Sorts as the plan's last day does (a month or quarter ends on a nominal 31st); NULL when undecided."""
    return case((plan.like("____-__-__"), plan),
                (plan.like("____-Q_"), func.substr(plan, 1, 4, type_=String)
                 + case(*((func.substr(plan, 7, 1) == q, end) for q, end in _QUARTER_ENDS.items()))),
                (plan.like("____-__"), plan + "-31"), else_=None)


def _listing(now: datetime, *, with_scheduled: bool = True) -> tuple[Select[Any], ColumnElement[bool], Any]:
    plans = _plans(now, with_scheduled=with_scheduled)
    overdue = _overdue(plans.c.plan, now.date())
    last_day = _last_day_order(plans.c.plan)
    query = (select(plans.c.reference, plans.c.title, plans.c.number, plans.c.decided_on, plans.c.plan,
                    plans.c.publish_at, overdue.label("overdue"), plans.c.slipped)
             .order_by(overdue.desc(), last_day.is_(None), last_day, plans.c.recorded_at, plans.c.id))
    return query, overdue, plans


def _item(row: tuple[Any, ...]) -> UpcomingItem:
    reference, title, number, decided_on, plan, publish_at, overdue, slipped = row
    return UpcomingItem(reference, title, number, decided_on, parse_partial_date(plan), publish_at, bool(overdue),
                        slipped)


def upcoming(now: datetime, *, number: int = 1, per_page: int = 50) -> Page[UpcomingItem]:
    """Every decided, scheduled and overdue publication that the public cannot read yet: overdue first,
    then by the end of the plan, undecided plans last."""
    query, _overdue_now, _plans_now = _listing(now)
    return page_of(query, _item, number=number, per_page=per_page)


def overdue_publications(now: datetime, *, number: int = 1, per_page: int = 20) -> Page[UpcomingItem]:
    """The overdue plans with nothing scheduled: the DPO's to explain and reschedule."""
    query, overdue, plans = _listing(now, with_scheduled=False)
    return page_of(query.where(overdue, plans.c.publish_at.is_(None)), _item, number=number, per_page=per_page)
