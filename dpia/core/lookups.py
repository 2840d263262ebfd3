"""Finding one row by an id that came from a URL: ids are guessable, so the row must belong to the
record in hand, or it is not found."""

from __future__ import annotations

from typing import TypeVar

from dpia.core.errors import NotFoundError
from dpia.core.extensions import db

T = TypeVar("T")


def row_of_revision(model: type[T], row_id: int, *, revision_id: int, what: str) -> T:
    """A row of `model` (which has a `revision_id`) by its id, only if it belongs to that revision.

    :raise NotFoundError: there is no such row, or it belongs to another revision.
    """
    row = db.session.get(model, row_id)
    if row is None or getattr(row, "revision_id", None) != revision_id:
        raise NotFoundError(what)
    return row
