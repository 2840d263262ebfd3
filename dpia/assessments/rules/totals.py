"""Totals across the rows of a table with its own columns, such as a record of deployments.

A column asks for a total with `total: true` (number columns only). A count is summed over the rows
that recorded it, and says how many rows did when not all of them did. A count that no row recorded
is "Not recorded", never 0: zero means someone counted and there were none. A ratio column whose two
columns both have totals gets the ratio of their sums over the rows that recorded both, always with
its denominator shown (`ratio_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dpia.assessments.rules.answers import display_text, ratio_text
from dpia.questionnaires.rules.definition import Column, QuestionType

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Total:
    """One column's total, ready to print.

    `text` is what a page or document shows, for example "104", "104 (2 of 3 deployments recorded
    this)", "2 of 104 (1.9%)" or "Not recorded". `value` is the sum of a count; `numerator` and
    `denominator` are the sums behind a ratio (`is_ratio`). Each is None when no row recorded it.
    `recorded` is how many of the `rows` the total is taken over.
    """

    key: str
    label: str
    text: str
    recorded: int
    rows: int
    value: int | float | None = None
    numerator: int | float | None = None
    denominator: int | float | None = None
    is_ratio: bool = False


def _count(value: Any) -> int | float | None:
    """A recorded count, or None when the cell is empty (not recorded)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def table_totals(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], *,
                 noun: str = "rows") -> tuple[Total, ...]:
    """The totals of a table, in column order: one for each `total` column, and one for each ratio
    column whose numerator and denominator columns both have totals.

    :param columns: the table question's columns.
    :param rows: each row's cells (column key to stored value; an empty count is missing or None).
    :param noun: what a row is, in the plural, for "2 of 3 deployments recorded this".
    """
    cells = [dict(row) for row in rows]
    totalled = {c.key for c in columns if c.total and c.type is QuestionType.NUMBER}
    totals: list[Total] = []
    for column in columns:
        if column.key in totalled:
            counts = [n for n in (_count(row.get(column.key)) for row in cells) if n is not None]
            if not counts:
                totals.append(Total(column.key, column.label, NOT_RECORDED, 0, len(cells)))
                continue
            value = sum(counts)
            text = display_text(column, value)
            if len(counts) < len(cells):
                text += f" ({len(counts)} of {len(cells)} {noun} recorded this)"
            totals.append(Total(column.key, column.label, text, len(counts), len(cells), value=value))
        elif column.type is QuestionType.RATIO and column.ratio_of and set(column.ratio_of) <= totalled:
            top, bottom = column.ratio_of
            pairs = [(n, d) for n, d in ((_count(row.get(top)), _count(row.get(bottom))) for row in cells)
                     if n is not None and d is not None]
            if not pairs:
                totals.append(Total(column.key, column.label, NOT_RECORDED, 0, len(cells), is_ratio=True))
                continue
            numerator, denominator = sum(n for n, _ in pairs), sum(d for _, d in pairs)
            text = ratio_text(numerator, denominator)
            if len(pairs) < len(cells):
                text += f", from the {len(pairs)} of {len(cells)} {noun} that recorded both"
            totals.append(Total(column.key, column.label, text, len(pairs), len(cells),
                                numerator=numerator, denominator=denominator, is_ratio=True))
    return tuple(totals)
