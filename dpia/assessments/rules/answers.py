"""Reading typed answers from what people type, and showing them back.

One function per direction for every answer type, shared by section questions and table columns,
so a date or a number means the same thing wherever it is asked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from dpia.core.dates import day_label
from dpia.core.partial_dates import PartialDateError, parse_partial_date
from dpia.questionnaires.rules.definition import Column, Option, Question, QuestionType, has_value

MARKDOWN_MAX = 20_000
SHORT_TEXT_MAX = 500
URL_MAX = 2_000
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

Spec = Question | Column
Raw = str | Sequence[str] | None


class AnswerError(ValueError):
    """The typed value cannot be read; the message tells the person what to enter instead."""


def _text(raw: Raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    return " ".join(str(part) for part in raw)


def subject(label: str) -> str:
    """How a message names the field: a question is quoted, a plain label is used as it is."""
    return f"“{label}”" if label.rstrip().endswith("?") else label


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[:2] != label[:2].upper() else label


def parse_answer(spec: Spec, raw: Raw, *, options: Sequence[Option] | None = None) -> Any:
    """Turn raw form input into the stored value (None when left blank).

    :param options: the allowed choices when they depend on the revision (risk scales, risk rows).
    :raise AnswerError: the input is not a valid answer of this type.
    """
    kind = spec.type
    label = subject(spec.label)
    choices = tuple(options) if options is not None else spec.options
    if kind in (QuestionType.MARKDOWN, QuestionType.SHORT_TEXT):
        text = _text(raw).replace("\r\n", "\n").strip()
        limit = getattr(spec, "max_length", None) or (MARKDOWN_MAX if kind is QuestionType.MARKDOWN else SHORT_TEXT_MAX)
        if len(text) > limit:
            raise AnswerError(f"{label} must be {limit:,} characters or fewer (you entered {len(text):,})")
        return text or None
    if kind is QuestionType.SINGLE_CHOICE:
        value = _text(raw).strip()
        if not value:
            return None
        if value not in {o.value for o in choices}:
            raise AnswerError(f"Select one of the options for {_lower_first(label)}")
        return value
    if kind is QuestionType.MULTIPLE_CHOICE:
        values = [raw] if isinstance(raw, str) else list(raw or [])
        values = [v for v in values if v]
        allowed = [o.value for o in choices]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise AnswerError(f"Select only the options listed for {_lower_first(label)}")
        exclusive = next((o for o in choices if o.exclusive and o.value in values), None)
        if exclusive is not None and set(values) != {exclusive.value}:
            raise AnswerError(f"Select “{exclusive.label}” only when none of the other options apply")
        return [v for v in allowed if v in values] or None
    if kind is QuestionType.YES_NO:
        value = _text(raw).strip().lower()
        if not value:
            return None
        if value not in ("yes", "no"):
            raise AnswerError(f"Select yes or no for {_lower_first(label)}")
        return value == "yes"
    if kind is QuestionType.DATE:
        return _parse_date(raw, label)
    if kind is QuestionType.PARTIAL_DATE:
        text = _text(raw).strip()
        if not text:
            return None
        try:
            return parse_partial_date(text).canonical
        except PartialDateError as error:
            raise AnswerError(f"{label}: {error}") from error
    if kind is QuestionType.NUMBER:
        return _parse_number(spec, raw)
    if kind is QuestionType.URL:
        text = _text(raw).strip()
        if not text:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > URL_MAX or " " in text:
            raise AnswerError(f"Enter {_lower_first(label)} as a full web address starting with https://")
        return text
    if kind is QuestionType.PERSON:
        name, role = _person_parts(raw)
        if len(name) > SHORT_TEXT_MAX or len(role) > SHORT_TEXT_MAX:
            raise AnswerError(f"{label}: name and role must each be {SHORT_TEXT_MAX} characters or fewer")
        if not name and not role:
            return None
        return {"name": name, "role": role}
    if kind is QuestionType.RATIO:
        return None  # computed, never typed
    raise AnswerError(f"{label} cannot be answered on this page")  # tables have their own pages


def _person_parts(raw: Raw) -> tuple[str, str]:
    if raw is None or isinstance(raw, str):
        return (raw or "").strip(), ""
    parts = [str(p).strip() for p in raw] + ["", ""]
    return parts[0], parts[1]


def _parse_date(raw: Raw, label: str) -> str | None:
    if raw is None or isinstance(raw, str):
        text = (raw or "").strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError as error:
            raise AnswerError(f"{label} must be a real date, like 2018-06-30") from error
    day, month, year = ([str(p).strip() for p in raw] + ["", "", ""])[:3]
    if not (day or month or year):
        return None
    missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
    if missing:
        raise AnswerError(f"{label} must include a {' and '.join(missing)}")
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise AnswerError(f"{label} must be a real date, like 30 6 2018")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError as error:
        raise AnswerError(f"{label} must be a real date, like 30 6 2018") from error


def _parse_number(spec: Spec, raw: Raw) -> int | float | None:
    text = _text(raw).strip().replace(",", "").replace("_", "")
    if not text:
        return None
    if not NUMBER_PATTERN.match(text):
        raise AnswerError(f"{subject(spec.label)} must be a number, like 104")
    value = float(text)
    if not math.isfinite(value) or abs(value) > 1e15:
        raise AnswerError(f"{subject(spec.label)} is too large a number")
    if spec.integer and not value.is_integer():
        raise AnswerError(f"{subject(spec.label)} must be a whole number, like 104")
    if spec.minimum is not None and value < spec.minimum:
        raise AnswerError(f"{subject(spec.label)} must be {_number_text(spec.minimum)} or more")
    if spec.maximum is not None and value > spec.maximum:
        raise AnswerError(f"{subject(spec.label)} must be {_number_text(spec.maximum)} or less")
    return int(value) if value.is_integer() else value


def _number_text(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def required_message(spec: Spec) -> str:
    verb = "Select" if spec.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE,
                                     QuestionType.YES_NO) else "Enter"
    return f"{verb} {_lower_first(spec.label)}" if spec.type is not QuestionType.MARKDOWN else f"Answer '{spec.label}'"


def form_value(spec: Spec, value: Any) -> Any:
    """The stored value in the shape a form field shows (the reverse of `parse_answer`)."""
    if value is None:
        return None
    if spec.type is QuestionType.YES_NO:
        return "yes" if value else "no"
    if spec.type is QuestionType.NUMBER:
        return _number_text(value).replace(",", "")
    if spec.type is QuestionType.DATE:
        return date.fromisoformat(value)
    return value


def ratio_text(numerator: Any, denominator: Any) -> str:
    """A rate with its denominator always shown; missing counts stay "not recorded", never zero."""
    if numerator is None or denominator is None:
        return "Not recorded"
    if denominator == 0:
        return f"{_number_text(numerator)} of 0 (no rate)"
    return f"{_number_text(numerator)} of {_number_text(denominator)} ({numerator / denominator:.1%})"


def display_text(spec: Spec, value: Any, *, options: Sequence[Option] | None = None,
                 row: Mapping[str, Any] | None = None) -> str:
    """Plain text for summaries and tables (Markdown is shown rendered elsewhere)."""
    if spec.type is QuestionType.RATIO and spec.ratio_of and row is not None:
        return ratio_text(row.get(spec.ratio_of[0]), row.get(spec.ratio_of[1]))
    if not has_value(value):
        if spec.type is QuestionType.NUMBER and getattr(spec, "not_recorded", False):
            return "Not recorded"
        return "Not answered"
    choices = tuple(options) if options is not None else spec.options
    labels = {o.value: o.label for o in choices}
    if spec.type is QuestionType.YES_NO:
        return "Yes" if value else "No"
    if spec.type is QuestionType.SINGLE_CHOICE:
        return labels.get(value, str(value))
    if spec.type is QuestionType.MULTIPLE_CHOICE:
        return ", ".join(labels.get(v, str(v)) for v in value)
    if spec.type is QuestionType.DATE:
        return day_label(date.fromisoformat(value))
    if spec.type is QuestionType.PARTIAL_DATE:
        try:
            return parse_partial_date(value).label
        except PartialDateError:
            return str(value)
    if spec.type is QuestionType.NUMBER:
        unit = f" {spec.unit}" if spec.unit else ""
        return f"{_number_text(value)}{unit}"
    if spec.type is QuestionType.PERSON:
        return ", ".join(part for part in (value.get("name"), value.get("role")) if part)
    return str(value)
