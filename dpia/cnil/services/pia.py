"""Importing a PIA exported by the CNIL's tool as an assessment on the CNIL-method questionnaire.

Answers become answers, the three risks' ratings and the measures become rows, evaluations and
comments become comments, the people and opinions become answers of the validation section, and
every other field (ids, dates, the tool's internal keys) is kept in the revision's annex. Nothing is
written until the whole file has been checked.

Writes rows of other areas' models (answers, risks and comments), which the import needs and which
no service of theirs offers without a signed-in team member or reviewer; see the report of each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from dpia.accounts.models import User
from dpia.accounts.services.users import get_or_create_team
from dpia.assessments.models import Answer, Assessment, Risk
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.assessments import create_assessment, next_reference
from dpia.assessments.services.content import revision_definition
from dpia.assessments.services.rows import apply_cells, insert_rows
from dpia.cnil import rules
from dpia.cnil.services.common import Ledger, store_annex
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.permissions import require
from dpia.permissions import can_import_cnil
from dpia.questionnaires.services import latest_version, load_builtin_questionnaires
from dpia.review.models import Comment

QUESTIONNAIRE_KEY = "cnil-pia"
DEFAULT_TEAM = "CNIL imports"
LISTS = ("answers", "measures", "evaluations", "comments")
PEOPLE = (("author_name", "validation.author", "Author"), ("evaluator_name", "validation.evaluator", "Evaluator"),
          ("validator_name", "validation.validator", "Validator"))
TEXTS = (("dpo_opinion", "validation.dpo_opinion"), ("rejection_reason", "validation.rejection_reason"),
         ("applied_adjustments", "validation.applied_adjustments"),
         ("concerned_people_opinion", "validation.concerned_people_opinion"),
         ("concerned_people_searched_content", "validation.concerned_people_not_searched"))
SHORT_TEXTS = (("dpos_names", "validation.dpo_names"), ("people_names", "validation.concerned_people_names"))
CODES = (("status", "validation.status", rules.PIA_STATUSES),
         ("dpo_status", "validation.dpo_status", rules.OPINION_STATUSES),
         ("concerned_people_status", "validation.concerned_people_status", rules.OPINION_STATUSES))


@dataclass(frozen=True)
class PiaImport:
    reference: str
    assessment: Assessment
    report: list[dict[str, Any]]


@dataclass(frozen=True)
class _Parts:
    pia: dict[str, Any]
    pia_path: str
    lists: dict[str, tuple[list[Any], str]]


def _parts(data: dict[str, Any]) -> _Parts:
    """The PIA's own fields and its four lists, for the tool's export ({pia, answers, ...}) and for its
    server's (one object holding the PIA's fields and the lists)."""
    nested = not isinstance(data.get("pia"), dict)
    pia = {k: v for k, v in data.items() if k not in LISTS} if nested else data["pia"]
    return _Parts(pia, "$" if nested else "$.pia",
                  {name: (data.get(name) or [], f"$.{name}") for name in LISTS})


def check_pia(data: dict[str, Any], filename: str) -> list[str]:
    """Every problem that stops the import, as `JSON path: what is wrong`; empty when the file is fine."""
    parts = _parts(data)
    problems = []
    name = parts.pia.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{parts.pia_path}.name: the PIA has no name (it becomes the assessment's title)")
    elif len(name.strip()) > 300:
        problems.append(f"{parts.pia_path}.name: the name is {len(name.strip())} characters; 300 at most")
    for list_name in LISTS:
        value = data.get(list_name)
        if value is not None and not isinstance(value, list):
            problems.append(f"$.{list_name}: must be a list, not {type(value).__name__}")
    lists = {n: (v if isinstance(v, list) else []) for n, (v, _) in parts.lists.items()}
    for index, answer in enumerate(lists["answers"]):
        where = f"$.answers[{index}]"
        if not isinstance(answer, dict):
            problems.append(f"{where}: must be an object")
            continue
        if rules.as_int(answer.get("reference_to")) is None:
            problems.append(f"{where}.reference_to: must be a question number such as 111")
        answer_data = answer.get("data")
        if answer_data is None:
            continue
        if not isinstance(answer_data, dict):
            problems.append(f"{where}.data: must be an object with text, gauge and list")
            continue
        if answer_data.get("text") is not None and not isinstance(answer_data["text"], str):
            problems.append(f"{where}.data.text: must be text")
        items = answer_data.get("list")
        if items is not None and (not isinstance(items, list)
                                  or any(not isinstance(i, (str, int, float)) for i in items)):
            problems.append(f"{where}.data.list: must be a list of text")
        if answer_data.get("gauge") not in (None, "") and rules.as_int(answer_data["gauge"]) not in range(5):
            problems.append(f"{where}.data.gauge: must be a level from 0 to 4")
    for kind, text_fields in (("measures", ("title", "content")), ("evaluations", ("evaluation_comment",
                              "action_plan_comment")), ("comments", ("description",))):
        for index, item in enumerate(lists[kind]):
            where = f"$.{kind}[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{where}: must be an object")
                continue
            for field_name in text_fields:
                if item.get(field_name) is not None and not isinstance(item[field_name], str):
                    problems.append(f"{where}.{field_name}: must be text")
            if kind == "evaluations":
                if not isinstance(item.get("reference_to"), (str, int)):
                    problems.append(f"{where}.reference_to: must be an item such as 2.1.211")
                gauges = item.get("gauges")
                if gauges is not None and not isinstance(gauges, dict):
                    problems.append(f"{where}.gauges: must be an object with x and y")
    return problems


def import_pia(*, actor: User, now: datetime, data: dict[str, Any], filename: str,
               team_name: str | None = None) -> PiaImport:
    """Create an assessment from a CNIL PIA export, with its report and annex.

    :raise PermissionDeniedError: the actor is not an administrator.
    :raise ValidationError: the file is not a PIA this can import (nothing is written).
    """
    require(can_import_cnil(actor), "Only administrators can import from the CNIL's PIA tool")
    problems = check_pia(data, filename)
    if problems:
        raise CnilFileError(filename, problems)
    version = latest_version(QUESTIONNAIRE_KEY)
    if version is None:
        load_builtin_questionnaires(now=now)
        version = latest_version(QUESTIONNAIRE_KEY)
    if version is None:  # pragma: no cover - the file ships with the application
        raise ValidationError("The CNIL-method questionnaire is not installed")
    parts = _parts(data)
    ledger = Ledger(data)
    title = parts.pia["name"].strip()
    ledger.put(f"{parts.pia_path}.name", "assessment", "title")
    team = get_or_create_team((team_name or "").strip() or DEFAULT_TEAM, now=now)
    reference = next_reference(now)
    assessment = create_assessment(actor=actor, now=now, reference=reference, title=title, team=team,
                                   regime=Regime.UK_GDPR, questionnaire_version=version)
    writer = _Writer(actor, now, assessment.revisions[0], ledger, parts)
    writer.run()
    fields, report = ledger.close()
    store_annex(actor=actor, now=now, kind="pia", filename=filename, fields=fields, report=report,
                revision_id=writer.revision.id)
    record_event(actor=actor, now=now, action="cnil.import", object_type="assessment", object_id=assessment.id,
                 summary={"reference": reference, "filename": filename[:200], "fields": len(report),
                          "annex": len(fields)})
    return PiaImport(reference, assessment, report)


class CnilFileError(ValidationError):
    """The file cannot be imported; `problems` lists each one by JSON path."""

    def __init__(self, filename: str, problems: list[str]) -> None:
        self.problems = problems[:50]
        more = f" (and {len(problems) - 50} more)" if len(problems) > 50 else ""
        super().__init__(f"{filename} cannot be imported: " + "; ".join(self.problems) + more)


class _Writer:
    """Puts one PIA's content into a new revision, noting in the ledger where each field went."""

    def __init__(self, actor: User, now: datetime, revision: Any, ledger: Ledger, parts: _Parts) -> None:
        self.actor, self.now, self.revision, self.ledger, self.parts = actor, now, revision, ledger, parts
        self.definition = revision_definition(revision)
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.values: dict[str, Any] = {}
        self.ratings: dict[int, dict[str, str]] = defaultdict(dict)
        self.controls: dict[int, list[str]] = defaultdict(list)
        self.measure_titles: dict[int, str] = {}

    def run(self) -> None:
        question = self.definition.question("risks.register")
        rows = list(db.session.scalars(select(Risk).where(Risk.revision_id == self.revision.id,
                                                          Risk.question_key == question.key)
                                       .order_by(Risk.position)))
        self.risks = {item: rows[position] for item, (_, position, _) in rules.RISKS.items()}
        self._answers()
        self._pia_fields()
        self._rate_risks()
        self._measures({item: row.row_uid for item, row in self.risks.items()})
        self._store_answers()
        self._evaluations()
        self._comments()

    # -- answers ------------------------------------------------------------------------------------
    def _answers(self) -> None:
        answers, base = self.parts.lists["answers"]
        for index, answer in enumerate(answers):
            where = f"{base}[{index}].data"
            reference = rules.as_int(answer.get("reference_to"))
            key = rules.question_for(reference) if reference is not None else None
            answer_data = answer.get("data") or {}
            if key is None:
                continue  # a question of a custom structure: the annex keeps it, path and all
            text = rules.html_to_markdown(answer_data.get("text"))
            if text:
                self.texts[key].append(text)
                self.ledger.put(f"{where}.text", "question", key)
            items = [item for item in answer_data.get("list") or [] if str(item).strip()]
            if items:
                self.texts[key].append(rules.bullet_list(items))
                for position, item in enumerate(answer_data.get("list") or []):
                    if str(item).strip():
                        self.ledger.put(f"{where}.list[{position}]", "question", key)
            risk = rules.risk_question(reference)
            if risk is None:
                continue
            item, _ = risk
            part = reference % 10
            if part == 4:
                self.controls[item].extend(str(i) for i in items)
            level = rules.gauge_level(answer_data.get("gauge"))
            if part in (5, 6) and level is not None:
                column = "severity" if part == 5 else "likelihood"
                self.ratings[item][column] = level
                self.ledger.put(f"{where}.gauge", "row", f"risks.register: {rules.RISKS[item][2]}, {column}",
                                stored=level, ref=self.risks[item].row_uid)

    def _pia_fields(self) -> None:
        pia, base = self.parts.pia, self.parts.pia_path
        for field_name, key, role in PEOPLE:
            name = pia.get(field_name)
            if isinstance(name, str) and name.strip():
                account = db.session.scalar(select(User.email).where(func.lower(User.name) == name.strip().lower()))
                self.values[key] = {"name": name.strip()[:500], "role": f"{role} (CNIL PIA tool)"}
                note = f"matches the account {account}" if account else "no account: kept as a name"
                self.ledger.put(f"{base}.{field_name}", "question", key, note=note)
        for field_name, key in TEXTS:
            text = rules.html_to_markdown(pia.get(field_name)) if isinstance(pia.get(field_name), str) else ""
            if text:
                self.texts[key].append(text)
                self.ledger.put(f"{base}.{field_name}", "question", key)
        for field_name, key in SHORT_TEXTS:
            value = pia.get(field_name)
            if isinstance(value, str) and value.strip() and len(value.strip()) <= 500:
                self.values[key] = value.strip()
                self.ledger.put(f"{base}.{field_name}", "question", key)
        for field_name, key, codes in CODES:
            code = rules.as_int(pia.get(field_name))
            if code in codes:
                self.values[key] = codes[code]
                self.ledger.put(f"{base}.{field_name}", "question", key, stored=codes[code])
        searched = rules.as_bool(pia.get("concerned_people_searched_opinion"))
        if searched is not None:
            self.values["validation.concerned_people_searched"] = searched
            self.ledger.put(f"{base}.concerned_people_searched_opinion", "question",
                            "validation.concerned_people_searched", stored=searched)

    # -- rows ---------------------------------------------------------------------------------------
    def _rate_risks(self) -> None:
        """Rate the three starting risks (Illegitimate access, Unwanted modification, Data disappearance)."""
        question = self.definition.question("risks.register")
        for item, ratings in self.ratings.items():
            row = self.risks[item]
            apply_cells(row, question, dict(ratings), self.definition)
            row.updated_at, row.updated_by_id = self.now, self.actor.id

    def _measures(self, risk_uids: dict[int, str]) -> None:
        """One measure row per CNIL measure, linked to the risks whose planned controls name it."""
        measures, base = self.parts.lists["measures"]
        question = self.definition.question("measures.register")
        cells, paths, old_ids, catalogue = [], [], [], []
        for index, measure in enumerate(measures):
            title = (measure.get("title") or "").strip()
            content = rules.html_to_markdown(measure.get("content"))
            description = "\n\n".join(p for p in (f"**{title}**" if title else "", content) if p) or "(no text)"
            linked = [risk_uids[item] for item, titles in sorted(self.controls.items())
                      if title and any(rules.same_title(title, t) for t in titles)]
            cells.append({"description": description, "risk_uids": linked})
            paths.append((f"{base}[{index}]", title, bool(content)))
            old_ids.append(rules.as_int(measure.get("id")))
            option = rules.knowledge_base_option(measure.get("placeholder"))
            if option and option not in catalogue:
                catalogue.append(option)
            if option:
                self.ledger.put(f"{base}[{index}].placeholder", "question", "measures.catalogue", stored=option)
        rows = insert_rows(self.revision, question, cells, self.definition, now=self.now, actor=self.actor)
        for row, (where, title, has_content), old_id in zip(rows, paths, old_ids, strict=True):
            target = f"measures.register: {title or 'untitled measure'}"
            if title:
                self.ledger.put(f"{where}.title", "row", target, ref=row.row_uid)
            if has_content:
                self.ledger.put(f"{where}.content", "row", target, ref=row.row_uid)
            if old_id is not None:
                self.measure_titles[old_id] = title or "untitled measure"
        if catalogue:
            allowed = [o.value for o in self.definition.question("measures.catalogue").options]
            self.values["measures.catalogue"] = [v for v in allowed if v in catalogue]

    def _store_answers(self) -> None:
        values = {**{key: "\n\n".join(parts) for key, parts in self.texts.items()}, **self.values}
        for key, value in values.items():
            db.session.add(Answer(revision_id=self.revision.id, question_key=key, value=value,
                                  updated_at=self.now, updated_by_id=self.actor.id))
        db.session.flush()

    # -- comments -----------------------------------------------------------------------------------
    def _comment(self, question_key: str | None, body: str) -> Comment:
        comment = Comment(revision_id=self.revision.id, question_key=question_key, author_id=self.actor.id,
                          body=body, created_at=self.now)
        db.session.add(comment)
        db.session.flush()
        return comment

    def _evaluations(self) -> None:
        evaluations, base = self.parts.lists["evaluations"]
        for index, evaluation in enumerate(evaluations):
            where = f"{base}[{index}]"
            reference = str(evaluation.get("reference_to")).strip()
            key, what = self._evaluated(reference)
            lines: list[tuple[str | None, str]] = []
            status = rules.as_int(evaluation.get("status"))
            progress = rules.as_int(evaluation.get("global_status"))
            heading = f"Imported from CNIL: evaluation of {what}"
            if status in rules.EVALUATION_STATUSES:
                heading += f": {rules.EVALUATION_STATUSES[status]}"
            if progress in rules.EVALUATION_PROGRESS:
                heading += f" ({rules.EVALUATION_PROGRESS[progress]})"
            lines.append((None, heading + "."))
            for field_name, label in (("evaluation_comment", "Evaluation"), ("action_plan_comment", "Action plan")):
                text = rules.html_to_markdown(evaluation.get(field_name))
                if text:
                    lines.append((field_name, f"{label}:\n\n{text}"))
            for field_name, label in (("person_in_charge", "Person in charge"),
                                      ("estimated_implementation_date", "Estimated implementation date"),
                                      ("evaluation_date", "Evaluation date")):
                value = evaluation.get(field_name)
                if isinstance(value, str) and value.strip():
                    lines.append((field_name, f"{label}: {value.strip()}"))
            comment = self._comment(key, "\n\n".join(text for _, text in lines))
            target = f"comment on {key or 'the revision'}"
            if status in rules.EVALUATION_STATUSES:
                self.ledger.put(f"{where}.status", "comment", target, stored=rules.EVALUATION_STATUSES[status],
                                ref=comment.id)
            if progress in rules.EVALUATION_PROGRESS:
                self.ledger.put(f"{where}.global_status", "comment", target,
                                stored=rules.EVALUATION_PROGRESS[progress], ref=comment.id)
            for field_name, _ in lines[1:]:
                self.ledger.put(f"{where}.{field_name}", "comment", target, ref=comment.id)
            self._residual(reference, evaluation.get("gauges"), where)

    def _evaluated(self, reference: str) -> tuple[str | None, str]:
        """The question an evaluation is attached to, and what it evaluates, in words."""
        parts = reference.split(".")
        if len(parts) == 3 and parts[:2] == ["3", "1"]:
            measure = rules.as_int(parts[2])
            return "measures.register", f"the measure “{self.measure_titles.get(measure, reference)}”"
        if len(parts) == 3:
            number = rules.as_int(parts[2])
            key = rules.question_for(number) if number is not None else None
            spec = self.definition.question(key) if key else None
            return key, f"question {reference}" + (f" (“{spec.label}”)" if spec else "")
        return rules.ITEM_QUESTIONS.get(reference), f"“{rules.ITEM_TITLES.get(reference, reference)}”"

    def _residual(self, reference: str, gauges: Any, where: str) -> None:
        """The evaluator's re-rating of a risk after the action plan (x: severity, y: likelihood)."""
        parts = reference.split(".")
        item = rules.as_int(parts[1]) if len(parts) == 2 and parts[0] == "3" else None
        if item not in rules.RISKS or not isinstance(gauges, dict):
            return
        row = self.risks[item]
        cells = {"residual_severity": row.residual_severity, "residual_likelihood": row.residual_likelihood}
        changed = False
        for axis, column in (("x", "residual_severity"), ("y", "residual_likelihood")):
            level = rules.gauge_level(gauges.get(axis))
            if level is not None:
                cells[column], changed = level, True
                self.ledger.put(f"{where}.gauges.{axis}", "row", f"risks.register: {rules.RISKS[item][2]}, {column}",
                                stored=level, ref=row.row_uid)
        if changed:
            apply_cells(row, self.definition.question("risks.register"), cells, self.definition)

    def _comments(self) -> None:
        comments, base = self.parts.lists["comments"]
        for index, item in enumerate(comments):
            text = rules.html_to_markdown(item.get("description"))
            if not text:
                continue
            reference = rules.as_int(item.get("reference_to"))
            if rules.as_bool(item.get("for_measure")):
                key = "measures.register"
                about = f" on the measure “{self.measure_titles.get(reference, reference)}”"
            else:
                key = rules.question_for(reference) if reference is not None else None
                about = ""
            comment = self._comment(key, f"Imported from CNIL: comment{about}.\n\n{text}")
            self.ledger.put(f"{base}[{index}].description", "comment", f"comment on {key or 'the revision'}",
                            ref=comment.id)
