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
    """Grounds for withholding content from publication. Neither-confirm-nor-deny provisions (such as
    s.24(2) and s.31(3)) are not among them: citing one beside withheld content would confirm what it
    exists to neither confirm nor deny."""

    S21 = "s21"
    S22 = "s22"
    S23_1 = "s23_1"
    S24_1 = "s24_1"
    S26 = "s26"
    S27 = "s27"
    S30 = "s30"
    S31_1_A = "s31_1_a"
    S31_1_B = "s31_1_b"
    S31_1_C = "s31_1_c"
    S36 = "s36"
    S38 = "s38"
    S40_2 = "s40_2"
    S41 = "s41"
    S42 = "s42"
    S43 = "s43"

    @property
    def citation(self) -> str:
        return EXEMPTIONS[self][0]

    @property
    def label(self) -> str:
        return f"{EXEMPTIONS[self][0]}: {EXEMPTIONS[self][1]}"


EXEMPTIONS = {
    Exemption.S21: ("s.21", "information reasonably accessible to the applicant by other means"),
    Exemption.S22: ("s.22", "information intended for future publication"),
    Exemption.S23_1: ("s.23(1)", "information supplied by, or relating to, bodies dealing with security matters"),
    Exemption.S24_1: ("s.24(1)", "national security"),
    Exemption.S26: ("s.26", "defence"),
    Exemption.S27: ("s.27", "international relations"),
    Exemption.S30: ("s.30", "investigations and proceedings"),
    Exemption.S31_1_A: ("s.31(1)(a)", "law enforcement: the prevention or detection of crime"),
    Exemption.S31_1_B: ("s.31(1)(b)", "law enforcement: the apprehension or prosecution of offenders"),
    Exemption.S31_1_C: ("s.31(1)(c)", "law enforcement: the administration of justice"),
    Exemption.S36: ("s.36", "prejudice to the effective conduct of public affairs"),
    Exemption.S38: ("s.38", "health and safety"),
    Exemption.S40_2: ("s.40(2)", "personal information of people other than the applicant"),
    Exemption.S41: ("s.41", "information provided in confidence"),
    Exemption.S42: ("s.42", "legal professional privilege"),
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
