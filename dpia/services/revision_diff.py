"""Comparing two revisions of an assessment: load both, then let `dpia.domain.diff` compare them.

Reads are bounded: `load_content` twice, whatever the number of questions or rows.
"""

from __future__ import annotations

from functools import lru_cache

from dpia.domain.diff import OptionsFor, RevisionDiff, RowInput, diff_revisions
from dpia.models import Revision
from dpia.services.answers import RevisionContent, load_content


def _rows(content: RevisionContent) -> dict[str, list[RowInput]]:
    return {key: [RowInput(row.uid, row.cells, row.ref) for row in rows] for key, rows in content.rows.items()}


def _options(content: RevisionContent) -> OptionsFor:
    # A measure's "risk it addresses" lists the revision's risks; work that list out once per column,
    # not once per row.
    return lru_cache(maxsize=None)(content.options_for)


def diff_between(old_revision: Revision, new_revision: Revision) -> RevisionDiff:
    """What changed from `old_revision` to `new_revision`, section by section.

    Choices that depend on the revision (risk scales, risk references) are shown with each
    revision's own labels, so "R2" means the second risk of that revision.
    """
    old, new = load_content(old_revision), load_content(new_revision)
    return diff_revisions(old.definition, old.answers, _rows(old), new.definition, new.answers, _rows(new),
                          old_options=_options(old), new_options=_options(new))


__all__ = ["diff_between"]
