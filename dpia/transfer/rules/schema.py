"""The JSON Schema (draft 2020-12) of the assessment export format, version 1.

Written out by hand, property by property, so that a change to the format is a reviewed change here
(and to docs/export-format.md). Every object lists its keys, requires them all and refuses others,
except a publication, whose stored columns are exported generically so that a newer column travels
without a format change, and a revision's `cnil_annex`, present only when the revision has one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from dpia.assessments.rules.regimes import Regime
from dpia.attachments.rules import Choice, FileType
from dpia.foi.rules import Answer, NcndProvision, ReviewOutcome
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.questionnaires.rules.definition import QuestionnaireKind
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import RevisionState

FORMAT = "dpia-assessment-export"
VERSION = 1
SCHEMA_ID = "/api/schema/assessment-export.json"
ROW_KINDS = ("risk", "measure", "retention_rule", "access_rule", "table")

STRING: dict[str, Any] = {"type": "string"}
TEXT_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
HASH: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
# Times are UTC, written by Python's isoformat: seconds always, microseconds when there are any.
DATE_TIME: dict[str, Any] = {"type": "string",
                             "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$"}
DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
INT_MAX = 2**31 - 1  # the databases' integer columns
NUMBER: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": INT_MAX}
POSITION: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": INT_MAX}
ANY: dict[str, Any] = {}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def enum_of(enum_class: type[StrEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in enum_class]}


def record(properties: dict[str, Any], *, extra: dict[str, Any] | bool = False) -> dict[str, Any]:
    """An object with exactly these keys, all required (a value may still be null where allowed)."""
    return {"type": "object", "properties": properties, "required": sorted(properties),
            "additionalProperties": extra}


def listing(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


PERSON = {"$ref": "#/$defs/person"}
PERSON_OR_NULL = nullable(PERSON)
PIN = {"$ref": "#/$defs/questionnaire_pin"}

_ROW_VALUES: dict[str, dict[str, Any]] = {
    "risk": record({"description": STRING, "affected": TEXT_OR_NULL, "risk_model_key": STRING,
                    "likelihood": TEXT_OR_NULL, "severity": TEXT_OR_NULL, "overall": TEXT_OR_NULL,
                    "residual_likelihood": TEXT_OR_NULL, "residual_severity": TEXT_OR_NULL,
                    "residual": TEXT_OR_NULL}),
    "measure": record({"risk_uids": nullable(listing(STRING)), "description": STRING, "effect": TEXT_OR_NULL,
                       "approved": {"type": ["boolean", "null"]}}),
    "retention_rule": record({"data_category": STRING, "period_days": {"type": ["integer", "null"]},
                              "trigger": TEXT_OR_NULL, "justification": TEXT_OR_NULL,
                              "exceptions": TEXT_OR_NULL, "deletion_method": TEXT_OR_NULL}),
    "access_rule": record({"data_category": STRING, "who": STRING, "logged": {"type": ["boolean", "null"]},
                           "notes": TEXT_OR_NULL}),
    "table": record({"cells": {"type": "object"}}),
}


def _growing(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values: the version 1 columns, plus any column a newer service stores (a scalar each)."""
    return {**values, "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}


def _row() -> dict[str, Any]:
    common = {"kind": STRING, "question_key": STRING, "uid": {"type": "string", "minLength": 1, "maxLength": 32},
              "position": {"type": "integer", "minimum": -INT_MAX, "maximum": INT_MAX}, "updated_at": DATE_TIME,
              "updated_by": PERSON_OR_NULL, "values": {"type": "object"}}
    schema = record(common)
    schema["properties"]["kind"] = {"enum": list(ROW_KINDS)}
    schema["allOf"] = [{"if": {"properties": {"kind": {"const": kind}}},
                        "then": {"properties": {"values": _growing(values)}}} for kind, values in _ROW_VALUES.items()]
    return schema


_COMMENT = record({"number": NUMBER, "parent": nullable(NUMBER), "question_key": TEXT_OR_NULL, "author": PERSON,
                   "body": STRING, "created_at": DATE_TIME, "resolved_at": nullable(DATE_TIME),
                   "resolved_by": PERSON_OR_NULL})
_SIGN_OFF = record({"kind": enum_of(SignOffKind), "signer": PERSON, "signer_name": STRING,
                    "signer_position": STRING, "signed_at": DATE_TIME, "notes": TEXT_OR_NULL,
                    "details": {"type": "object"}, "content_hash": HASH})
_CONDITION = record({"position": POSITION, "action": STRING, "owner": STRING, "due_on": DATE,
                     "created_at": DATE_TIME, "created_by": PERSON, "done_at": nullable(DATE_TIME),
                     "done_by": PERSON_OR_NULL, "done_note": TEXT_OR_NULL})
_SLIPPAGE = record({"previous_planned": STRING, "new_planned": STRING, "reason": STRING,
                    "recorded_at": DATE_TIME, "recorded_by": PERSON})
_PUBLICATION_DECISION = record({"number": NUMBER, "decided_on": DATE, "decided_by": STRING,
                                "scope": enum_of(Scope), "planned": STRING, "channel": STRING,
                                "recorded_at": DATE_TIME, "recorded_by": PERSON, "slippages": listing(_SLIPPAGE)})
_REDACTION = record({"target_type": enum_of(TargetType), "target_key": STRING, "exemption": enum_of(Exemption),
                     "reason": STRING, "created_at": DATE_TIME, "created_by": PERSON,
                     "carried_from": nullable(NUMBER), "proposed": {"type": "boolean"}})
_SCALAR = {"type": ["string", "number", "boolean", "null"]}
_PUBLIC_RETENTION_RULE = record({"position": POSITION, "data_category": STRING,
                                 "period_days": {"type": ["integer", "null"]}, "trigger": STRING,
                                 "justification": STRING, "exceptions": TEXT_OR_NULL, "deletion_method": STRING},
                                extra=_SCALAR)
# The columns every publication has; a newer column appears as one more scalar key.
_PUBLICATION = record({
    "revision_number": NUMBER, "decision": NUMBER, "publish_at": DATE_TIME, "scheduled_at": DATE_TIME,
    "scheduled_by": PERSON, "title": STRING, "team_name": STRING, "summary": STRING, "search_text": STRING,
    "html": STRING, "html_sha256": HASH,
    # Built by the worker after scheduling, so null in an export taken before it ran.
    "pdf": {"type": ["string", "null"], "contentEncoding": "base64"}, "pdf_sha256": nullable(HASH),
    "json": STRING, "json_sha256": HASH, "content_hash": HASH,
    "withdrawn_at": nullable(DATE_TIME), "withdrawn_reason": TEXT_OR_NULL, "withdrawn_by": PERSON_OR_NULL,
    "public_retention_rules": listing(_PUBLIC_RETENTION_RULE),
}, extra=_SCALAR)
# An evidence file: the attachments area's metadata (people and times in the format's terms) and its
# bytes as base64; `sha256` is of the decoded bytes.
_ATTACHMENT = record({
    "question_key": TEXT_OR_NULL, "filename": {"type": "string", "minLength": 1, "maxLength": 255},
    "file_type": enum_of(FileType), "size": NUMBER, "sha256": HASH, "description": TEXT_OR_NULL,
    "uploaded_at": DATE_TIME, "uploaded_by": PERSON_OR_NULL, "publication": enum_of(Choice),
    "exemption": nullable(enum_of(Exemption)), "publication_reason": TEXT_OR_NULL,
    "publication_set_at": nullable(DATE_TIME), "publication_set_by": PERSON_OR_NULL,
    "content": {"type": "string", "contentEncoding": "base64"},
})
# What a CNIL import kept that has no place in our records (only revisions imported from CNIL have it).
_CNIL_ANNEX = record({"source_kind": {"enum": ["pia", "structure"]},
                      "source_name": {"type": "string", "maxLength": 300}, "fields": {"type": "object"},
                      "report": listing({"type": "object"}), "imported_at": DATE_TIME,
                      "imported_by": PERSON_OR_NULL})

_REVISION = record({
    "number": NUMBER, "state": enum_of(RevisionState), "regime": enum_of(Regime), "questionnaire": PIN,
    "add_ons": listing(PIN), "rationale": TEXT_OR_NULL, "created_at": DATE_TIME, "created_by": PERSON_OR_NULL,
    "submitted_at": nullable(DATE_TIME), "approved_at": nullable(DATE_TIME), "approved_by": PERSON_OR_NULL,
    "next_review_on": nullable(DATE), "based_on": nullable(NUMBER),
    "sections_saved": listing(record({"section_key": STRING, "updated_at": DATE_TIME,
                                      "updated_by": PERSON_OR_NULL})),
    "answers": listing(record({"question_key": STRING, "value": ANY, "updated_at": DATE_TIME,
                               "updated_by": PERSON_OR_NULL})),
    "rows": listing({"$ref": "#/$defs/row"}),
    "comments": listing(_COMMENT),
    "sign_offs": listing(_SIGN_OFF),
    "decisions": listing(NUMBER),
    "conditions": listing(_CONDITION),
    "publication_decisions": listing(_PUBLICATION_DECISION),
    "redactions": listing(_REDACTION),
    "publication": nullable(_PUBLICATION),
    "attachments": listing(_ATTACHMENT),
})
_REVISION["properties"]["cnil_annex"] = _CNIL_ANNEX  # optional: written only when the revision has one
_DECISION = record({"number": NUMBER, "decided_on": DATE, "decision": STRING, "made_by": STRING, "forum": STRING,
                    "created_at": DATE_TIME, "created_by": PERSON_OR_NULL})
_FOI_ITEM = record({"position": POSITION, "text": STRING, "parts": listing(STRING),
                    "answer": nullable(enum_of(Answer)),
                    "published_url": TEXT_OR_NULL, "exemption": nullable(enum_of(Exemption)),
                    "ncnd": nullable(enum_of(NcndProvision)), "pit_for": TEXT_OR_NULL, "pit_against": TEXT_OR_NULL,
                    "pit_conclusion": TEXT_OR_NULL, "answered_at": nullable(DATE_TIME),
                    "answered_by": PERSON_OR_NULL})
_FOI_REQUEST = record({"reference": STRING, "received_at": DATE_TIME, "request_text": STRING,
                       "requester_name": STRING, "revision": nullable(NUMBER), "due_on": DATE,
                       "sent_on": nullable(DATE), "review_requested_on": nullable(DATE),
                       "review_outcome": nullable(enum_of(ReviewOutcome)), "review_decided_on": nullable(DATE),
                       "s22_conclusion": TEXT_OR_NULL, "created_at": DATE_TIME, "created_by": PERSON,
                       "items": listing(_FOI_ITEM)})
_QUESTIONNAIRE = record({"key": STRING, "title": STRING, "kind": enum_of(QuestionnaireKind), "version": NUMBER,
                         "label": STRING, "content_hash": HASH, "created_at": DATE_TIME,
                         "definition": {"type": "object"}})
# The audit row exactly as the source database hashed it: ids there are the source database's own.
_AUDIT_RECORD = record({"occurred_at": STRING, "actor_id": {"type": ["integer", "null"]}, "action": STRING,
                        "object_type": STRING, "object_id": TEXT_OR_NULL, "summary": {"type": "object"}})
_AUDIT_ROW = record({"record": _AUDIT_RECORD, "prev_hash": HASH, "entry_hash": HASH, "actor": PERSON_OR_NULL,
                     "revision": nullable(NUMBER)})


def export_schema() -> dict[str, Any]:
    """The schema document, as served at /api/schema/assessment-export.json."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "DPIA assessment export, version 1",
        "description": "One assessment with every revision, its review, publication and audit history. "
                       "See docs/export-format.md.",
        "$defs": {
            "person": record({"email": {"type": "string", "minLength": 3, "maxLength": 254},
                              "name": {"type": "string", "maxLength": 200}}),
            "questionnaire_pin": record({"key": STRING, "version": NUMBER, "content_hash": HASH}),
            "row": _row(),
        },
        **record({
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "assessment": record({"reference": {"type": "string", "minLength": 1, "maxLength": 40},
                                  "title": {"type": "string", "maxLength": 300},
                                  "team": {"type": "string", "minLength": 1, "maxLength": 200},
                                  "created_at": DATE_TIME,
                                  "created_by": PERSON_OR_NULL}),
            "questionnaires": listing(_QUESTIONNAIRE),
            "revisions": {**listing(_REVISION), "minItems": 1},
            "decisions": listing(_DECISION),
            "foi_requests": listing(_FOI_REQUEST),
            "audit": listing(_AUDIT_ROW),
        }),
    }
