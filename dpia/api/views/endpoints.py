"""The read API's endpoints, each with the JSON Schema of its answer beside it (the OpenAPI document
is built from these declarations, and schemathesis checks the answers against them).

Every view loads through the services the pages use, as the token's owner: what the owner may not
see on the pages is a 404 here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from flask import Response, g, jsonify, request, url_for

from dpia.api.rules import Scope, page_request
from dpia.api.services.reading import (
    AnswerItem,
    AssessmentItem,
    PublicationState,
    RowItem,
    answers_of,
    assessment_page,
    publication_state,
    rows_of,
    visible_assessment,
    visible_content,
    visible_revision,
    visible_revisions,
)
from dpia.api.views import bp
from dpia.api.views.spec import documented, page_of
from dpia.assessments.services.assessments import RevisionLine
from dpia.core import clock
from dpia.core.pagination import Page
from dpia.questionnaires.rules.definition import RowKind
from dpia.review.rules.states import RevisionState

T = TypeVar("T")

TIME = {"type": "string", "format": "date-time"}
OPTIONAL_TIME = {"type": ["string", "null"], "format": "date-time"}
STATE = {"type": "string", "enum": [state.value for state in RevisionState]}
ANY_JSON: dict[str, Any] = {}  # an answer is whatever its question type stores (text, number, list, ...)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _actor() -> Any:
    return g.api_user


def _page_json(page: Page[T], item: Callable[[T], dict[str, Any]], endpoint: str, **values: Any) -> Response:
    def link(number: int) -> str:
        return url_for(endpoint, **values, page=number, per_page=page.per_page)

    last = max(1, -(-page.total // page.per_page))
    return jsonify({"items": [item(entry) for entry in page.items], "page": page.number, "per_page": page.per_page,
                    "total": page.total, "next": link(page.number + 1) if page.number < last else None,
                    "prev": link(min(page.number - 1, last)) if page.number > 1 else None})


def _list_json(items: Sequence[T], item: Callable[[T], dict[str, Any]], endpoint: str, **values: Any) -> Response:
    """A list the revision's content already holds in full, cut into pages like the others."""
    number, per_page = page_request(request.args)
    start = (number - 1) * per_page
    return _page_json(Page(items[start:start + per_page], number, per_page, len(items)), item, endpoint, **values)


# -- assessments ------------------------------------------------------------------------------------

ASSESSMENT = {
    "type": "object",
    "required": ["reference", "title", "team", "created_at", "latest_revision", "latest_state", "url"],
    "properties": {"reference": {"type": "string"}, "title": {"type": "string"},
                   "team": {"type": "string"}, "created_at": TIME,
                   "latest_revision": {"type": "integer", "minimum": 1}, "latest_state": STATE,
                   "url": {"type": "string"}},
}


def _assessment(item: AssessmentItem) -> dict[str, Any]:
    return {"reference": item.reference, "title": item.title, "team": item.team, "created_at": _iso(item.created_at),
            "latest_revision": item.latest_revision, "latest_state": item.latest_state.value,
            "url": url_for("api.assessment", reference=item.reference)}


@bp.route("/assessments")
@documented("The assessments you may see", page_of(ASSESSMENT), paginated=True, tags=("assessments",),
            description="Your team's assessments, or every assessment for reviewers, DPOs, approvers, "
                        "administrators and FOI officers; oldest first, so pages are stable as new ones arrive.")
def assessments():
    number, per_page = page_request(request.args)
    page = assessment_page(_actor(), number=number, per_page=per_page)
    return _page_json(page, _assessment, "api.assessments")


@bp.route("/assessments/<reference>")
@documented("One assessment", ASSESSMENT, tags=("assessments",))
def assessment(reference: str):
    return jsonify(_assessment(visible_assessment(_actor(), reference)))


# -- revisions --------------------------------------------------------------------------------------

REVISION_LINE = {
    "type": "object",
    "required": ["number", "state", "regime", "created_at", "rationale", "url"],
    "properties": {"number": {"type": "integer", "minimum": 1}, "state": STATE, "regime": {"type": "string"},
                   "created_at": TIME, "rationale": {"type": ["string", "null"]}, "url": {"type": "string"}},
}
REVISION = {
    "type": "object",
    "required": ["reference", "number", "state", "regime", "created_at", "submitted_at", "approved_at",
                 "next_review_on", "rationale", "questionnaire", "links"],
    "properties": {
        "reference": {"type": "string"}, "number": {"type": "integer", "minimum": 1}, "state": STATE,
        "regime": {"type": "string"}, "created_at": TIME, "submitted_at": OPTIONAL_TIME, "approved_at": OPTIONAL_TIME,
        "next_review_on": {"type": ["string", "null"], "format": "date"}, "rationale": {"type": ["string", "null"]},
        "questionnaire": {"type": "object", "required": ["key", "version"],
                          "properties": {"key": {"type": "string"}, "version": {"type": "integer"}}},
        "links": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def _revision_line(reference: str) -> Callable[[RevisionLine], dict[str, Any]]:
    def line(item: RevisionLine) -> dict[str, Any]:
        return {"number": item.number, "state": item.state.value, "regime": item.regime.value,
                "created_at": _iso(item.created_at), "rationale": item.rationale,
                "url": url_for("api.revision", reference=reference, number=item.number)}

    return line


@bp.route("/assessments/<reference>/revisions")
@documented("The assessment's revisions, newest first", page_of(REVISION_LINE), paginated=True,
            tags=("revisions",))
def revisions(reference: str):
    number, per_page = page_request(request.args)
    page = visible_revisions(_actor(), reference, number=number, per_page=per_page)
    return _page_json(page, _revision_line(reference), "api.revisions", reference=reference)


_PARTS = ("answers", "risks", "measures", "retention_rules", "access_rules", "publication")


@bp.route("/assessments/<reference>/revisions/<int:number>")
@documented("One revision", REVISION, tags=("revisions",))
def revision(reference: str, number: int):
    found = visible_revision(_actor(), reference, number)
    version = found.questionnaire_version
    return jsonify({
        "reference": reference, "number": found.number, "state": found.state.value, "regime": found.regime.value,
        "created_at": _iso(found.created_at), "submitted_at": _iso(found.submitted_at),
        "approved_at": _iso(found.approved_at), "next_review_on": _iso(found.next_review_on),
        "rationale": found.rationale,
        "questionnaire": {"key": version.questionnaire.key, "version": version.number},
        "links": {part: url_for(f"api.{part}", reference=reference, number=number) for part in _PARTS},
    })


# -- content ----------------------------------------------------------------------------------------

ANSWER = {
    "type": "object",
    "required": ["question_key", "section_key", "question", "type", "value"],
    "properties": {"question_key": {"type": "string"}, "section_key": {"type": "string"},
                   "question": {"type": "string"}, "type": {"type": "string"}, "value": ANY_JSON},
}


def _answer(item: AnswerItem) -> dict[str, Any]:
    return {"question_key": item.question_key, "section_key": item.section_key, "question": item.question,
            "type": item.type, "value": item.value}


@bp.route("/assessments/<reference>/revisions/<int:number>/answers")
@documented("The revision's answers, in questionnaire order", page_of(ANSWER), paginated=True, tags=("content",),
            description="The questions that apply in the sections the revision is made of; tables are read "
                        "through the risks, measures, retention-rules and access-rules endpoints.")
def answers(reference: str, number: int):
    content = visible_content(_actor(), reference, number)
    return _list_json(answers_of(content), _answer, "api.answers", reference=reference, number=number)


def _row_schema(cells: dict[str, Any], computed: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {"uid": {"type": "string"}, "ref": {"type": "string"},
                                  "question_key": {"type": "string"}, "position": {"type": "integer"},
                                  "cells": {"type": "object", "properties": cells}}
    if computed is not None:
        properties["computed"] = {"type": "object", "properties": computed}
    return {"type": "object", "required": ["uid", "ref", "question_key", "position", "cells"],
            "properties": properties}


TEXT = {"type": ["string", "null"]}
RISK = _row_schema({"description": TEXT, "affected": TEXT, "likelihood": TEXT, "severity": TEXT,
                    "residual_likelihood": TEXT, "residual_severity": TEXT},
                   {"overall": TEXT, "residual": TEXT})
MEASURE = _row_schema({"description": TEXT, "risk_uids": {"type": ["array", "null"], "items": {"type": "string"}},
                       "effect": TEXT, "approved": {"type": ["boolean", "null"]}})
RETENTION_RULE = _row_schema({"data_category": TEXT, "period_days": {"type": ["integer", "null"]}, "trigger": TEXT,
                              "justification": TEXT, "exceptions": TEXT, "deletion_method": TEXT})
ACCESS_RULE = _row_schema({"data_category": TEXT, "who": TEXT, "logged": {"type": ["boolean", "null"]},
                           "notes": TEXT})


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(item: RowItem) -> dict[str, Any]:
    row = item.row
    result = {"uid": row.uid, "ref": row.ref, "question_key": item.question_key, "position": row.position,
              "cells": {key: _plain(value) for key, value in row.cells.items()}}
    if row.computed:
        result["computed"] = {key: _plain(value) for key, value in row.computed.items()}
    return result


def _rows(reference: str, number: int, kind: RowKind, endpoint: str) -> Response:
    content = visible_content(_actor(), reference, number)
    return _list_json(rows_of(content, kind), _row, endpoint, reference=reference, number=number)


@bp.route("/assessments/<reference>/revisions/<int:number>/risks")
@documented("The revision's risks, R1, R2... with their ratings before and after measures", page_of(RISK),
            paginated=True, tags=("content",))
def risks(reference: str, number: int):
    return _rows(reference, number, RowKind.RISK, "api.risks")


@bp.route("/assessments/<reference>/revisions/<int:number>/measures")
@documented("The revision's measures and the risks they address", page_of(MEASURE), paginated=True,
            tags=("content",))
def measures(reference: str, number: int):
    return _rows(reference, number, RowKind.MEASURE, "api.measures")


@bp.route("/assessments/<reference>/revisions/<int:number>/retention-rules")
@documented("The revision's retention rules (period in days: 0 = deleted at once, null = set by policy)",
            page_of(RETENTION_RULE), paginated=True, tags=("content",))
def retention_rules(reference: str, number: int):
    return _rows(reference, number, RowKind.RETENTION_RULE, "api.retention_rules")


@bp.route("/assessments/<reference>/revisions/<int:number>/access-rules")
@documented("The revision's access rules: who may see each category of data", page_of(ACCESS_RULE),
            paginated=True, tags=("content",))
def access_rules(reference: str, number: int):
    return _rows(reference, number, RowKind.ACCESS_RULE, "api.access_rules")


# -- publication ------------------------------------------------------------------------------------

PUBLICATION = {
    "type": "object",
    "required": ["reference", "number", "status", "decisions", "redactions", "publication"],
    "properties": {
        "reference": {"type": "string"}, "number": {"type": "integer"},
        "status": {"type": "string", "enum": ["not_decided", "decided", "scheduled", "published", "withdrawn"]},
        "decisions": {"type": "array", "items": {
            "type": "object",
            "required": ["decided_on", "decided_by", "scope", "planned", "current_plan", "channel", "slippages"],
            "properties": {"decided_on": {"type": "string", "format": "date"}, "decided_by": {"type": "string"},
                           "scope": {"type": "string"}, "planned": {"type": "string"},
                           "current_plan": {"type": "string"}, "channel": {"type": "string"},
                           "slippages": {"type": "array", "items": {
                               "type": "object", "required": ["previous_planned", "new_planned", "reason",
                                                              "recorded_at"],
                               "properties": {"previous_planned": {"type": "string"},
                                              "new_planned": {"type": "string"}, "reason": {"type": "string"},
                                              "recorded_at": TIME}}}}}},
        "redactions": {"type": "array", "items": {
            "type": "object", "required": ["target_type", "target_key", "exemption", "reason", "proposed"],
            "properties": {"target_type": {"type": "string"}, "target_key": {"type": "string"},
                           "exemption": {"type": "string"}, "reason": {"type": "string"},
                           "proposed": {"type": "boolean"}}}},
        "publication": {"type": ["object", "null"], "required": ["publish_at", "scheduled_at", "withdrawn_at"],
                        "properties": {"publish_at": TIME, "scheduled_at": TIME, "withdrawn_at": OPTIONAL_TIME,
                                       "content_hash": {"type": "string"}}},
    },
}


def _status(state: PublicationState) -> str:
    publication = state.publication
    if publication is not None:
        if publication.withdrawn_at is not None:
            return "withdrawn"
        return "published" if publication.publish_at <= clock.now() else "scheduled"
    return "decided" if state.decisions else "not_decided"


@bp.route("/assessments/<reference>/revisions/<int:number>/publication")
@documented("The revision's publication decisions, redactions and schedule", PUBLICATION,
            scope=Scope.PUBLICATION_READ, tags=("publication",))
def publication(reference: str, number: int):
    state = publication_state(_actor(), reference, number)
    scheduled = state.publication
    return jsonify({
        "reference": reference, "number": number, "status": _status(state),
        "decisions": [{"decided_on": _iso(d.decided_on), "decided_by": d.decided_by, "scope": d.scope.value,
                       "planned": d.planned, "current_plan": state.plans[d.id], "channel": d.channel,
                       "slippages": [{"previous_planned": s.previous_planned, "new_planned": s.new_planned,
                                      "reason": s.reason, "recorded_at": _iso(s.recorded_at)} for s in d.slippages]}
                      for d in state.decisions],
        "redactions": [{"target_type": r.target_type.value, "target_key": r.target_key, "exemption": r.exemption.value,
                        "reason": r.reason, "proposed": r.proposed} for r in state.redactions],
        "publication": None if scheduled is None else {
            "publish_at": _iso(scheduled.publish_at), "scheduled_at": _iso(scheduled.scheduled_at),
            "withdrawn_at": _iso(scheduled.withdrawn_at), "content_hash": scheduled.content_hash},
    })
