"""The FOI Act s.22 evidence test.

FOI Act s.22 lets a public authority withhold information that it intends to publish later, if that
intention existed when the request arrived. The evidence page answers exactly that from the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dpia.core.dates import day_label
from dpia.core.partial_dates import parse_partial_date
from dpia.publication.rules import Scope, is_overdue


@dataclass(frozen=True)
class IntentionRecord:
    """One recorded decision to publish, as the s.22 test sees it."""

    revision_number: int
    decided_on: date
    decided_by: str
    recorded_at: datetime
    scope: Scope
    planned: str
    channel: str
    plan_history: tuple[tuple[datetime, str, str], ...]  # (recorded at, new plan, reason)


@dataclass(frozen=True)
class S22Finding:
    """Whether an intention to publish existed when a request arrived, and what became of it."""

    request_received: date
    intention_existed: bool
    intention: IntentionRecord | None
    plan_on_request_date: str | None
    plan_now: str | None
    published_on: datetime | None
    overdue_now: bool


def s22_finding(records: Sequence[IntentionRecord], *, received: date, today: date,
                published_on: datetime | None) -> S22Finding:
    """Apply the s.22 test: an intention counts only if it was recorded on or before the day the request
    was received (recording times come from the audit log, so they cannot be back-dated)."""
    earlier = [r for r in records if r.recorded_at.date() <= received]
    if not earlier:
        return S22Finding(received, False, None, None, None, published_on, False)
    intention = max(earlier, key=lambda r: r.recorded_at)
    on_request = intention.planned
    for recorded_at, plan, _reason in intention.plan_history:
        if recorded_at.date() <= received:
            on_request = plan
    now_plan = intention.plan_history[-1][1] if intention.plan_history else intention.planned
    overdue = is_overdue(parse_partial_date(now_plan), today, published=published_on is not None)
    return S22Finding(received, True, intention, on_request, now_plan, published_on, overdue)


def s22_statement(finding: S22Finding) -> list[tuple[str, str]]:
    """The s.22 evidence as (label, statement) pairs: the words of both the page and its PDF."""
    lines = [("Request received", day_label(finding.request_received))]
    if not finding.intention_existed or finding.intention is None:
        lines.append(("Intention to publish on that date",
                      "No. No decision to publish had been recorded by that date, so section 22 cannot be relied "
                      "on for this request."))
        return lines
    intention = finding.intention
    lines += [
        ("Intention to publish on that date", "Yes. A decision to publish had been recorded before the request "
                                              "arrived."),
        ("Decided", f"{day_label(intention.decided_on)} by {intention.decided_by}"),
        ("Recorded in this system", f"{intention.recorded_at:%-d %B %Y %H:%M} UTC (from the audit log; it cannot "
                                    "be back-dated)"),
        ("Revision covered", f"Revision {intention.revision_number}"),
        ("Scope", intention.scope.label),
        ("Where", intention.channel),
        ("Planned date when the request arrived", parse_partial_date(finding.plan_on_request_date or "").label),
    ]
    for recorded_at, plan, reason in intention.plan_history:
        lines.append((f"Plan changed on {day_label(recorded_at)}",
                      f"New plan: {parse_partial_date(plan).label}. Reason: {reason}"))
    lines.append(("Planned date now", parse_partial_date(finding.plan_now or "").label))
    lines.append(("Published", day_label(finding.published_on) or "Not yet"))
    lines.append(("Overdue now", "Yes: the planned date has passed without publication" if finding.overdue_now
                  else "No"))
    return lines
