"""Comparing two revisions of an assessment: load both, then let `dpia.assessments.rules.diff` compare them.

Reads nothing: the caller loads both revisions' content once and passes it in.
"""

from __future__ import annotations

from functools import lru_cache

from dpia.assessments.rules.diff import OptionsFor, RevisionDiff, RowInput, diff_revisions
from dpia.assessments.services.content import RevisionContent


def _rows(content: RevisionContent) -> dict[str, list[RowInput]]:
    return {key: [RowInput(row.uid, row.cells, row.ref) for row in rows] for key, rows in content.rows.items()}


def _options(content: RevisionContent) -> OptionsFor:
    # A measure's "risk it addresses" lists the revision's risks; work that list out once per column,
    # not once per row.
    return lru_cache(maxsize=None)(content.options_for)


def diff_between(old: RevisionContent, new: RevisionContent) -> RevisionDiff:
    """What changed from the `old` revision's content to the `new` one's, section by section.

    Choices that depend on the revision (risk scales, risk references) are shown with each
    revision's own labels, so "R2" means the second risk of that revision.
    """
    return diff_revisions(old.definition, old.answers, _rows(old), new.definition, new.answers, _rows(new),
                          old_options=_options(old), new_options=_options(new))


__all__ = ["diff_between"]
