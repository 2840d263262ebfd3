"""Publication rules: FOI exemptions, scopes, what counts as overdue, and the FOI s.22 evidence test.

FOI Act s.22 lets a public authority withhold information that it intends to publish later, if that
intention existed when the request arrived. The evidence page answers exactly that from the record.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date

from dpia.core.partial_dates import PartialDate, PartialDateError, parse_partial_date


class Exemption(enum.StrEnum):
    S22 = "s22"
    S23 = "s23"
    S24_2 = "s24_2"
    S27 = "s27"
    S31_1 = "s31_1"
    S31_3 = "s31_3"
    S38 = "s38"
    S40_2 = "s40_2"
    S41 = "s41"
    S43 = "s43"

    @property
    def citation(self) -> str:
        return EXEMPTIONS[self][0]

    @property
    def label(self) -> str:
        return f"{EXEMPTIONS[self][0]}: {EXEMPTIONS[self][1]}"


EXEMPTIONS = {
    Exemption.S22: ("s.22", "information intended for future publication"),
    Exemption.S23: ("s.23", "information supplied by, or concerning, security bodies"),
    Exemption.S24_2: ("s.24(2)", "national security (neither confirm nor deny)"),
    Exemption.S27: ("s.27", "international relations"),
    Exemption.S31_1: ("s.31(1)", "law enforcement"),
    Exemption.S31_3: ("s.31(3)", "law enforcement (neither confirm nor deny)"),
    Exemption.S38: ("s.38", "health and safety"),
    Exemption.S40_2: ("s.40(2)", "personal information of third parties"),
    Exemption.S41: ("s.41", "information provided in confidence"),
    Exemption.S43: ("s.43", "commercial interests"),
}


class Scope(enum.StrEnum):
    FULL = "full"
    REDACTED = "redacted"
    SUMMARY = "summary"

    @property
    def label(self) -> str:
        return {"full": "In full", "redacted": "With exempt parts withheld", "summary": "A summary only"}[self.value]


class TargetType(enum.StrEnum):
    SECTION = "section"
    QUESTION = "question"
    ROW = "row"


def withheld_notice(exemption: Exemption, reason: str) -> str:
    """The words the public sees in place of a withheld part."""
    return f"Withheld under FOI Act {exemption.citation}: {reason}"


def current_plan(planned: str, slippages: Sequence[str]) -> PartialDate:
    """The plan in force: the latest slippage's new date, else the original."""
    return parse_partial_date(slippages[-1] if slippages else planned)


def is_overdue(plan: PartialDate, today: date, *, published: bool) -> bool:
    """A plan is overdue once its last day has passed with nothing published (undecided never is)."""
    return not published and plan.is_overdue(today)


def check_plan(text: str) -> str:
    """Validate a planned date as typed; return its stored form."""
    try:
        return parse_partial_date(text).canonical
    except PartialDateError as error:
        raise ValueError(str(error)) from error
