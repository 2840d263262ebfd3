"""One revision as a document: what its HTML page, PDF and JSON are all made from.

The builder is where redaction happens. A withheld section, question or row keeps only its
place and the exemption notice; its text never enters the document, so no output built from it
(page, PDF, JSON, feed, search index) can leak it. Comments and internal notes are never read here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dpia.assessments.rules.answers import display_text
from dpia.assessments.rules.risk import HeatMap, RatedRisk, heat_map, rated_risk
from dpia.assessments.rules.totals import table_totals
from dpia.core.dates import day_label
from dpia.publication.rules import Exemption, Scope, TargetType, withheld_notice
from dpia.questionnaires.rules.definition import Option, Question, QuestionType, RowKind, has_value
from dpia.review.rules.sign_off import SignOffKind


@dataclass(frozen=True)
class Withheld:
    citation: str
    reason: str
    notice: str


@dataclass(frozen=True)
class Cell:
    label: str
    text: str


@dataclass(frozen=True)
class Row:
    ref: str
    cells: tuple[Cell, ...] = ()
    withheld: Withheld | None = None


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: tuple[Cell, ...] = ()  # totals across the rows shown, for columns that ask for them
    totals_heading: str = ""  # e.g. "Totals across the deployments shown: 3 (1 withheld)"


@dataclass(frozen=True)
class Item:
    """One question and its answer: Markdown source, plain text, or a table."""

    key: str
    label: str
    markdown: str | None = None
    text: str | None = None
    table: Table | None = None
    withheld: Withheld | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...] = ()
    withheld: Withheld | None = None


@dataclass(frozen=True)
class SignOffLine:
    label: str
    position: str
    signed_on: str
    name: str | None = None  # internal documents only: officials' names are not published
    detail: str | None = None


@dataclass(frozen=True)
class ConditionLine:
    """A condition of approval as the record shows it."""

    action: str
    owner: str
    due_on: str
    status: str  # "Open", or "Done on 3 May 2018"


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file as a document lists it. A withheld one keeps only its notice: no name, size or
    type, so nothing built from the document can tell the public what it was."""

    name: str = ""
    size: str = ""
    media_type: str = ""
    type_label: str = ""
    url: str = ""
    question: str = ""  # the label of the question it is evidence for ("" for the whole revision)
    description: str = ""  # internal documents only
    withheld: Withheld | None = None


@dataclass(frozen=True)
class Document:
    organisation: str
    reference: str
    title: str
    team: str
    regime: str
    revision: int
    status: str
    written_on: str
    approved_on: str | None
    content_hash: str
    public: bool
    scope: str
    sections: tuple[Section, ...]
    sign_offs: tuple[SignOffLine, ...] = ()
    conditions: tuple[ConditionLine, ...] = ()  # conditions of approval, in the approver's order
    retention: Table | None = None
    access: Table | None = None
    heat_maps: tuple[HeatMap, HeatMap] | None = None
    published_on: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. "Only a summary of this assessment is published"
    listing_summary: str = ""  # Markdown or text that summarises the assessment in listings and feeds
    files: tuple[EvidenceFile, ...] = ()  # evidence files; a public document has only published and withheld ones

    def text_parts(self) -> list[str]:
        """Every piece of text the document shows, for the search index and for leak tests."""
        parts = [self.organisation, self.reference, self.title, self.team, self.regime, *self.notes]
        for section in self.sections:
            parts.append(section.title)
            if section.withheld:
                parts.append(section.withheld.notice)
            for item in section.items:
                parts += [item.label, item.markdown or "", item.text or ""]
                if item.withheld:
                    parts.append(item.withheld.notice)
                if item.table:
                    parts += _table_text(item.table)
        for table in (self.retention, self.access):
            if table:
                parts += _table_text(table)
        for line in self.sign_offs:
            parts += [line.label, line.position, line.detail or "", line.name or ""]
        for condition in self.conditions:
            parts += [condition.action, condition.owner]
        for evidence in self.files:
            parts += [evidence.name, evidence.description, evidence.withheld.notice if evidence.withheld else ""]
        return [p for p in parts if p]


def _table_text(table: Table) -> list[str]:
    parts = [*table.columns, table.totals_heading, *(cell.text for cell in table.totals)]
    for row in table.rows:
        parts += [cell.text for cell in row.cells]
        if row.withheld:
            parts.append(row.withheld.notice)
    return parts


@dataclass(frozen=True)
class RedactionMark:
    target_type: TargetType
    target_key: str
    exemption: Exemption
    reason: str

    @property
    def withheld(self) -> Withheld:
        return Withheld(self.exemption.citation, self.reason, withheld_notice(self.exemption, self.reason))


@dataclass(frozen=True)
class SignOffInput:
    kind: SignOffKind
    name: str
    position: str
    signed_at: datetime
    details: Mapping[str, Any]


def _day(value: datetime | date | None) -> str | None:
    return day_label(value) or None


def build_document(
    content: Any,
    *,
    organisation: str,
    regime: str,
    status: str,
    content_hash: str,
    redactions: Sequence[RedactionMark] = (),
    sign_offs: Sequence[SignOffInput] = (),
    conditions: Sequence[ConditionLine] = (),
    public: bool,
    scope: Scope = Scope.FULL,
    published_on: datetime | None = None,
    files: Sequence[Any] = (),
) -> Document:
    """Build the document for a revision's content (a `RevisionContent`).

    :param public: apply redactions and leave out officials' names and unanswered questions.
    :param files: the revision's evidence files (`dpia.attachments.services.document_files`).
    """
    revision = content.revision
    definition = content.definition
    marks = {(m.target_type, m.target_key): m for m in redactions} if public else {}
    sections: list[Section] = []
    retention_rows: list[Row] = []
    access_rows: list[Row] = []
    risks: list[RatedRisk] = []
    retention_columns: tuple[str, ...] = ()
    access_columns: tuple[str, ...] = ()
    for section in content.sections:
        mark = marks.get((TargetType.SECTION, section.key))
        if mark:
            sections.append(Section(section.key, section.title, withheld=mark.withheld))
            continue
        items: list[Item] = []
        for question in section.questions:
            if not question.applies(content.answers):
                continue
            mark = marks.get((TargetType.QUESTION, question.key))
            if mark:
                items.append(Item(question.key, question.label, withheld=mark.withheld))
                continue
            if question.is_table:
                table = _table(question, content, marks)
                if not table.rows and public:
                    continue
                items.append(Item(question.key, question.label, table=table))
                if question.row_kind is RowKind.RETENTION_RULE:
                    retention_columns, retention_rows = table.columns, retention_rows + list(table.rows)
                elif question.row_kind is RowKind.ACCESS_RULE:
                    access_columns, access_rows = table.columns, access_rows + list(table.rows)
                elif question.row_kind is RowKind.RISK:
                    risks += _rated(question, content, marks)
                continue
            value = content.answers.get(question.key)
            if not has_value(value):
                if not public:
                    items.append(Item(question.key, question.label, text="Not answered"))
                continue
            if question.type is QuestionType.MARKDOWN:
                items.append(Item(question.key, question.label, markdown=value))
            else:
                items.append(Item(question.key, question.label, text=display_text(question, value)))
        sections.append(Section(section.key, section.title, tuple(items)))

    notes: tuple[str, ...] = ()
    if public and scope is Scope.SUMMARY:
        # A summary publishes the summary and nothing else: no tables, no risk matrix.
        sections = [Section("summary", "Summary", tuple(_published_items(sections, definition.summary_questions)))]
        notes = ("Only a summary of this assessment is published.",)
        retention_rows, access_rows, risks = [], [], []
    model = content.definition.risk_model
    maps = (heat_map(model, risks, after_measures=False), heat_map(model, risks, after_measures=True)) \
        if model and risks else None
    return Document(
        organisation=organisation, reference=revision.assessment.reference, title=revision.assessment.title,
        team=revision.assessment.team.name, regime=regime, revision=revision.number, status=status,
        written_on=_day(revision.created_at) or "", approved_on=_day(revision.approved_at),
        content_hash=content_hash, public=public, scope=scope.label, sections=tuple(sections),
        sign_offs=tuple(_sign_off_line(s, public=public) for s in sign_offs), conditions=tuple(conditions),
        retention=Table(retention_columns, tuple(retention_rows)) if retention_rows else None,
        access=Table(access_columns, tuple(access_rows)) if access_rows else None,
        heat_maps=maps, published_on=_day(published_on), notes=notes,
        listing_summary=_listing_summary(sections, definition.listing_questions),
        files=() if public and scope is Scope.SUMMARY else _evidence(files, content, marks, public=public),
    )


def files_table(document: Document) -> Table | None:
    """The evidence files as a table, for the PDF and Word documents (a withheld one is its notice)."""
    if not document.files:
        return None
    rows = tuple(Row(str(number), withheld=f.withheld) if f.withheld else
                 Row(str(number), (Cell("File", f.name), Cell("Type", f.type_label), Cell("Size", f.size),
                                   Cell("Evidence for", f.question or "The whole assessment")))
                 for number, f in enumerate(document.files, start=1))
    return Table(("File", "Type", "Size", "Evidence for"), rows)


def _evidence(files: Sequence[Any], content: Any, marks: Mapping[tuple[TargetType, str], RedactionMark], *,
              public: bool) -> tuple[EvidenceFile, ...]:
    """The evidence files the document lists. Publicly: those a DPO chose to publish, with their public
    address, and those withheld as their notice alone; a file a DPO has not decided on is left out, and a
    file on a withheld question or section is withheld with that part (its name could tell what it says)."""
    listed: list[EvidenceFile] = []
    for item in files:
        question = content.definition.question(item.question_key) if item.question_key else None
        label = question.label if question is not None else ""
        if not public:
            listed.append(EvidenceFile(item.name, item.size, item.media_type, item.type_label, item.staff_url, label,
                                       item.description or ""))
            continue
        part = _withholding_part(content, item.question_key, marks)
        if item.exemption is not None:
            listed.append(EvidenceFile(question=label if part is None else "", withheld=Withheld(
                item.exemption.citation, item.reason or "", withheld_notice(item.exemption, item.reason or ""))))
        elif part is not None:
            listed.append(EvidenceFile(withheld=part.withheld))
        elif item.published:
            listed.append(EvidenceFile(item.name, item.size, item.media_type, item.type_label, item.public_url, label))
    return tuple(listed)


def _withholding_part(content: Any, question_key: str | None,
                      marks: Mapping[tuple[TargetType, str], RedactionMark]) -> RedactionMark | None:
    """The redaction of the question (or its section) a file is evidence for, if there is one."""
    if not question_key:
        return None
    mark = marks.get((TargetType.QUESTION, question_key))
    if mark is not None:
        return mark
    section = next((s for s in content.definition.sections if any(q.key == question_key for q in s.questions)), None)
    return marks.get((TargetType.SECTION, section.key)) if section is not None else None


def _published_items(sections: Sequence[Section], keys: Sequence[str]) -> list[Item]:
    """The items for `keys`, in that order, that the document shows (answered and not withheld)."""
    shown = {item.key: item for section in sections for item in section.items if not item.withheld}
    return [shown[key] for key in keys if key in shown]


def _listing_summary(sections: Sequence[Section], keys: Sequence[str]) -> str:
    """The first of the definition's listing questions that the document shows, as its source text."""
    return next((item.markdown or item.text or "" for item in _published_items(sections, keys)), "")


def _table(question: Question, content: Any, marks: Mapping[tuple[TargetType, str], RedactionMark]) -> Table:
    columns = [c for c in question.columns]
    rows: list[Row] = []
    for row in content.rows.get(question.key, ()):
        mark = marks.get((TargetType.ROW, row.uid))
        if mark:
            rows.append(Row(row.ref, withheld=mark.withheld))
            continue
        cells = tuple(Cell(column.label, display_text(column, row.cells.get(column.key),
                                                      options=_options(column, content, marks), row=row.cells))
                      for column in columns)
        if question.row_kind is RowKind.RISK:
            model = content.definition.risk_model
            cells += (Cell("Overall risk", (model.level_label(row.computed.get("overall")) if model else None)
                           or "Not rated"),
                      Cell("Risk after measures", (model.level_label(row.computed.get("residual")) if model else None)
                           or "Not rated"))
        rows.append(Row(row.ref, cells))
    labels = tuple(c.label for c in columns)
    if question.row_kind is RowKind.RISK:
        labels += ("Overall risk", "Risk after measures")
    return Table(labels, tuple(rows), *_totals(question, content, marks))


def _totals(question: Question, content: Any,
            marks: Mapping[tuple[TargetType, str], RedactionMark]) -> tuple[tuple[Cell, ...], str]:
    """Totals over the rows the document shows: a withheld row's figures must not leak through a sum."""
    shown = [row.cells for row in content.rows.get(question.key, ()) if (TargetType.ROW, row.uid) not in marks]
    totals = table_totals(question.columns, shown, noun=question.row_noun)
    if not totals:
        return (), ""
    withheld = len(content.rows.get(question.key, ())) - len(shown)
    heading = f"Totals across the {question.row_noun} shown: {len(shown)}"
    if withheld:
        heading += f" ({withheld} withheld)"
    return tuple(Cell(total.label, total.text) for total in totals), heading


def _options(column: Any, content: Any, marks: Mapping[tuple[TargetType, str], RedactionMark]) -> Any:
    """Choices to show a cell with. A measure names its risk as "R3: first line of the risk"; when
    that risk row is withheld, only "R3 (withheld)" may appear, or the measure would leak it."""
    options = content.options_for(column)
    if column.options_from != "risks" or options is None:
        return options
    refs = {row.uid: row.ref for row in content.risk_rows()}
    return tuple(Option(o.value, f"{refs.get(o.value, '')} (withheld)") if (TargetType.ROW, o.value) in marks else o
                 for o in options)


def _rated(question: Question, content: Any, marks: Mapping[tuple[TargetType, str], RedactionMark]) -> list[RatedRisk]:
    return [rated_risk(row.ref, row.cells) for row in content.rows.get(question.key, ())
            if (TargetType.ROW, row.uid) not in marks]


def _sign_off_line(record: SignOffInput, *, public: bool) -> SignOffLine:
    lines = record.kind.spec.published_lines(record.details)
    return SignOffLine(record.kind.label, record.position, _day(record.signed_at) or "",
                       name=None if public else record.name, detail="; ".join(lines) or None)


def document_from_data(data: Mapping[str, Any]) -> Document:
    """The document again from its stored JSON form (`dataclasses.asdict` of it), so the worker renders
    a publication's PDF and Word file from exactly the document its page and JSON were made from,
    whatever has happened to the revision since.

    :raise ValueError: the data is not a document of this shape.
    """
    document = _rebuilt(Document, data)
    assert isinstance(document, Document)
    return document


def _rebuilt(kind: Any, value: Any) -> Any:
    """`value` as an instance of the type `kind`: dataclasses, tuples, optionals and plain values."""
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, Mapping):
            raise ValueError(f"{kind.__name__} expected")
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _rebuilt(hints[f.name], value[f.name])
                       for f in dataclasses.fields(kind) if f.name in value})
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in arguments:
            return None
        return _rebuilt(next(a for a in arguments if a is not type(None)), value)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ValueError("a list expected")
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_rebuilt(arguments[0], item) for item in value)
        return tuple(_rebuilt(item_kind, item) for item_kind, item in zip(arguments, value, strict=True))
    return value
