"""Word-level differences between two texts, as runs that are kept, inserted or deleted."""

from __future__ import annotations

import enum
import re
from difflib import SequenceMatcher
from typing import NamedTuple

_UNITS = re.compile(r"^\s+|\S+\s*")


class Op(enum.StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


class Token(NamedTuple):
    """A run of words (with the whitespace after them) that is kept, inserted or deleted."""

    text: str
    op: str  # an `Op` value


def _units(text: str) -> list[str]:
    return _UNITS.findall(text)


def word_diff(old: str, new: str) -> tuple[Token, ...]:
    """Compare two texts word by word; each token keeps its whitespace, so joined they read naturally.

    Joining the tokens that are not `delete` gives `new`; joining those that are not `insert` gives
    `old` back, with the whitespace between words taken from `new`. Marked runs hold words only: the
    space after them goes to the unchanged run that follows.
    """
    old_units, new_units = _units(old or ""), _units(new or "")
    # No autojunk: it would treat common words in long answers as noise and give a worse diff.
    matcher = SequenceMatcher(None, [u.strip() for u in old_units], [u.strip() for u in new_units], autojunk=False)
    tokens: list[Token] = []
    opcodes = matcher.get_opcodes()
    space = ""  # whitespace after a changed run, given to the unchanged run that follows it
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            _append(tokens, space + "".join(new_units[j1:j2]), Op.EQUAL)
            space = ""
            continue
        removed, added = "".join(old_units[i1:i2]), "".join(new_units[j1:j2])
        if index + 1 < len(opcodes):  # unchanged words follow: only the changed words are marked
            space = (added or removed)[len((added or removed).rstrip()):]
            removed, added = removed.rstrip(), added.rstrip()
        _append(tokens, removed, Op.DELETE)
        _append(tokens, added, Op.INSERT)
    return tuple(tokens)


def _append(tokens: list[Token], text: str, op: Op) -> None:
    if not text:
        return
    if tokens and tokens[-1].op == op:
        tokens[-1] = Token(tokens[-1].text + text, op.value)
    else:
        tokens.append(Token(text, op.value))
