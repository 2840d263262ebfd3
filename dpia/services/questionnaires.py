"""Loading questionnaire definitions into immutable, hashed versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from dpia.domain.errors import ValidationError
from dpia.extensions import db
from dpia.models import Questionnaire, QuestionnaireVersion

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "questionnaires"


def definition_hash(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_definition(path: Path) -> dict[str, Any]:
    """Parse a YAML definition and check the parts the data model depends on."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{path}: a definition must be a mapping")
    for field in ("key", "title", "version", "sections"):
        if field not in data:
            raise ValidationError(f"{path}: missing '{field}'")
    return data


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
        questionnaire = Questionnaire(key=definition["key"], title=definition["title"], created_at=now)
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
