"""Importing a CNIL "structure" (a custom PIA template) as a version of a questionnaire of its own.

The structure is laid over the built-in CNIL-method questionnaire: its questions keep our keys (so
its PIAs import the same way), its suggested answers become guidance, its example measures become
the measures table's starting rows, inactive questions are left out, and questions of its own are
added where it puts them. Its labels are the tool's translation keys unless the author wrote their
own; the tool's internal fields go to the annex.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml

from dpia.accounts.models import User
from dpia.cnil import rules
from dpia.cnil.services.common import Ledger, store_annex
from dpia.cnil.services.pia import CnilFileError
from dpia.core.audit.services import record_event
from dpia.core.permissions import require
from dpia.permissions import can_import_cnil
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.services import BUILTIN_DIR, read_definition, upload_version

ITEM_SECTIONS = {(1, 1): "overview", (1, 2): "data-processes", (2, 1): "proportionality", (2, 2): "rights",
                 (3, 1): "measures", (3, 2): "illegitimate-access", (3, 3): "unwanted-modification",
                 (3, 4): "data-disappearance", (3, 5): "risk-overview"}
_TRANSLATION_KEY = re.compile(r"^sections\.[0-9a-z_.]+$")


@dataclass(frozen=True)
class StructureImport:
    key: str
    version: QuestionnaireVersion
    created: bool
    report: list[dict[str, Any]]


def _own_text(value: Any) -> str | None:
    """Text the structure's author wrote, or None for a translation key or nothing."""
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", rules.html_to_markdown(value).replace("**", "")).strip()
    return None if not text or _TRANSLATION_KEY.match(value.strip()) else text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def check_structure(data: dict[str, Any]) -> list[str]:
    structure = data["structure"]
    problems = []
    if not isinstance(structure.get("name"), str) or not structure["name"].strip():
        problems.append("$.structure.name: the structure has no name (it becomes the questionnaire's title)")
    sections = (structure.get("data") or {}).get("sections") if isinstance(structure.get("data"), dict) else None
    if not isinstance(sections, list) or not sections:
        problems.append("$.structure.data.sections: must be a non-empty list of sections")
        return problems
    for s_index, section in enumerate(sections):
        where = f"$.structure.data.sections[{s_index}]"
        if not isinstance(section, dict) or rules.as_int(section.get("id")) is None:
            problems.append(f"{where}: must be an object with a numeric id")
            continue
        for i_index, item in enumerate(section.get("items") or []):
            if not isinstance(item, dict) or rules.as_int(item.get("id")) is None:
                problems.append(f"{where}.items[{i_index}]: must be an object with a numeric id")
                continue
            for q_index, question in enumerate(item.get("questions") or []):
                if not isinstance(question, dict) or rules.as_int(question.get("id")) is None:
                    problems.append(f"{where}.items[{i_index}].questions[{q_index}]: must be an object with a "
                                    "numeric id")
    return problems


def import_structure(*, actor: User, now: datetime, data: dict[str, Any], filename: str) -> StructureImport:
    """Store a CNIL structure as a questionnaire version (a new one, or the next of the same key).

    :raise PermissionDeniedError: the actor is not an administrator.
    :raise ValidationError: the structure cannot be read (nothing is written).
    """
    require(can_import_cnil(actor), "Only administrators can import from the CNIL's PIA tool")
    problems = check_structure(data)
    if problems:
        raise CnilFileError(filename, problems)
    ledger = Ledger(data)
    definition = build_definition(data["structure"], ledger)
    text = yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=1000)
    result = upload_version(actor=actor, now=now, text=text, filename=f"{definition['key']}.yaml")
    fields, report = ledger.close()
    if result.created:
        store_annex(actor=actor, now=now, kind="structure", filename=filename, fields=fields, report=report,
                    questionnaire_version_id=result.version.id)
    record_event(actor=actor, now=now, action="cnil.import_structure", object_type="questionnaire_version",
                 object_id=result.version.id, summary={"key": result.key, "filename": filename[:200],
                                                       "fields": len(report), "annex": len(fields)})
    return StructureImport(result.key, result.version, result.created, report)


def build_definition(structure: dict[str, Any], ledger: Ledger) -> dict[str, Any]:
    """The structure as a questionnaire definition, noting in `ledger` what went where."""
    base = "$.structure"
    definition = copy.deepcopy(read_definition(BUILTIN_DIR / "cnil-pia.yaml"))
    name = structure["name"].strip()[:300]
    key = f"cnil-{_slug(name)}" if _slug(name) else f"cnil-structure-{structure.get('id')}"
    if key == definition["key"]:
        key = f"cnil-structure-{_slug(name)}"
    definition.update(key=key, title=name)
    ledger.put(f"{base}.name", "definition", "title")
    version = structure.get("updated_at") or structure.get("created_at") or structure.get("id") or "1"
    definition["version"] = str(version)
    sector = structure.get("sector_name")
    description = f"Imported from the CNIL PIA tool's structure “{name}”."
    if isinstance(sector, str) and sector.strip():
        description += f" Sector: {sector.strip()}."
        ledger.put(f"{base}.sector_name", "definition", "description")
    definition["description"] = description
    sections = {section["key"]: section for section in definition["sections"]}
    order = [section["key"] for section in definition["sections"]]
    kept: set[str] = set()
    for s_index, section in enumerate(structure["data"]["sections"]):
        section_id = rules.as_int(section["id"])
        for i_index, item in enumerate(section.get("items") or []):
            where = f"{base}.data.sections[{s_index}].items[{i_index}]"
            item_id = rules.as_int(item["id"])
            target_key = ITEM_SECTIONS.get((section_id, item_id))
            if target_key is None:
                if not item.get("questions"):
                    continue
                target_key = f"item-{section_id}-{item_id}"
                sections[target_key] = {"key": target_key, "title": f"Item {section_id}.{item_id}", "questions": []}
                order.insert(order.index("validation"), target_key)
            target = sections[target_key]
            if (title := _own_text(item.get("title"))) is not None:
                target["title"] = title[:200]
                ledger.put(f"{where}.title", "definition", f"section {target_key}: title")
            if (summary := _own_text(item.get("short_help"))) is not None:
                target["summary"] = summary
                ledger.put(f"{where}.short_help", "definition", f"section {target_key}: summary")
            if item.get("is_measure"):
                _measure_rows(target, item, where, ledger)
            if item.get("questions") is not None:
                kept.update(_questions(target, item, where, ledger))
    for section in sections.values():
        section["questions"] = [q for q in section["questions"]
                                if q["key"] in kept or not q["key"].startswith(_ANSWERABLE)]
    definition["sections"] = [sections[k] for k in order if sections[k]["questions"]]
    present = {q["key"] for s in definition["sections"] for q in s["questions"]}
    for name_ in ("summary", "listing"):
        definition["publication"][name_] = [k for k in definition["publication"][name_] if k in present]
    definition["publication"] = {k: v for k, v in definition["publication"].items() if v}
    if not definition["publication"]:
        del definition["publication"]
    return definition


# The questions a structure decides on: the CNIL's own (context, principles and risks); the measures,
# risk overview and validation questions are ours and always kept.
_ANSWERABLE = ("context.", "data.", "proportionality.", "rights.", "access.", "modification.", "disappearance.")


def _questions(target: dict[str, Any], item: dict[str, Any], where: str, ledger: Ledger) -> set[str]:
    kept = set()
    for q_index, question in enumerate(item["questions"]):
        path = f"{where}.questions[{q_index}]"
        number = rules.as_int(question["id"])
        if rules.as_bool(question.get("active")) is False:
            continue  # left out; the annex keeps it
        key = rules.question_for(number) or f"q{number}"
        spec = next((q for q in target["questions"] if q["key"] == key), None)
        if spec is None:
            spec = {"key": key, "label": f"Question {number}", "type": "markdown"}
            target["questions"].append(spec)
        kept.add(key)
        if (label := _own_text(question.get("title"))) is not None:
            spec["label"] = label[:500]
            ledger.put(f"{path}.title", "definition", f"question {key}: label")
        if (hint := _own_text(question.get("short_title"))) is not None:
            spec["hint"] = hint[:500]
            ledger.put(f"{path}.short_title", "definition", f"question {key}: hint")
        guidance = rules.html_to_markdown(question.get("answer")) if isinstance(question.get("answer"), str) else ""
        if guidance:
            spec["guidance"] = f"Suggested answer, from the structure:\n\n{guidance}"
            ledger.put(f"{path}.answer", "definition", f"question {key}: guidance")
    return kept


def _measure_rows(target: dict[str, Any], item: dict[str, Any], where: str, ledger: Ledger) -> None:
    """The structure's example measures become the starting rows of the measures table."""
    table = next(q for q in target["questions"] if q["key"] == "measures.register")
    rows = []
    for index, measure in enumerate(item.get("answers") or []):
        if not isinstance(measure, dict):
            continue
        title = (measure.get("title") or "").strip() if isinstance(measure.get("title"), str) else ""
        content = rules.html_to_markdown(measure.get("content")) if isinstance(measure.get("content"), str) else ""
        if not title and not content:
            continue
        rows.append({"description": "\n\n".join(p for p in (f"**{title}**" if title else "", content) if p)})
        for field_name, present in (("title", title), ("content", content)):
            if present:
                ledger.put(f"{where}.answers[{index}].{field_name}", "definition",
                           "measures.register: starting row")
    if rows:
        table["prefill"] = rows
