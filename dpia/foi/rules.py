"""FOI rules, pure: the answers an item can get, the refusal provisions only FOI responses may cite, the
20-working-day deadline, and the four limbs of the s.22 test.

FOI Act s.22(1) lets a public authority withhold information it already held, when the request arrived,
with a view to publishing it later, if withholding it until then is reasonable in all the circumstances;
s.22 is qualified, so the public interest test applies too. Each limb is computed here from plain values.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import holidays

from dpia.core.dates import day_label
from dpia.core.partial_dates import parse_partial_date
from dpia.publication.rules import Exemption, Scope

# -- answers -------------------------------------------------------------------------------------------


class Answer(enum.StrEnum):
    """How one numbered item of a request was answered."""

    DISCLOSED = "disclosed"
    PUBLISHED = "published"  # already published: the reply gives the public link (s.21)
    WITHHELD = "withheld"  # under an exemption, with its public interest test where it is qualified
    NCND = "ncnd"  # neither confirmed nor denied

    @property
    def label(self) -> str:
        return {"disclosed": "Disclosed", "published": "Already published",
                "withheld": "Withheld under an exemption", "ncnd": "Neither confirmed nor denied"}[self.value]


class NcndProvision(enum.StrEnum):
    """Provisions that remove the duty to confirm or deny that information is held. They exist only here,
    for FOI responses: citing one beside withheld content would confirm what it exists to leave unsaid,
    so they are never grounds for a redaction and nothing they touch is published."""

    S23_5 = "s23_5"
    S24_2 = "s24_2"
    S31_3 = "s31_3"
    S40_5 = "s40_5"

    @property
    def citation(self) -> str:
        return NCND_PROVISIONS[self][0]

    @property
    def label(self) -> str:
        return f"{NCND_PROVISIONS[self][0]}: {NCND_PROVISIONS[self][1]}"

    @property
    def qualified(self) -> bool:
        """s.23(5) is absolute; s.40(5) is treated as absolute in the usual case (the requester's own or
        another person's data); s.24(2) and s.31(3) need the public interest test."""
        return self in (NcndProvision.S24_2, NcndProvision.S31_3)


NCND_PROVISIONS = {
    NcndProvision.S23_5: ("s.23(5)", "neither confirm nor deny: bodies dealing with security matters"),
    NcndProvision.S24_2: ("s.24(2)", "neither confirm nor deny: national security"),
    NcndProvision.S31_3: ("s.31(3)", "neither confirm nor deny: law enforcement"),
    NcndProvision.S40_5: ("s.40(5)", "neither confirm nor deny: personal information"),
}

# Absolute exemptions need no public interest test (FOI Act s.2(3)); s.40(2) is absolute in the usual case
# (disclosure would breach the data protection principles).
ABSOLUTE_EXEMPTIONS = frozenset({Exemption.S21, Exemption.S23_1, Exemption.S40_2, Exemption.S41})


def needs_public_interest_test(exemption: Exemption | None = None, ncnd: NcndProvision | None = None) -> bool:
    """Qualified exemptions and qualified NCND provisions are weighed in the public interest."""
    if exemption is not None:
        return exemption not in ABSOLUTE_EXEMPTIONS
    return ncnd is not None and ncnd.qualified


class ReviewOutcome(enum.StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    PARTLY = "partly"

    @property
    def label(self) -> str:
        return {"upheld": "Original response upheld", "overturned": "Original response overturned",
                "partly": "Partly upheld"}[self.value]


@dataclass(frozen=True)
class ItemAnswer:
    """An answer as typed, before it is stored."""

    answer: Answer
    published_url: str = ""
    exemption: Exemption | None = None
    ncnd: NcndProvision | None = None
    pit_for: str = ""
    pit_against: str = ""
    pit_conclusion: str = ""


def answer_problems(answer: ItemAnswer) -> dict[str, str]:
    """What is missing from an answer, by field name (empty when it can be recorded)."""
    problems: dict[str, str] = {}
    if answer.answer is Answer.PUBLISHED and not answer.published_url.startswith(("https://", "http://", "/")):
        problems["published_url"] = "Enter the public link to the published information"
    if answer.answer is Answer.WITHHELD and answer.exemption is None:
        problems["exemption"] = "Select the exemption"
    if answer.answer is Answer.NCND and answer.ncnd is None:
        problems["ncnd"] = "Select the neither-confirm-nor-deny provision"
    weighed = (answer.answer is Answer.WITHHELD and needs_public_interest_test(exemption=answer.exemption)) or \
        (answer.answer is Answer.NCND and needs_public_interest_test(ncnd=answer.ncnd))
    if weighed:
        for field, what in (("pit_for", "the arguments for disclosure"),
                            ("pit_against", "the arguments for withholding"),
                            ("pit_conclusion", "the conclusion of the public interest test")):
            if not getattr(answer, field).strip():
                problems[field] = f"Enter {what}"
    return problems


# -- the deadline -----------------------------------------------------------------------------------------

WORKING_DAYS_TO_ANSWER = 20  # FOI Act s.10(1)
DUE_SOON_WORKING_DAYS = 5


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England and Wales (Wales keeps England's)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`th working day after `start` (`start` itself is never counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def due_date(received: date) -> date:
    """The day a reply is due: 20 working days after receipt, the day of receipt not counted, nor weekends
    and bank holidays in England and Wales."""
    return add_working_days(received, WORKING_DAYS_TO_ANSWER)


def due_soon_horizon(today: date) -> date:
    """Requests due on or before this day are "due soon" (the next five working days)."""
    return add_working_days(today, DUE_SOON_WORKING_DAYS)


def deadline_label(due: date, today: date, *, sent_on: date | None) -> str:
    if sent_on is not None:
        return f"Sent {day_label(sent_on)}" + (" (late)" if sent_on > due else "")
    if today > due:
        return f"Overdue: was due {day_label(due)}"
    return f"Due {day_label(due)}"


# -- s.22: the intention to publish ----------------------------------------------------------------------


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
    published_at: datetime | None = None  # when its revision became public, if it has


@dataclass(frozen=True)
class S22Finding:
    """Whether an intention to publish existed when a request arrived, and what became of it."""

    request_received: datetime
    intention_existed: bool
    intention: IntentionRecord | None
    plan_on_request_date: str | None
    plan_now: str | None
    published_on: datetime | None
    overdue_now: bool
    already_published: tuple[int, ...] = ()  # revisions public before the request arrived (s.21, not s.22)


def s22_finding(records: Sequence[IntentionRecord], *, received: datetime, today: date,
                revision_number: int | None = None) -> S22Finding:
    """Limb (a)-(b): an intention counts only if it was recorded strictly before the moment the request was
    received (recording times come from the audit log, so they cannot be back-dated) and its revision was
    not already public by then. Given `revision_number`, only that revision's intentions count; otherwise
    the latest intention in force at receipt, so a request made after revision 1 was published concerns
    the revision then waiting to be published."""
    already = tuple(sorted({r.revision_number for r in records
                            if r.published_at is not None and r.published_at <= received}))
    earlier = [r for r in records if r.recorded_at < received and r.revision_number not in already
               and (revision_number is None or r.revision_number == revision_number)]
    if not earlier:
        return S22Finding(received, False, None, None, None, None, False, already)
    intention = max(earlier, key=lambda r: r.recorded_at)
    on_request = intention.planned
    for recorded_at, plan, _reason in intention.plan_history:
        if recorded_at < received:
            on_request = plan
    now_plan = intention.plan_history[-1][1] if intention.plan_history else intention.planned
    published = intention.published_at
    overdue = parse_partial_date(now_plan).is_overdue(today) and published is None
    return S22Finding(received, True, intention, on_request, now_plan, published, overdue, already)


# -- s.22: the scope of the planned publication ----------------------------------------------------------

WHOLE = "whole"


@dataclass(frozen=True)
class Outline:
    """What the revision concerned holds, and what its planned publication withholds."""

    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (section key, its question keys), in order
    labels: Mapping[str, str]  # part ("section:key", "question:key", "whole") -> label
    redacted_sections: frozenset[str] = frozenset()
    redacted_questions: frozenset[str] = frozenset()  # withheld, or holding a withheld row
    summary_questions: frozenset[str] = frozenset()

    def questions_of(self, part: str) -> tuple[str, ...]:
        kind, _, key = part.partition(":")
        if part == WHOLE:
            return tuple(q for _s, questions in self.sections for q in questions)
        if kind == "section":
            return next((questions for s, questions in self.sections if s == key), ())
        return (key,) if kind == "question" and self.section_of(key) is not None else ()

    def section_of(self, question: str) -> str | None:
        return next((s for s, questions in self.sections if question in questions), None)

    def label(self, part: str) -> str:
        return self.labels.get(part, part)


@dataclass(frozen=True)
class Coverage:
    part: str
    covered: bool
    reason: str


def part_coverage(part: str, scope: Scope, outline: Outline) -> Coverage:
    """Limb (b) for one requested part: is it in what will be published? Redacted parts are not (they are
    not intended for publication) and a summary covers only the summary's questions."""
    questions = outline.questions_of(part)
    if not questions:
        return Coverage(part, False, "Not a part of this revision")
    kind, _, key = part.partition(":")
    if kind == "section" and key in outline.redacted_sections:
        return Coverage(part, False, "This section is withheld from the planned publication")
    if part == WHOLE and (outline.redacted_sections or outline.redacted_questions):
        return Coverage(part, False, "Parts of the assessment are withheld from the planned publication")
    withheld = [q for q in questions if q in outline.redacted_questions or outline.section_of(q)
                in outline.redacted_sections]
    if withheld:
        return Coverage(part, False, "Withheld from the planned publication: "
                        + ", ".join(outline.label(f"question:{q}") for q in withheld))
    if scope is Scope.SUMMARY:
        outside = [q for q in questions if q not in outline.summary_questions]
        if outside:
            return Coverage(part, False, "Only a summary is to be published, and this is not part of it")
    return Coverage(part, True, "Within the planned publication")


# -- s.22: reasonable in all the circumstances -----------------------------------------------------------

FAR_OFF_DAYS = 183  # a plan ending more than about six months after the request weighs for disclosure


@dataclass(frozen=True)
class Circumstance:
    weighs_for_withholding: bool
    text: str


@dataclass(frozen=True)
class Reasonableness:
    """Limb (c), as computed: the factors, and whether any weighs against waiting. The officer records
    their own conclusion beside it."""

    reasonable: bool
    circumstances: tuple[Circumstance, ...]


def reasonableness(finding: S22Finding, *, today: date, state_label: str, ready: bool) -> Reasonableness:
    """Weigh the planned date, the progress of the revision (`ready`: it awaits only sign-off or is
    approved) and the slippage, as the ICO's guidance does: no date or a far-off one, repeated slippage or
    a plan that has passed unpublished all weigh against withholding until publication."""
    if finding.intention is None:
        return Reasonableness(False, (Circumstance(False, "No intention to publish existed when the request "
                                                          "arrived."),))
    received = finding.request_received.date()
    factors: list[Circumstance] = []
    plan = parse_partial_date(finding.plan_on_request_date or "")
    if plan.last_day is None:
        factors.append(Circumstance(False, "No publication date had been set when the request arrived."))
    elif (plan.last_day - received).days > FAR_OFF_DAYS:
        factors.append(Circumstance(False, f"The planned date, {plan.label}, was more than six months after "
                                           "the request."))
    else:
        factors.append(Circumstance(True, f"Publication was planned for {plan.label}, within six months of the "
                                          "request."))
    if ready:
        factors.append(Circumstance(True, f"The revision is {state_label.lower()}: publishing an unapproved "
                                          "version early could mislead."))
    else:
        factors.append(Circumstance(False, f"The revision is {state_label.lower()}, so publication is not "
                                           "close."))
    slipped = len(finding.intention.plan_history)
    if slipped >= 2:
        factors.append(Circumstance(False, f"The plan has slipped {slipped} times."))
    elif slipped == 1:
        factors.append(Circumstance(True, "The plan has slipped once, with a recorded reason and a new date."))
    if finding.overdue_now:
        factors.append(Circumstance(False, "The planned date has passed without publication."))
    if finding.published_on is not None:
        factors.append(Circumstance(True, f"It was published on {day_label(finding.published_on)}."))
    return Reasonableness(all(f.weighs_for_withholding for f in factors), tuple(factors))


# -- the statement ---------------------------------------------------------------------------------------


def received_label(received: datetime) -> str:
    return f"{day_label(received)} at {received:%H:%M}"


def s22_statement(finding: S22Finding, *, coverage: Sequence[tuple[str, Coverage]] = (),
                  reasonable: Reasonableness | None = None, officer_conclusion: str = "",
                  public_interest: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The s.22 evidence as (label, statement) pairs: the words of the page, its PDF and the letter.
    `coverage` is (item label, coverage) per requested part; `public_interest` the recorded arguments."""
    lines = [("Request received", received_label(finding.request_received))]
    if finding.already_published:
        lines.append(("Already published when the request arrived",
                      ", ".join(f"Revision {n}" for n in finding.already_published)
                      + " (section 21 applies to published information, not section 22)"))
    if not finding.intention_existed or finding.intention is None:
        lines.append(("Intention to publish when the request arrived",
                      "No. No decision to publish had been recorded before the request arrived, so section 22 "
                      "cannot be relied on for this request."))
        return lines
    intention = finding.intention
    lines += [
        ("Intention to publish when the request arrived", "Yes. A decision to publish had been recorded before "
                                                          "the request arrived."),
        ("Decided", f"{day_label(intention.decided_on)} by {intention.decided_by}"),
        ("Recorded in this system", f"{intention.recorded_at:%-d %B %Y %H:%M} UTC (from the audit log; it cannot "
                                    "be back-dated)"),
        ("Revision the request concerns", f"Revision {intention.revision_number}"),
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
    for label, covered in coverage:
        lines.append((f"Within the publication: {label}", ("Yes. " if covered.covered else "No. ") + covered.reason))
    if reasonable is not None:
        for number, factor in enumerate(reasonable.circumstances, start=1):
            lines.append((f"Circumstance {number}", ("Weighs for withholding: " if factor.weighs_for_withholding
                                                     else "Weighs for disclosure: ") + factor.text))
        lines.append(("Reasonable to withhold until publication (computed)",
                      "Yes" if reasonable.reasonable else "No: at least one circumstance weighs for disclosure"))
    if officer_conclusion.strip():
        lines.append(("FOI officer's conclusion on reasonableness", officer_conclusion.strip()))
    lines += [(label, text) for label, text in public_interest if text.strip()]
    return lines
