"""The FOI officer's queue: replies not yet sent that are overdue or due within five working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from dpia.assessments.models import Assessment
from dpia.assessments.services.assessments import page_of
from dpia.core.pagination import Page
from dpia.foi.models import FoiRequest
from dpia.foi.rules import due_soon_horizon


@dataclass(frozen=True)
class FoiQueueItem:
    foi_id: int
    foi_reference: str
    due: date
    reference: str
    title: str
    overdue: bool
    overdue_total: int  # across the whole queue, not just this page
    queue_total: int


def foi_deadlines(today: date, *, number: int = 1, per_page: int = 20) -> Page[FoiQueueItem]:
    """Unsent replies due by the fifth working day from `today` or overdue, soonest first, with how many are
    overdue: one statement whatever the size of the queue."""
    overdue = FoiRequest.due_on < today
    query = (select(FoiRequest.id, FoiRequest.reference, FoiRequest.due_on, Assessment.reference, Assessment.title,
                    func.sum(case((overdue, 1), else_=0)).over(), func.count().over())
             .join(Assessment, Assessment.id == FoiRequest.assessment_id)
             .where(FoiRequest.sent_on.is_(None), FoiRequest.due_on <= due_soon_horizon(today))
             .order_by(FoiRequest.due_on, FoiRequest.id))
    return page_of(query, lambda row: FoiQueueItem(row[0], row[1], row[2], row[3], row[4], row[2] < today,
                                                   int(row[5] or 0), int(row[6])),
                   number=number, per_page=per_page)
