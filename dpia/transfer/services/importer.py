"""Import an export file as a new assessment, all or nothing.

The file is read and checked in full first (size, nesting, JSON, schema, then the cross-references
and every hash), so a bad file is refused before anything is written; whatever fails later still
rolls back with the command or the page that asked. Rows are inserted in the file's order, so the new database
numbers them in the same order and an export of the import gives the same bytes. Evidence files' bytes are
written to the attachment store as the import runs (see `evidence.py` for why a rollback leaves no harm).

Writes other areas' models directly: an import restores stored history (states, times, signatures,
bundles) that no service would let anyone write, and it does so only for an administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, StatementError

from dpia.accounts.services.users import get_or_create_team
from dpia.assessments.models import Answer, Assessment, Revision, RevisionAddOn, SectionSave
from dpia.assessments.rules.regimes import Regime
from dpia.core.audit.services import record_event
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.core.permissions import Actor, require
from dpia.foi.models import FoiItem, FoiRequest
from dpia.foi.rules import Answer as FoiAnswer
from dpia.foi.rules import NcndProvision, ReviewOutcome
from dpia.permissions import can_transfer
from dpia.publication.rules import Exemption
from dpia.publication.services.listing import refresh_entries
from dpia.review.models import ApprovalCondition, Comment, Decision, RevisionDecision, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import RevisionState
from dpia.transfer.rules.reading import DEFAULT_MAX_BYTES, FileProblem, parse
from dpia.transfer.services.audit_slice import check_audit, import_audit
from dpia.transfer.services.evidence import check_evidence, import_evidence
from dpia.transfer.services.export import ROW_FIELDS, ROW_KIND_NAMES
from dpia.transfer.services.publications import check_publication, import_publication_parts
from dpia.transfer.services.questionnaires import PinKey, check_questionnaires, import_questionnaires, pin_key
from dpia.transfer.services.values import People, check_columns, column_values, read_day, read_moment

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ROW_MODELS_BY_KIND = {name: model for model, name in ROW_KIND_NAMES.items()}


class ImportRefused(ValidationError):
    """The file, or the reference it would take, cannot be imported; the message says what to fix, and
    `about` which input to fix ("file" or "reference")."""

    def __init__(self, message: str, *, about: str = "file") -> None:
        super().__init__(message)
        self.about = about


@dataclass(frozen=True)
class ImportResult:
    assessment: Assessment
    people_created: int


def import_assessment(*, actor: Actor | None, now: datetime, data: bytes, reference: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES) -> ImportResult:
    """Import an export file's bytes as a new assessment, under `reference` or the file's own.

    `actor` is None only for the command line, which is trusted.

    :raise ImportRefused: the file is malformed or tampered with, or the reference is taken or invalid.
    """
    if actor is not None:
        require(can_transfer(actor), "Only administrators import assessments")
    try:
        document = parse(data, max_bytes=max_bytes)
        check_document(document)
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None
    new_reference = (reference or "").strip() or document["assessment"]["reference"]
    check_reference(new_reference, given=bool(reference and reference.strip()))
    try:
        with db.session.begin_nested():  # a value the database refuses undoes only this import
            assessment, people = _store(document, new_reference, now=now)
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None
    except (DBAPIError, StatementError) as error:
        raise ImportRefused("The database refused a value in the file (a text longer than its field allows, "
                            f"say): {type(getattr(error, 'orig', error)).__name__}. Nothing was imported.") from None
    record_event(actor=actor, now=now, action="transfer.import", object_type="assessment", object_id=assessment.id,
                 summary={"reference": new_reference, "source_reference": document["assessment"]["reference"],
                          "file_sha256": sha256(data), "audit_rows": len(document["audit"]),
                          "accounts_created": len(people.created)})
    return ImportResult(assessment, len(people.created))


def check_reference(reference: str, *, given: bool) -> None:
    if not REFERENCE.match(reference):
        raise ImportRefused(f"{reference[:60]!r} cannot be a reference: use up to 40 letters, digits, dots, hyphens "
                            "or underscores, starting with a letter or digit.", about="reference")
    if db.session.scalar(select(Assessment.id).where(Assessment.reference == reference)) is not None:
        how = "another" if given else "a new"
        raise ImportRefused(f"An assessment with the reference {reference} already exists. Import the file under "
                            f"{how} reference with --as NEW-REFERENCE (on the admin page: \"New reference\").",
                            about="reference")


def check_document(document: dict[str, Any]) -> None:
    """The checks the schema cannot make: numbers unique, cross-references resolvable, hashes matching.

    :raise FileProblem: naming the first value that is wrong.
    """
    check_questionnaires(document)
    revision_numbers = [revision["number"] for revision in document["revisions"]]
    _unique(revision_numbers, "$.revisions", "revision number")
    decision_numbers = [decision["number"] for decision in document["decisions"]]
    _unique(decision_numbers, "$.decisions", "decision number")
    for index, revision in enumerate(document["revisions"]):
        path = f"$.revisions[{index}]"
        if revision["based_on"] is not None and revision["based_on"] not in revision_numbers:
            raise FileProblem(f"At {path}.based_on: there is no revision {revision['based_on']}.")
        _unique([row["uid"] for row in revision["rows"]], f"{path}.rows", "row uid")
        for n, row in enumerate(revision["rows"]):
            where = f"{path}.rows[{n}].values"
            model = ROW_MODELS_BY_KIND[row["kind"]]
            check_columns(row["values"], model, ROW_FIELDS, where)
            column_values(row["values"], model, ROW_FIELDS, where)
        _unique([answer["question_key"] for answer in revision["answers"]], f"{path}.answers", "question key")
        _unique([save["section_key"] for save in revision["sections_saved"]], f"{path}.sections_saved",
                "section key")
        comments = [comment["number"] for comment in revision["comments"]]
        _unique(comments, f"{path}.comments", "comment number")
        for n, comment in enumerate(revision["comments"]):
            if comment["parent"] is not None and comment["parent"] not in comments[:n]:
                raise FileProblem(f"At {path}.comments[{n}].parent: there is no earlier comment {comment['parent']}.")
        for n, number in enumerate(revision["decisions"]):
            if number not in decision_numbers:
                raise FileProblem(f"At {path}.decisions[{n}]: there is no decision {number}.")
        _unique([(r["target_type"], r["target_key"]) for r in revision["redactions"]], f"{path}.redactions",
                "redaction target")
        _unique([c["position"] for c in revision["conditions"]], f"{path}.conditions", "condition position")
        check_publication(revision, path)
        check_evidence(revision, path)
    for index, foi in enumerate(document["foi_requests"]):
        if foi["revision"] is not None and foi["revision"] not in revision_numbers:
            raise FileProblem(f"At $.foi_requests[{index}].revision: there is no revision {foi['revision']}.")
        _unique([item["position"] for item in foi["items"]], f"$.foi_requests[{index}].items", "item position")
    check_audit(document)


def _unique(values: list[Any], path: str, what: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise FileProblem(f"At {path}[{index}]: the {what} {value} appears twice.")
        seen.add(value)


def _store(document: dict[str, Any], reference: str, *, now: datetime) -> tuple[Assessment, People]:
    people = People()
    versions = import_questionnaires(document)
    head = document["assessment"]
    assessment = Assessment(reference=reference, title=head["title"], team=get_or_create_team(head["team"], now=now),
                            created_at=read_moment(head["created_at"], "$.assessment.created_at"),
                            created_by_id=people.account(head["created_by"], now=now))
    db.session.add(assessment)
    db.session.flush()
    decisions: dict[int, Decision] = {}
    for index, entry in enumerate(document["decisions"]):
        path = f"$.decisions[{index}]"
        decision = Decision(assessment_id=assessment.id, decided_on=read_day(entry["decided_on"], f"{path}.decided_on"),
                            decision=entry["decision"], made_by=entry["made_by"], forum=entry["forum"],
                            created_at=read_moment(entry["created_at"], f"{path}.created_at"),
                            created_by_id=people.account(entry["created_by"], now=now))
        db.session.add(decision)
        decisions[entry["number"]] = decision
    db.session.flush()
    revisions: dict[int, Revision] = {}
    for index, entry in enumerate(document["revisions"]):
        revisions[entry["number"]] = _revision(assessment, entry, versions, decisions, people, now=now,
                                               path=f"$.revisions[{index}]")
    for entry in document["revisions"]:
        if entry["based_on"] is not None:
            revisions[entry["number"]].based_on_id = revisions[entry["based_on"]].id
    for index, entry in enumerate(document["foi_requests"]):
        _foi_request(assessment, entry, revisions, people, now=now, path=f"$.foi_requests[{index}]")
    import_audit(assessment, document, people, now=now)
    db.session.flush()
    refresh_entries(assessment.id, now=now)
    return assessment, people


def _revision(assessment: Assessment, entry: dict[str, Any], versions: dict[PinKey, Any],
              decisions: dict[int, Decision], people: People, *, now: datetime, path: str) -> Revision:
    revision = Revision(
        assessment_id=assessment.id, number=entry["number"], state=RevisionState(entry["state"]),
        regime=Regime(entry["regime"]), questionnaire_version=versions[pin_key(entry["questionnaire"])],
        rationale=entry["rationale"], created_at=read_moment(entry["created_at"], f"{path}.created_at"),
        created_by_id=people.account(entry["created_by"], now=now),
        submitted_at=read_moment(entry["submitted_at"], f"{path}.submitted_at"),
        approved_at=read_moment(entry["approved_at"], f"{path}.approved_at"),
        approved_by_id=people.account(entry["approved_by"], now=now),
        next_review_on=read_day(entry["next_review_on"], f"{path}.next_review_on"))
    revision.add_ons = [RevisionAddOn(questionnaire_version=versions[pin_key(add_on)], position=position)
                        for position, add_on in enumerate(entry["add_ons"])]
    db.session.add(revision)
    db.session.flush()
    for n, save in enumerate(entry["sections_saved"]):
        db.session.add(SectionSave(revision_id=revision.id, section_key=save["section_key"],
                                   updated_at=read_moment(save["updated_at"], f"{path}.sections_saved[{n}].updated_at"),
                                   updated_by_id=people.account(save["updated_by"], now=now)))
    for n, answer in enumerate(entry["answers"]):
        db.session.add(Answer(revision_id=revision.id, question_key=answer["question_key"], value=answer["value"],
                              updated_at=read_moment(answer["updated_at"], f"{path}.answers[{n}].updated_at"),
                              updated_by_id=people.account(answer["updated_by"], now=now)))
    for n, row in enumerate(entry["rows"]):
        model = ROW_MODELS_BY_KIND[row["kind"]]
        db.session.add(model(revision_id=revision.id, question_key=row["question_key"], row_uid=row["uid"],
                             position=row["position"], updated_at=read_moment(row["updated_at"],
                                                                              f"{path}.rows[{n}].updated_at"),
                             updated_by_id=people.account(row["updated_by"], now=now),
                             **column_values(row["values"], model, ROW_FIELDS, f"{path}.rows[{n}].values")))
    _comments(revision, entry["comments"], people, now=now, path=f"{path}.comments")
    for n, sign_off in enumerate(entry["sign_offs"]):
        db.session.add(SignOff(revision_id=revision.id, kind=SignOffKind(sign_off["kind"]),
                               signer_id=people.account(sign_off["signer"], now=now),
                               signer_name=sign_off["signer_name"], signer_position=sign_off["signer_position"],
                               signed_at=read_moment(sign_off["signed_at"], f"{path}.sign_offs[{n}].signed_at"),
                               notes=sign_off["notes"], details=sign_off["details"],
                               content_hash=sign_off["content_hash"]))
    for number in entry["decisions"]:
        db.session.add(RevisionDecision(revision_id=revision.id, decision_id=decisions[number].id))
    for n, condition in enumerate(entry["conditions"]):
        where = f"{path}.conditions[{n}]"
        db.session.add(ApprovalCondition(
            revision_id=revision.id, position=condition["position"], action=condition["action"],
            owner=condition["owner"], due_on=read_day(condition["due_on"], f"{where}.due_on"),
            created_at=read_moment(condition["created_at"], f"{where}.created_at"),
            created_by_id=people.account(condition["created_by"], now=now),
            done_at=read_moment(condition["done_at"], f"{where}.done_at"),
            done_by_id=people.account(condition["done_by"], now=now), done_note=condition["done_note"]))
    db.session.flush()
    import_publication_parts(revision, entry, people, now=now, path=path)
    import_evidence(revision, entry, people, now=now, path=path)
    return revision


def _comments(revision: Revision, entries: list[dict[str, Any]], people: People, *, now: datetime,
              path: str) -> None:
    stored: dict[int, Comment] = {}
    for n, entry in enumerate(entries):
        parent = stored.get(entry["parent"]) if entry["parent"] is not None else None
        comment = Comment(revision_id=revision.id, question_key=entry["question_key"],
                          parent_id=parent.id if parent else None, author_id=people.account(entry["author"], now=now),
                          body=entry["body"], created_at=read_moment(entry["created_at"], f"{path}[{n}].created_at"),
                          resolved_at=read_moment(entry["resolved_at"], f"{path}[{n}].resolved_at"),
                          resolved_by_id=people.account(entry["resolved_by"], now=now))
        db.session.add(comment)
        db.session.flush()
        stored[entry["number"]] = comment


def _foi_request(assessment: Assessment, entry: dict[str, Any], revisions: dict[int, Revision], people: People, *,
                 now: datetime, path: str) -> None:
    foi = FoiRequest(
        assessment_id=assessment.id, reference=entry["reference"],
        received_at=read_moment(entry["received_at"], f"{path}.received_at"), request_text=entry["request_text"],
        requester_name=entry["requester_name"],
        revision_id=revisions[entry["revision"]].id if entry["revision"] is not None else None,
        due_on=read_day(entry["due_on"], f"{path}.due_on"), sent_on=read_day(entry["sent_on"], f"{path}.sent_on"),
        review_requested_on=read_day(entry["review_requested_on"], f"{path}.review_requested_on"),
        review_outcome=ReviewOutcome(entry["review_outcome"]) if entry["review_outcome"] else None,
        review_decided_on=read_day(entry["review_decided_on"], f"{path}.review_decided_on"),
        s22_conclusion=entry["s22_conclusion"], created_at=read_moment(entry["created_at"], f"{path}.created_at"),
        created_by_id=people.account(entry["created_by"], now=now))
    foi.items = [FoiItem(
        position=item["position"], text=item["text"], parts=item["parts"],
        answer=FoiAnswer(item["answer"]) if item["answer"] else None, published_url=item["published_url"],
        exemption=Exemption(item["exemption"]) if item["exemption"] else None,
        ncnd=NcndProvision(item["ncnd"]) if item["ncnd"] else None, pit_for=item["pit_for"],
        pit_against=item["pit_against"], pit_conclusion=item["pit_conclusion"],
        answered_at=read_moment(item["answered_at"], f"{path}.items[{n}].answered_at"),
        answered_by_id=people.account(item["answered_by"], now=now)) for n, item in enumerate(entry["items"])]
    db.session.add(foi)
    db.session.flush()
