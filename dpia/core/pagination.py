"""One paginator: a page of items with its numbers, and the parameters of GOV.UK's pagination component."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from dpia.core.errors import ValidationError

T = TypeVar("T")
MAX_PAGE = 100_000  # beyond this an offset is no longer a page anyone could reach


def page_number(raw: str | None) -> int:
    """The page asked for in a query string (1 when absent).

    :raise ValidationError: it is not a whole number from 1 to `MAX_PAGE`.
    """
    text = "1" if raw is None else raw.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise ValidationError("Choose a page by its number, such as ?page=2.")
    return int(text)


def offset(number: int, per_page: int) -> int:
    """How many items come before page `number`."""
    return (number - 1) * per_page


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, which page it is, and how many items the whole list holds.

    A list that was counted only up to a cap has `more` set: it holds more than `total` items, and
    only the pages within `total` are offered.
    """

    items: Sequence[T]
    number: int
    per_page: int
    total: int
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def page_numbers(self) -> list[int | None]:
        """Page numbers to link to: first, last, and this page's neighbours; None for a gap."""
        shown = sorted({1, self.pages, *range(max(1, self.number - 1), min(self.pages, self.number + 1) + 1)})
        numbers: list[int | None] = []
        for previous, number in zip([0, *shown], shown, strict=False):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers

    def govuk(self, href: Callable[[int], str], *, label: str) -> dict[str, Any] | None:
        """Parameters for `govukPagination`, or None when everything fits on one page."""
        if self.pages <= 1:
            return None
        items = [{"ellipsis": True} if number is None else
                 {"number": number, "href": href(number), "current": number == self.number}
                 for number in self.page_numbers()]
        return {
            "items": items,
            "previous": {"href": href(self.number - 1)} if self.has_prev else None,
            "next": {"href": href(self.number + 1)} if self.has_next else None,
            "landmarkLabel": label,
        }
