"""Letters as PDF, through the same escaped builder as every other document (no user text becomes markup)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dpia.core.dates import day_label
from dpia.documents.builders import build_pdf
from dpia.documents.model import Document, Item, Section


def letter_pdf(*, organisation: str, reference: str, title: str, team: str, regime: str, written_on: datetime,
               addressee: str, parts: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> bytes:
    """A staff letter: one section per part, each a list of labelled statements."""
    sections = [Section("to", "To", (Item("to-0", "", text=addressee),))]
    sections += [Section(f"part-{number}", heading, tuple(Item(f"part-{number}-{line}", label, text=text)
                                                          for line, (label, text) in enumerate(lines)))
                 for number, (heading, lines) in enumerate(parts)]
    document = Document(organisation=organisation, reference=reference, title=title, team=team, regime=regime,
                        revision=0, status="Response letter (internal)", written_on=day_label(written_on),
                        approved_on=None, content_hash="", public=False, scope="Not for publication",
                        sections=tuple(sections))
    return build_pdf(document)
