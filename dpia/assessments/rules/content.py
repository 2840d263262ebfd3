"""The canonical form of a revision's content, which sign-offs are bound to.

Canonical means: the questionnaire versions by content hash, every answer to a question of those
versions, and every table row by identity and position. Serialised as canonical JSON, two revisions
hash alike exactly when a reader would see the same content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def canonical_document(
    *,
    questionnaires: Sequence[Mapping[str, Any]],
    question_keys: Sequence[str],
    answers: Mapping[str, Any],
    rows: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]],
) -> dict[str, Any]:
    """Build the document that is hashed (also the core of exports).

    :param questionnaires: [{"key", "version", "content_hash"}] for the core and each add-on, in order.
    :param question_keys: every question of those versions; answers to other keys are not content.
    :param rows: question key -> [(row uid, cells)] in display order.
    """
    return {
        "questionnaires": [dict(q) for q in questionnaires],
        "answers": {key: answers[key] for key in question_keys if key in answers and answers[key] is not None},
        "rows": {key: [{"uid": uid, "cells": _canonical_cells(cells)} for uid, cells in table]
                 for key, table in rows.items() if table},
    }


def _canonical_cells(cells: Mapping[str, Any]) -> dict[str, Any]:
    """A row's cells as hashed: empty ones left out.

    A measure once named the one risk it addressed (`risk_uid`); it may now address several
    (`risk_uids`). One that addresses exactly one is written as before, so content signed before
    measures could address several risks still hashes alike.
    """
    canonical = {key: value for key, value in cells.items() if value is not None}
    if "risk_uids" in canonical:
        risks = canonical.pop("risk_uids")
        if len(risks) == 1:
            canonical["risk_uid"] = risks[0]
        elif risks:
            canonical["risk_uids"] = list(risks)
    return canonical
