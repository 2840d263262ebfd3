"""The response letter for the FOI officer, drawn from the record: one set of words for its page and PDF.

It names the requester, cites each exemption and neither-confirm-nor-deny provision with its public
interest test, and carries the s.22 evidence where s.22 is cited, so it is for staff only: nothing here
is ever published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dpia.assessments.models import Assessment
from dpia.core.dates import day_label
from dpia.documents.services.letters import letter_pdf
from dpia.foi.models import FoiItem, FoiRequest
from dpia.foi.rules import Answer, deadline_label, needs_public_interest_test, received_label
from dpia.foi.services.s22 import S22Pack, s22_pack

UNANSWERED = "Not answered yet."


@dataclass(frozen=True)
class LetterPart:
    heading: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Letter:
    reference: str
    assessment_reference: str
    assessment_title: str
    requester: str
    parts: tuple[LetterPart, ...]
    complete: bool  # every item has its answer


def _answer_text(item: FoiItem) -> str:
    if item.answer is Answer.DISCLOSED:
        return "We hold this information and it is enclosed."
    if item.answer is Answer.PUBLISHED:
        return (f"This information is already published, at {item.published_url}. As it is reasonably accessible "
                "to you, it is exempt under section 21 and we do not send a copy.")
    if item.answer is Answer.WITHHELD and item.exemption is not None:
        text = (f"We hold this information. It is exempt from disclosure under section "
                f"{item.exemption.citation.removeprefix('s.')} ({item.exemption.label.split(': ', 1)[1]}).")
        if needs_public_interest_test(exemption=item.exemption):
            text += _public_interest(item)
        else:
            text += " This is an absolute exemption, so no public interest test applies."
        return text
    if item.answer is Answer.NCND and item.ncnd is not None:
        text = (f"We can neither confirm nor deny whether we hold this information, under section "
                f"{item.ncnd.citation.removeprefix('s.')}.")
        if needs_public_interest_test(ncnd=item.ncnd):
            text += _public_interest(item)
        return text
    return UNANSWERED


def _public_interest(item: FoiItem) -> str:
    return (f" Public interest test. For disclosure: {item.pit_for} For withholding: {item.pit_against} "
            f"Conclusion: {item.pit_conclusion}")


def response_letter(assessment: Assessment, foi: FoiRequest, *, now: datetime,
                    pack: S22Pack | None = None) -> Letter:
    """The letter's words, from the request, its items and, where s.22 is cited, its evidence."""
    pack = pack or s22_pack(assessment, foi, now=now)
    today = now.date()
    parts = [
        LetterPart("Your request", (
            ("Our reference", foi.reference),
            ("Received", received_label(foi.received_at)),
            ("Reply due", deadline_label(foi.due_on, today, sent_on=foi.sent_on)),
            ("You asked", foi.request_text),
        )),
        LetterPart("Our answer", tuple((f"Item {item.position}: {item.text}", _answer_text(item))
                                       for item in foi.items) or (("Items", "No items recorded yet."),)),
    ]
    if pack.cited:
        parts.append(LetterPart("Section 22: information intended for future publication", tuple(pack.lines)))
    review = [("Internal review", "If you are unhappy with this reply you may ask for an internal review within "
               "40 working days, and then complain to the Information Commissioner's Office.")]
    if foi.review_requested_on:
        review.append(("Internal review requested", day_label(foi.review_requested_on)))
    if foi.review_outcome and foi.review_decided_on:
        review.append(("Internal review outcome", f"{foi.review_outcome.label}, {day_label(foi.review_decided_on)}"))
    parts.append(LetterPart("Your rights", tuple(review)))
    return Letter(foi.reference, assessment.reference, assessment.title, foi.requester_name, tuple(parts),
                  all(item.answer is not None for item in foi.items) and bool(foi.items))


def response_letter_pdf(letter: Letter, *, organisation: str, team: str, regime: str, now: datetime) -> bytes:
    return letter_pdf(organisation=organisation, reference=letter.assessment_reference,
                      title=f"Response to FOI request {letter.reference}", team=team, regime=regime,
                      written_on=now, addressee=letter.requester,
                      parts=[(part.heading, part.lines) for part in letter.parts])
