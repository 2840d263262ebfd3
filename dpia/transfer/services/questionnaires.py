"""The questionnaire versions an export is pinned to: written out in full, and found or created on import.

A version is known by its questionnaire's key and its content hash, never by a database id, so an
import finds the same wording when it is already stored and creates it (under the same number, when
that number is free) when it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from dpia.assessments.models import Revision
from dpia.core.extensions import db
from dpia.questionnaires.models import Questionnaire, QuestionnaireVersion
from dpia.questionnaires.rules.definition import QuestionnaireKind
from dpia.questionnaires.rules.schema import validate
from dpia.questionnaires.services import definition_hash
from dpia.transfer.rules.reading import FileProblem
from dpia.transfer.services.values import moment, read_moment

PinKey = tuple[str, int, str]


def pin(version: QuestionnaireVersion) -> dict[str, Any]:
    return {"key": version.questionnaire.key, "version": version.number, "content_hash": version.content_hash}


def pin_key(value: dict[str, Any]) -> PinKey:
    return value["key"], value["version"], value["content_hash"]


def export_questionnaires(revisions: Sequence[Revision]) -> list[dict[str, Any]]:
    """Every version a revision uses (core and add-ons), each once, by key then number."""
    versions: dict[int, QuestionnaireVersion] = {}
    for revision in revisions:
        for version in [revision.questionnaire_version] + [a.questionnaire_version for a in revision.add_ons]:
            versions[version.id] = version
    return [{"key": v.questionnaire.key, "title": v.questionnaire.title, "kind": v.questionnaire.kind.value,
             "version": v.number, "label": v.label, "content_hash": v.content_hash,
             "created_at": moment(v.created_at), "definition": v.definition}
            for v in sorted(versions.values(), key=lambda v: (v.questionnaire.key, v.number))]


def check_questionnaires(document: dict[str, Any]) -> None:
    """Each definition must hash to its content hash and be a valid definition of its key, and every
    revision's pin must name a version the file holds.

    :raise FileProblem: saying which entry is wrong.
    """
    held: set[PinKey] = set()
    for index, entry in enumerate(document["questionnaires"]):
        path = f"$.questionnaires[{index}]"
        if definition_hash(entry["definition"]) != entry["content_hash"]:
            raise FileProblem(f"At {path}.definition: the definition does not match its content_hash "
                              f"{entry['content_hash']}.")
        if entry["definition"].get("key") != entry["key"]:
            raise FileProblem(f"At {path}.definition.key: the definition's key is not {entry['key']!r}.")
        problems = validate(entry["definition"])
        if problems:
            raise FileProblem(f"At {path}.definition: not a valid questionnaire definition: {problems[0].message}")
        read_moment(entry["created_at"], f"{path}.created_at")
        held.add(pin_key(entry))
    for index, revision in enumerate(document["revisions"]):
        pins = [("questionnaire", revision["questionnaire"])]
        pins += [(f"add_ons[{n}]", add_on) for n, add_on in enumerate(revision["add_ons"])]
        for name, value in pins:
            if pin_key(value) not in held:
                raise FileProblem(f"At $.revisions[{index}].{name}: questionnaire {value['key']} version "
                                  f"{value['version']} is not among the file's questionnaires.")


def import_questionnaires(document: dict[str, Any]) -> dict[PinKey, QuestionnaireVersion]:
    """Find or create each version the file holds; the stored version for each pin."""
    found: dict[PinKey, QuestionnaireVersion] = {}
    for entry in document["questionnaires"]:
        questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.key == entry["key"]))
        if questionnaire is None:
            questionnaire = Questionnaire(key=entry["key"], title=entry["title"],
                                          kind=QuestionnaireKind(entry["kind"]),
                                          created_at=read_moment(entry["created_at"], "created_at"))
            db.session.add(questionnaire)
            db.session.flush()
        version = db.session.scalar(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.content_hash == entry["content_hash"]))
        if version is None:
            numbers = set(db.session.scalars(select(QuestionnaireVersion.number).where(
                QuestionnaireVersion.questionnaire_id == questionnaire.id)))
            number = entry["version"] if entry["version"] not in numbers else (
                (db.session.scalar(select(func.max(QuestionnaireVersion.number)).where(
                    QuestionnaireVersion.questionnaire_id == questionnaire.id)) or 0) + 1)
            version = QuestionnaireVersion(questionnaire=questionnaire, number=number, label=entry["label"],
                                           definition=entry["definition"], content_hash=entry["content_hash"],
                                           created_at=read_moment(entry["created_at"], "created_at"))
            db.session.add(version)
            db.session.flush()
        found[pin_key(entry)] = version
    return found
