"""Partial dates: an exact day, a month, a quarter such as 2018-Q2, or "not yet decided".

Publication plans are often stated this loosely ("in the second quarter of 2018"), and an
overdue check needs to know when such a plan has run out: the last day of the period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

UNDECIDED = "undecided"

_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DAY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NAMED_MONTH = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*q([1-4])$|^q([1-4])\s*-?\s*(\d{4})$")
_UNDECIDED_WORDS = {"undecided", "not yet decided", "not decided", "tbc", "to be decided", "unknown"}

HELP = "Enter a date like 2018-06-30, a month like 2018-06 or June 2018, a quarter like 2018-Q2, or 'not yet decided'"


@dataclass(frozen=True)
class PartialDate:
    """`kind` is day, month, quarter or undecided; `canonical` is how it is stored."""

    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None

    @property
    def canonical(self) -> str:
        if self.kind == "day":
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.kind == "month":
            return f"{self.year:04d}-{self.month:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.quarter}"
        return UNDECIDED

    @property
    def last_day(self) -> date | None:
        """The last day the plan covers; None when undecided (it can never be overdue)."""
        if self.kind == "day":
            return date(self.year, self.month, self.day)  # type: ignore[arg-type]
        if self.kind == "month":
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])  # type: ignore[arg-type]
        if self.kind == "quarter":
            last_month = self.quarter * 3  # type: ignore[operator]
            return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])  # type: ignore[arg-type]
        return None

    @property
    def label(self) -> str:
        if self.kind == "day":
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"  # type: ignore[index]
        if self.kind == "month":
            return f"{calendar.month_name[self.month]} {self.year}"  # type: ignore[index]
        if self.kind == "quarter":
            ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth"}[self.quarter]  # type: ignore[index]
            return f"{self.year}-Q{self.quarter} (the {ordinal} quarter of {self.year})"
        return "Not yet decided"

    def is_overdue(self, today: date) -> bool:
        last = self.last_day
        return last is not None and today > last


class PartialDateError(ValueError):
    pass


def _check_year(year: int) -> int:
    if not 1900 <= year <= 2200:
        raise PartialDateError("Year must be between 1900 and 2200")
    return year


def parse_partial_date(text: str) -> PartialDate:
    """Read the forms people type; raise `PartialDateError` with a message saying what to enter."""
    value = " ".join(text.strip().lower().split())
    if value in _UNDECIDED_WORDS:
        return PartialDate("undecided")
    if match := _ISO_DAY.match(value):
        year, month, day = (int(g) for g in match.groups())
        return _day(year, month, day)
    if match := _UK_DAY.match(value):
        day, month, year = (int(g) for g in match.groups())
        return _day(year, month, day)
    if match := _ISO_MONTH.match(value):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PartialDateError("Month must be between 1 and 12")
        return PartialDate("month", year=_check_year(year), month=month)
    if match := _NAMED_MONTH.match(value):
        month = _MONTHS.get(match.group(1))
        if month is None:
            raise PartialDateError(f"'{match.group(1)}' is not a month name. {HELP}")
        return PartialDate("month", year=_check_year(int(match.group(2))), month=month)
    if match := _QUARTER.match(value):
        year = int(match.group(1) or match.group(4))
        quarter = int(match.group(2) or match.group(3))
        return PartialDate("quarter", year=_check_year(year), quarter=quarter)
    raise PartialDateError(HELP)


def _day(year: int, month: int, day: int) -> PartialDate:
    _check_year(year)
    try:
        date(year, month, day)
    except ValueError as error:
        raise PartialDateError("Date must be a real date, like 2018-06-30") from error
    return PartialDate("day", year=year, month=month, day=day)
