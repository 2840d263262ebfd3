"""Loading questionnaire definitions into immutable, hashed versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from dpia.domain.questionnaire import Definition, combine
from dpia.extensions import db
from dpia.models import Questionnaire, QuestionnaireVersion, Revision
from dpia.questionnaires.schema import parse

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "questionnaires"


def definition_hash(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_definition(path: Path) -> dict[str, Any]:
    """Parse and validate a YAML definition file.

    :raise DefinitionError: with `FILE:LINE: message` for every problem found.
    """
    return parse(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=64)
def _definition_from_json(content_hash: str, definition_json: str) -> Definition:
    return Definition.from_dict(json.loads(definition_json))


def definition_for_version(version: QuestionnaireVersion) -> Definition:
    """The typed definition of a stored version, converted once per process (versions never change)."""
    return _definition_from_json(version.content_hash, json.dumps(version.definition))


def revision_definition(revision: Revision) -> Definition:
    """The questionnaire a revision is filled against: its core version plus its add-ons, in order."""
    core = definition_for_version(revision.questionnaire_version)
    add_ons = tuple(definition_for_version(a.questionnaire_version) for a in revision.add_ons)
    return combine(core, add_ons)


@dataclass(frozen=True)
class LoadResult:
    key: str
    version: QuestionnaireVersion
    created: bool


def load_definition(definition: dict[str, Any], *, now: datetime) -> LoadResult:
    """Store `definition` as a new version unless identical content is already stored.

    A changed file becomes the next version; a stored version is never edited.
    """
    content_hash = definition_hash(definition)
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.key == definition["key"]))
    if questionnaire is None:
        questionnaire = Questionnaire(key=definition["key"], title=definition["title"],
                                      kind=definition.get("kind", "core"), created_at=now)
        db.session.add(questionnaire)
        db.session.flush()
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.content_hash == content_hash,
        )
    )
    if existing is not None:
        return LoadResult(questionnaire.key, existing, created=False)
    number = (db.session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id)
    ) or 0) + 1
    version = QuestionnaireVersion(questionnaire=questionnaire, number=number,
                                   label=str(definition["version"]), definition=definition,
                                   content_hash=content_hash, created_at=now)
    questionnaire.title = definition["title"]
    db.session.add(version)
    db.session.flush()
    return LoadResult(questionnaire.key, version, created=True)


def load_builtin_questionnaires(*, now: datetime) -> list[LoadResult]:
    """Load every built-in definition; running it twice changes nothing."""
    return [load_definition(read_definition(path), now=now) for path in sorted(BUILTIN_DIR.glob("*.yaml"))]


def latest_version(key: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.key == key)
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )


def add_on_questionnaires() -> list[Questionnaire]:
    """Questionnaires that extend a core one (e.g. live facial recognition), by title."""
    return list(db.session.scalars(select(Questionnaire).where(Questionnaire.kind == "add_on")
                                   .order_by(Questionnaire.title)))
