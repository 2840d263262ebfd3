"""Maintaining the register's entries: one row per assessment's current public revision.

Visibility is still decided at query time (`RegisterEntry.publish_at` and `public_until`), so nothing
runs when a publication reaches its time; these functions run when a publication is scheduled or
withdrawn, and after a bulk load. The full-text index follows the entries through triggers (see the
migration `7c1e2a9f3b10`). Every change bumps `RegisterVersion`, the caches' validator.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import aliased

from dpia.assessments.models import Assessment
from dpia.core.extensions import db
from dpia.publication.models import Publication, RegisterEntry, RegisterVersion

VERSION_ROW = 1
MAX_TERMS = 10
ENTRY_COLUMNS = ("assessment_id", "publication_id", "reference", "revision_number", "title", "team_name",
                 "summary", "publish_at", "public_until")


def _entries_source(now: datetime, assessment_id: int | None = None) -> Select:
    """The entries that can still be public at or after `now`: every non-withdrawn publication with the
    earliest `publish_at` of a later non-withdrawn revision as its end, leaving out those that ended
    already or never began."""
    later = aliased(Publication)
    until = (select(func.min(later.publish_at))
             .where(later.assessment_id == Publication.assessment_id,
                    later.revision_number > Publication.revision_number, later.withdrawn_at.is_(None))
             .correlate(Publication).scalar_subquery())
    candidates = (select(Publication.assessment_id, Publication.id.label("publication_id"), Assessment.reference,
                         Publication.revision_number, Publication.title, Publication.team_name,
                         Publication.summary, Publication.publish_at, until.label("public_until"))
                  .join(Assessment, Assessment.id == Publication.assessment_id)
                  .where(Publication.withdrawn_at.is_(None)))
    if assessment_id is not None:
        candidates = candidates.where(Publication.assessment_id == assessment_id)
    rows = candidates.subquery()
    return (select(*(rows.c[name] for name in ENTRY_COLUMNS))
            .where(or_(rows.c.public_until.is_(None),
                       and_(rows.c.public_until > now, rows.c.public_until > rows.c.publish_at))))


def _ended(now: datetime) -> ColumnElement[bool]:
    return RegisterEntry.public_until <= now


def refresh_entries(assessment_id: int, *, now: datetime) -> None:
    """Rebuild one assessment's entries from its publications (and drop any entry anywhere that can no
    longer be public, an indexed delete that keeps the table at about one row per assessment)."""
    db.session.flush()  # the statements below go to the connection, past autoflush
    connection = db.session.connection()
    # RETURNING rather than rowcount, which psycopg reports as -1 for INSERT ... SELECT here.
    removed = connection.execute(
        delete(RegisterEntry).where(or_(RegisterEntry.assessment_id == assessment_id, _ended(now)))
        .returning(RegisterEntry.id)).all()
    added = connection.execute(
        insert(RegisterEntry).from_select(ENTRY_COLUMNS, _entries_source(now, assessment_id))
        .returning(RegisterEntry.id)).all()
    _bump(now, delta=len(added) - len(removed))


def rebuild_register(*, now: datetime) -> int:
    """Rebuild every entry in two set-based statements (after a bulk load or a repair); the number of
    entries."""
    db.session.execute(delete(RegisterEntry).execution_options(synchronize_session=False))
    db.session.execute(insert(RegisterEntry).from_select(ENTRY_COLUMNS, _entries_source(now)))
    count = db.session.scalar(select(func.count()).select_from(RegisterEntry)) or 0
    _bump(now, entries=count)
    return count


def _bump(now: datetime, *, delta: int = 0, entries: int | None = None) -> None:
    """Move the register's version on, keeping its count of entries."""
    total = RegisterVersion.entries + delta if entries is None else entries
    changed = db.session.execute(
        update(RegisterVersion).where(RegisterVersion.id == VERSION_ROW)
        .values(version=RegisterVersion.version + 1, entries=total, changed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        count = db.session.scalar(select(func.count()).select_from(RegisterEntry)) or 0
        db.session.add(RegisterVersion(id=VERSION_ROW, version=1, entries=count, changed_at=now))
    db.session.flush()


# -- full-text search over the entries -------------------------------------------------------------
# The index itself is created by the migration; these are lightweight handles on it, not models.
_FTS5 = table("register_search", column("rowid"))
_TSVECTOR = table("register_search", column("entry_id"), column("document", TSVECTOR))


def _latin_folds() -> dict[int, str]:
    """Latin letters with diacritics and their bare letters: what FTS5's unicode61 (remove_diacritics)
    folds, and what the PostgreSQL index folds with translate() (the migration builds the same table)."""
    folds = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and len(base) == 1 and base.isascii() and base.isalpha():
            folds[code] = base
    return folds


_FOLDS = _latin_folds()


def search_terms(query: str) -> list[str]:
    """The words of a search, as both indexes see them: letters and digits only, lower case, Latin
    diacritics removed. Everything else separates words, so no query syntax can get through."""
    folded = query.translate(_FOLDS).lower()
    words = "".join(char if char.isalpha() or char.isdecimal() else " " for char in folded).split()
    return list(dict.fromkeys(words))[:MAX_TERMS]


def matching(terms: list[str], dialect: str) -> ColumnElement[bool]:
    """Entries containing every term as a word prefix: FTS5 MATCH on SQLite, tsquery on PostgreSQL."""
    if dialect == "sqlite":
        expression = " ".join(f'"{term}"*' for term in terms)
        hits = select(_FTS5.c.rowid).where(
            literal_column("register_search").op("MATCH")(bindparam("register_search", expression)))
    else:
        expression = " & ".join(f"{term}:*" for term in terms)
        # Materialized: the planner underestimates prefix matches and would otherwise probe every entry.
        found = select(_TSVECTOR.c.entry_id).where(_TSVECTOR.c.document.op("@@")(
            func.to_tsquery(literal_column("'simple'::regconfig"), bindparam("register_search", expression))))
        materialized = found.cte("register_hits").prefix_with("MATERIALIZED")
        hits = select(materialized.c.entry_id)
    return RegisterEntry.id.in_(hits)
