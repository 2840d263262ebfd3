"""A revision's content loaded once: answers, table rows and section counters, plus the loaders that
find a revision the actor may see. Every page and service takes the `RevisionContent` it is given.

Reads are bounded: one query for answers, one per row table, one for section save counters,
whatever the number of questions or rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import Integer, Text, bindparam, cast, null, select, type_coerce, union, union_all
from sqlalchemy.orm import joinedload, selectinload

from dpia.assessments.models import (
    ROW_MODELS,
    Answer,
    Assessment,
    Revision,
    RevisionAddOn,
    RowMixin,
    SectionSave,
    TableRow,
)
from dpia.assessments.rules.completeness import Blocker, content_blockers
from dpia.assessments.rules.content import canonical_document
from dpia.assessments.rules.progress import SectionProgress, section_progress
from dpia.assessments.rules.risk import HeatMap, RatedRisk, first_line, heat_map, rate, rated_risk
from dpia.assessments.rules.screening import screening_only, sections_in_scope
from dpia.assessments.rules.totals import Total, table_totals
from dpia.core.errors import NotFoundError
from dpia.core.extensions import db
from dpia.core.hashing import canonical_json, sha256
from dpia.core.permissions import Actor, require
from dpia.permissions import can_edit_revision, can_view_assessment
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.definition import Column, Definition, Option, Question, RowKind, Section
from dpia.questionnaires.services import combined_definition


@dataclass(frozen=True)
class RowView:
    """One table row as plain values: `cells` maps column keys to typed values."""

    uid: str
    ref: str  # "R1", "R2"... for risks; "1", "2"... otherwise
    position: int
    lock_version: int
    cells: Mapping[str, Any]
    computed: Mapping[str, Any] = field(default_factory=dict)  # e.g. a risk's overall and residual level


@dataclass
class RevisionContent:
    """Everything needed to show or check a revision's answers, loaded in a fixed number of queries."""

    revision: Revision
    definition: Definition
    # Each answer's JSON as stored, decoded on first use of `answers`: a section page whose questions
    # come from the cache only needs to know whether they changed (`answers_fingerprint`).
    stored_answers: dict[str, str | None]
    rows: dict[str, list[RowView]]
    section_locks: dict[str, int]

    @cached_property
    def answers(self) -> dict[str, Any]:
        """The answers by question key (a save updates this dict with what it stored)."""
        return {key: None if text is None else json.loads(text) for key, text in self.stored_answers.items()}

    def answers_fingerprint(self) -> str:
        """A digest that changes whenever an answer does: of the stored text while nothing has decoded
        it, else of the decoded answers (which a save may have changed since). Either names the
        answers exactly; the two only differ in cost."""
        if "answers" in self.__dict__:
            return sha256(canonical_json(self.answers))
        digest = hashlib.sha256()
        for key in sorted(self.stored_answers):  # JSON text has no NUL of its own: it separates safely
            digest.update(f"{key}\0{self.stored_answers[key]}\0".encode())
        return digest.hexdigest()

    @property
    def row_cells(self) -> dict[str, list[Mapping[str, Any]]]:
        return {key: [row.cells for row in rows] for key, rows in self.rows.items()}

    def progress(self, section: Section) -> SectionProgress:
        return section_progress(section, self.answers, self.row_cells, saved=section.key in self.section_locks)

    @property
    def screening_only(self) -> bool:
        """Screening found no assessment required: the revision is a short screening record."""
        return screening_only(self.definition, self.answers)

    @property
    def sections(self) -> tuple[Section, ...]:
        """The sections the revision is made of (only screening, for a screening record)."""
        return sections_in_scope(self.definition, self.answers)

    def blockers(self) -> list[Blocker]:
        """What in the content stops the revision being submitted, sent for sign-off or approved."""
        return content_blockers(self.definition, self.answers, self.rows)

    @property
    def views_sought(self) -> bool:
        """Whether the views of the people affected were sought (so their responses must be reviewed)."""
        key = self.definition.key_questions.get("views_sought")
        return bool(key and self.answers.get(key) is True)

    def totals(self, question: Question) -> tuple[Total, ...]:
        """The totals across a table's rows (for columns that ask for them), with their denominators."""
        return table_totals(question.columns, (row.cells for row in self.rows.get(question.key, ())),
                            noun=question.row_noun)

    def risk_rows(self) -> list[RowView]:
        return [row for key, rows in self.rows.items()
                if (q := self.definition.question(key)) is not None and q.row_kind is RowKind.RISK for row in rows]

    def rated_risks(self) -> tuple[RatedRisk, ...]:
        return tuple(rated_risk(row.ref, row.cells) for row in self.risk_rows())

    def heat_maps(self) -> tuple[HeatMap, HeatMap] | None:
        """The risk matrix before and after measures, or None without a risk model or risks."""
        model = self.definition.risk_model
        risks = self.rated_risks()
        if model is None or not risks:
            return None
        return heat_map(model, risks, after_measures=False), heat_map(model, risks, after_measures=True)

    def risk_options(self) -> tuple[Option, ...]:
        """Choices for "the risk this measure addresses": the revision's own risks."""
        return tuple(Option(row.uid, f"{row.ref}: {first_line(row.cells.get('description'))}")
                     for row in self.risk_rows())

    def options_for(self, column: Column) -> tuple[Option, ...] | None:
        """The allowed choices of a column whose options depend on the revision."""
        model = self.definition.risk_model
        if column.options_from == "likelihood" and model:
            return tuple(Option(level.key, level.label) for level in model.likelihood)
        if column.options_from == "severity" and model:
            return tuple(Option(level.key, level.label) for level in model.severity)
        if column.options_from == "risks":
            return self.risk_options()
        return None


def cells_of(model_row: RowMixin, question: Question) -> dict[str, Any]:
    if isinstance(model_row, TableRow):
        return dict(model_row.cells or {})
    # A typed row keeps a date in a Date column (a measure's due date); cells carry ISO text, as answers do.
    return {column.key: _cell(getattr(model_row, column.key)) for column in question.columns}


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _computed(question: Question, cells: Mapping[str, Any], definition: Definition) -> dict[str, Any]:
    """What a row shows beside its cells: a risk's overall level before and after measures."""
    model = definition.risk_model
    if question.row_kind is not RowKind.RISK or model is None:
        return {}
    return {"overall": rate(model, cells.get("likelihood"), cells.get("severity")),
            "residual": rate(model, cells.get("residual_likelihood"), cells.get("residual_severity"))}


# The answers and the section save counters in one statement (one round trip fewer on every revision
# page): an answer row has no lock, a counter row no value. Answers come as their stored JSON text,
# decoded only when used. Built once, like the lookups below.
_ANSWERS_AND_LOCKS = union_all(
    select(Answer.question_key.label("key"), cast(Answer.value, Text).label("value"),
           type_coerce(null(), Integer).label("lock"))
    .where(Answer.revision_id == bindparam("revision_id")),
    select(SectionSave.section_key, null(), SectionSave.lock_version)
    .where(SectionSave.revision_id == bindparam("revision_id")),
)


def load_content(revision: Revision) -> RevisionContent:
    """Load a revision's answers, rows and section counters (queries do not grow with content)."""
    definition = revision_definition(revision)
    answers: dict[str, str | None] = {}
    locks: dict[str, int] = {}
    for key, text, lock in db.session.execute(_ANSWERS_AND_LOCKS, {"revision_id": revision.id}):
        if lock is None:
            answers[key] = text
        else:
            locks[key] = lock
    kinds = {q.row_kind for q in definition.table_questions}
    rows: dict[str, list[RowView]] = {q.key: [] for q in definition.table_questions}
    for kind in kinds:
        model = ROW_MODELS[kind]
        for model_row in db.session.scalars(
            select(model).where(model.revision_id == revision.id).order_by(model.question_key, model.position)
        ):
            question = definition.question(model_row.question_key)
            if question is None or not question.is_table:
                continue  # left over from an older questionnaire version; never shown
            cells = cells_of(model_row, question)
            rows[question.key].append(RowView(model_row.row_uid, "", model_row.position, model_row.lock_version,
                                              cells, _computed(question, cells, definition)))
    return RevisionContent(revision, definition, answers, _with_refs(definition, rows), locks)


def _with_refs(definition: Definition, rows: dict[str, list[RowView]]) -> dict[str, list[RowView]]:
    """Label rows for people: risks R1, R2... across the whole revision (measures cite them),
    other rows 1, 2... within their table."""
    risk_number = 0
    labelled: dict[str, list[RowView]] = {}
    for question in definition.table_questions:
        labelled[question.key] = []
        for index, row in enumerate(rows.get(question.key, []), start=1):
            if question.row_kind is RowKind.RISK:
                risk_number += 1
                ref = f"R{risk_number}"
            else:
                ref = str(index)
            labelled[question.key].append(replace(row, ref=ref))
    return labelled


def revision_definition(revision: Revision) -> Definition:
    """The questionnaire a revision is filled against: its core version plus its add-ons, in order."""
    return combined_definition(revision.questionnaire_version, [a.questionnaire_version for a in revision.add_ons])


def revision_document(content: RevisionContent) -> dict[str, Any]:
    """The canonical content of a revision: what sign-offs are bound to, and the core of exports."""
    revision = content.revision
    versions = [revision.questionnaire_version] + [a.questionnaire_version for a in revision.add_ons]
    return canonical_document(
        questionnaires=[{"key": v.questionnaire.key, "version": v.number, "content_hash": v.content_hash}
                        for v in versions],
        question_keys=[q.key for q in content.definition.questions],
        answers=content.answers,
        rows={key: [(row.uid, row.cells) for row in rows] for key, rows in content.rows.items()},
    )


def revision_hash(content: RevisionContent) -> str:
    """The SHA-256 of the revision's canonical content."""
    return sha256(canonical_json(revision_document(content)))


def revision_editors(revision: Revision) -> set[int]:
    """Everyone who changed this revision's content (one query)."""
    sources = [select(Answer.updated_by_id).where(Answer.revision_id == revision.id),
               select(SectionSave.updated_by_id).where(SectionSave.revision_id == revision.id)]
    sources += [select(model.updated_by_id).where(model.revision_id == revision.id)
                for model in ROW_MODELS.values()]
    ids = set(db.session.scalars(union(*sources)))
    if revision.created_by_id is not None:
        ids.add(revision.created_by_id)
    ids.discard(None)
    return ids


# -- finding what the actor may see -------------------------------------------------------------

def get_visible_assessment(actor: Actor, reference: str) -> Assessment:
    """The assessment with its revisions and team, if `actor` may see it.

    :raise NotFoundError: there is none, or the actor may not see it: the same answer, so that
        references cannot be probed.
    """
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.reference == reference)
        .options(selectinload(Assessment.revisions).selectinload(Revision.created_by), joinedload(Assessment.team)))
    if assessment is None or not can_view_assessment(actor, assessment):
        raise NotFoundError(reference)
    return assessment


# Built once: every revision page starts here, and building the statement with its loader options
# costs more than running it.
_REVISION_LOOKUP = (
    select(Revision).join(Assessment)
    .where(Assessment.reference == bindparam("reference"), Revision.number == bindparam("number"))
    .options(joinedload(Revision.assessment).joinedload(Assessment.team),
             # The stored definitions are read only when this process has not converted them yet.
             joinedload(Revision.questionnaire_version).defer(QuestionnaireVersion.definition),
             # The add-ons in the same statement: every revision page builds the combined questionnaire.
             joinedload(Revision.add_ons).joinedload(RevisionAddOn.questionnaire_version)
             .defer(QuestionnaireVersion.definition)))


def get_visible_revision(actor: Actor, reference: str, number: int) -> Revision:
    """Revision `number` of the assessment, with its assessment, team and questionnaire version.

    :raise NotFoundError: as for `get_visible_assessment`, or the assessment has no such revision.
    """
    revision = db.session.scalars(_REVISION_LOOKUP, {"reference": reference, "number": number}).unique().one_or_none()
    if revision is None or not can_view_assessment(actor, revision.assessment):
        raise NotFoundError(f"{reference} revision {number}")
    return revision


def get_editable_revision(actor: Actor, reference: str, number: int) -> Revision:
    """Like `get_visible_revision`, for pages that change the revision.

    :raise PermissionDeniedError: the actor may see the revision but not change it now.
    """
    revision = get_visible_revision(actor, reference, number)
    require(can_edit_revision(actor, revision), "Only the assessment's team can change a draft revision")
    return revision
