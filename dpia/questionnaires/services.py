"""Questionnaire versions: loading definitions into immutable, hashed versions, uploading new ones,
listing and comparing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select

from dpia.accounts.models import User
from dpia.core.audit.services import record_event
from dpia.core.errors import NotFoundError, ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import canonical_json, sha256
from dpia.core.permissions import require
from dpia.permissions import can_manage_questionnaires
from dpia.questionnaires.models import Questionnaire, QuestionnaireVersion
from dpia.questionnaires.rules.definition import Definition, QuestionnaireKind, combine
from dpia.questionnaires.rules.diff import DefinitionDiff, diff_definitions
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


def definition_hash(definition: dict[str, Any]) -> str:
    """The content hash a stored version is known by: equal definitions, equal hashes."""
    return sha256(canonical_json(definition))


def read_definition(path: Path) -> dict[str, Any]:
    """Parse and validate a YAML definition file.

    :raise DefinitionError: with `FILE:LINE: message` for every problem found.
    """
    return parse(path.read_text(encoding="utf-8"), str(path))


_DEFINITIONS: dict[str, Definition] = {}  # by content hash: a stored version's definition never changes
_MAX_DEFINITIONS = 256


def definition_for_version(version: QuestionnaireVersion) -> Definition:
    """The typed definition of a stored version, converted once per process (versions never change).

    Keyed by the version's content hash, so a page that finds it here neither reads nor serialises the
    stored JSON (loaders defer that column; it is fetched only on a miss).
    """
    found = _DEFINITIONS.get(version.content_hash)
    if found is None:
        found = definition_from_dict(version.definition)
        if len(_DEFINITIONS) >= _MAX_DEFINITIONS:
            _DEFINITIONS.clear()
        _DEFINITIONS[version.content_hash] = found
    return found


def combined_definition(core: QuestionnaireVersion, add_ons: Sequence[QuestionnaireVersion] = ()) -> Definition:
    """The questionnaire a revision is filled against: its core version plus its add-ons, in order."""
    return combine(definition_for_version(core), tuple(definition_for_version(a) for a in add_ons))


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
                                      kind=QuestionnaireKind(definition.get("kind", "core")), created_at=now)
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
    return list(db.session.scalars(select(Questionnaire).where(Questionnaire.kind == QuestionnaireKind.ADD_ON)
                                   .order_by(Questionnaire.title)))


# -- uploading --------------------------------------------------------------------------------


def upload_version(*, actor: User, now: datetime, text: str, filename: str) -> LoadResult:
    """Validate an uploaded definition and store it as the next version of its questionnaire.

    Uploading content that is already stored changes nothing and returns that version with
    `created` False. Either way the upload is written to the audit log.

    :raise PermissionDeniedError: the actor is not an administrator.
    :raise DefinitionError: the file is not a valid definition (`messages` are `FILE:LINE: message`).
    :raise ValidationError: the file would turn a core questionnaire into an add-on, or back.
    """
    require(can_manage_questionnaires(actor), "Only administrators can upload questionnaires")
    definition = parse(text, filename)
    kind = definition.get("kind", "core")
    stored_kind = db.session.scalar(select(Questionnaire.kind).where(Questionnaire.key == definition["key"]))
    if stored_kind is not None and stored_kind != kind:
        raise ValidationError(
            f"{filename}: ‘{definition['key']}’ is stored as {_kind_name(stored_kind)} questionnaire but this file "
            f"makes it {_kind_name(kind)}. Give it a different key instead."
        )
    result = load_definition(definition, now=now)
    version = result.version
    record_event(actor=actor, now=now, action="questionnaire.upload", object_type="questionnaire_version",
                 object_id=version.id,
                 summary={"key": result.key, "number": version.number, "label": version.label,
                          "content_hash": version.content_hash, "created": result.created,
                          "filename": filename})
    return result


def _kind_name(kind: str) -> str:
    return "an add-on" if kind == "add_on" else "a core"


# -- listing and comparing --------------------------------------------------------------------


@dataclass(frozen=True)
class VersionSummary:
    id: int
    number: int
    label: str
    created_at: datetime
    content_hash: str


@dataclass(frozen=True)
class QuestionnaireSummary:
    key: str
    title: str
    kind: str
    versions: tuple[VersionSummary, ...]  # oldest first


def list_questionnaires() -> list[QuestionnaireSummary]:
    """Every questionnaire with its versions, core questionnaires first, in one query however many
    versions there are.

    The stored definitions are not loaded: they can be large and the list does not show them.
    """
    rows = db.session.execute(
        select(Questionnaire.key, Questionnaire.title, Questionnaire.kind, QuestionnaireVersion.id,
               QuestionnaireVersion.number, QuestionnaireVersion.label, QuestionnaireVersion.created_at,
               QuestionnaireVersion.content_hash)
        .outerjoin(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .order_by(case((Questionnaire.kind == QuestionnaireKind.CORE, 0), else_=1),
                  Questionnaire.title, Questionnaire.key,
                  QuestionnaireVersion.number)
    )
    grouped: dict[str, tuple[str, str, list[VersionSummary]]] = {}
    for key, title, kind, version_id, number, label, created_at, content_hash in rows:
        entry = grouped.setdefault(key, (title, kind, []))
        if version_id is not None:
            entry[2].append(VersionSummary(version_id, number, label, created_at, content_hash))
    return [QuestionnaireSummary(key, title, kind, tuple(versions))
            for key, (title, kind, versions) in grouped.items()]


def get_version(key: str, number: int) -> QuestionnaireVersion:
    """:raise NotFoundError: no such questionnaire, or it has no version `number`."""
    version = db.session.scalar(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.key == key, QuestionnaireVersion.number == number)
    )
    if version is None:
        raise NotFoundError(f"There is no version {number} of questionnaire ‘{key}’")
    return version


@dataclass(frozen=True)
class VersionComparison:
    key: str
    title: str
    old: QuestionnaireVersion
    new: QuestionnaireVersion
    diff: DefinitionDiff


def compare_versions(key: str, from_number: int, to_number: int) -> VersionComparison:
    """What changed from version `from_number` to the later version `to_number` of one questionnaire.

    :raise ValidationError: `from_number` is not earlier than `to_number`.
    :raise NotFoundError: the questionnaire or either version does not exist.
    """
    if from_number >= to_number:
        raise ValidationError("Choose an earlier version to compare from than the one you compare to")
    old, new = get_version(key, from_number), get_version(key, to_number)
    diff = diff_definitions(definition_for_version(old), definition_for_version(new))
    return VersionComparison(key, new.questionnaire.title, old, new, diff)
