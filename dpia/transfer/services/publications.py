"""A revision's publication track in the format: decisions to publish and their slippage, redactions,
and the stored public bundle, each in both directions.

The publication row is written column by column from the table itself (every column but the ids),
so a column added later travels in the file without a change here: times and dates as text, bytes
as base64. Its hashes are checked against its content on import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dpia.assessments.models import Revision
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.documents.services.public_files import queue_public_files
from dpia.publication.models import Publication, PublicationDecision, PublicRetentionRule, Redaction, Slippage
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.transfer.rules.reading import FileProblem
from dpia.transfer.services.values import (
    People,
    check_columns,
    column_values,
    columns_of,
    day,
    moment,
    plain,
    read_day,
    read_moment,
)

# Columns written under another name or not at all: ids become numbers and people.
_PUBLICATION_IDS = {"id", "assessment_id", "revision_id", "decision_id", "scheduled_by_id", "withdrawn_by_id"}
_RULE_IDS = {"id", "publication_id"}


def export_publication_parts(revision: Revision, people: People) -> dict[str, Any]:
    decisions = list(db.session.scalars(select(PublicationDecision).where(
        PublicationDecision.revision_id == revision.id).order_by(PublicationDecision.recorded_at,
                                                                 PublicationDecision.id)))
    numbers = {decision.id: index for index, decision in enumerate(decisions, start=1)}
    redactions = db.session.scalars(select(Redaction).where(Redaction.revision_id == revision.id)
                                    .order_by(Redaction.target_type, Redaction.target_key))
    publication = db.session.scalar(select(Publication).where(Publication.revision_id == revision.id))
    return {
        "publication_decisions": [{
            "number": numbers[d.id], "decided_on": day(d.decided_on), "decided_by": d.decided_by,
            "scope": d.scope.value, "planned": d.planned, "channel": d.channel, "recorded_at": moment(d.recorded_at),
            "recorded_by": people.of(d.recorded_by_id),
            "slippages": [{"previous_planned": s.previous_planned, "new_planned": s.new_planned, "reason": s.reason,
                           "recorded_at": moment(s.recorded_at), "recorded_by": people.of(s.recorded_by_id)}
                          for s in db.session.scalars(select(Slippage).where(Slippage.decision_id == d.id)
                                                      .order_by(Slippage.recorded_at, Slippage.id))],
        } for d in decisions],
        "redactions": [{"target_type": r.target_type.value, "target_key": r.target_key,
                        "exemption": r.exemption.value, "reason": r.reason, "created_at": moment(r.created_at),
                        "created_by": people.of(r.created_by_id), "carried_from": r.carried_from,
                        "proposed": bool(r.proposed)} for r in redactions],
        "publication": None if publication is None else _publication(publication, numbers, people),
    }


def _publication(publication: Publication, numbers: dict[int, int], people: People) -> dict[str, Any]:
    data = {column.key: plain(getattr(publication, column.key))
            for column in columns_of(Publication, _PUBLICATION_IDS)}
    data.update(decision=numbers[publication.decision_id], scheduled_by=people.of(publication.scheduled_by_id),
                withdrawn_by=people.of(publication.withdrawn_by_id))
    rules = db.session.scalars(select(PublicRetentionRule).where(PublicRetentionRule.publication_id == publication.id)
                               .order_by(PublicRetentionRule.position))
    data["public_retention_rules"] = [{column.key: plain(getattr(rule, column.key))
                                       for column in columns_of(PublicRetentionRule, _RULE_IDS)} for rule in rules]
    return data


def check_publication(revision: dict[str, Any], path: str) -> None:
    """The bundle's hashes must match its content, its decision must exist, and every column must be known.

    :raise FileProblem: naming the value that is wrong.
    """
    numbers = [decision["number"] for decision in revision["publication_decisions"]]
    if len(set(numbers)) != len(numbers):
        raise FileProblem(f"At {path}.publication_decisions: two decisions share a number.")
    publication = revision["publication"]
    if publication is None:
        return
    path = f"{path}.publication"
    if publication["decision"] not in numbers:
        raise FileProblem(f"At {path}.decision: there is no publication decision {publication['decision']}.")
    if publication["revision_number"] != revision["number"]:
        raise FileProblem(f"At {path}.revision_number: it must be the revision's own number, {revision['number']}.")
    check_columns(publication, Publication, _PUBLICATION_IDS, path,
                  named={"decision", "scheduled_by", "withdrawn_by", "public_retention_rules"})
    for index, rule in enumerate(publication["public_retention_rules"]):
        check_columns(rule, PublicRetentionRule, _RULE_IDS, f"{path}.public_retention_rules[{index}]")
    values = column_values(publication, Publication, _PUBLICATION_IDS, path)
    # Every stored file or text with a `<name>_sha256` beside it (html, json, pdf, docx...) must match it.
    for name, value in values.items():
        digest = values.get(f"{name}_sha256")
        if f"{name}_sha256" not in values or value is None:
            continue
        if digest is None or sha256(value) != digest:
            raise FileProblem(f"At {path}.{name}_sha256: the stored {name} does not match its hash "
                              "(the bundle was changed after it was published).")


def import_publication_parts(revision: Revision, data: dict[str, Any], people: People, *, now: datetime,
                             path: str) -> None:
    """Store a revision's publication decisions, redactions and publication (already checked)."""
    decisions: dict[int, PublicationDecision] = {}
    for index, entry in enumerate(data["publication_decisions"]):
        where = f"{path}.publication_decisions[{index}]"
        decision = PublicationDecision(
            revision_id=revision.id, decided_on=read_day(entry["decided_on"], f"{where}.decided_on"),
            decided_by=entry["decided_by"], scope=Scope(entry["scope"]), planned=entry["planned"],
            channel=entry["channel"], recorded_at=read_moment(entry["recorded_at"], f"{where}.recorded_at"),
            recorded_by_id=people.account(entry["recorded_by"], now=now))
        db.session.add(decision)
        db.session.flush()
        decisions[entry["number"]] = decision
        for slip_index, slip in enumerate(entry["slippages"]):
            db.session.add(Slippage(
                decision_id=decision.id, previous_planned=slip["previous_planned"], new_planned=slip["new_planned"],
                reason=slip["reason"],
                recorded_at=read_moment(slip["recorded_at"], f"{where}.slippages[{slip_index}].recorded_at"),
                recorded_by_id=people.account(slip["recorded_by"], now=now)))
    for index, entry in enumerate(data["redactions"]):
        db.session.add(Redaction(
            revision_id=revision.id, target_type=TargetType(entry["target_type"]), target_key=entry["target_key"],
            exemption=Exemption(entry["exemption"]), reason=entry["reason"],
            created_at=read_moment(entry["created_at"], f"{path}.redactions[{index}].created_at"),
            created_by_id=people.account(entry["created_by"], now=now), carried_from=entry["carried_from"],
            proposed=entry["proposed"]))
    item = data["publication"]
    if item is None:
        db.session.flush()
        return
    where = f"{path}.publication"
    publication = Publication(
        **column_values(item, Publication, _PUBLICATION_IDS, where),
        assessment_id=revision.assessment_id, revision_id=revision.id, decision_id=decisions[item["decision"]].id,
        scheduled_by_id=people.account(item["scheduled_by"], now=now),
        withdrawn_by_id=people.account(item["withdrawn_by"], now=now))
    db.session.add(publication)
    for decision in decisions.values():
        decision.scheduled = True
    db.session.flush()
    if publication.pdf is None or getattr(publication, "docx", b"") is None:  # the worker had not built them
        queue_public_files(publication_id=publication.id, revision_id=revision.id,
                           document_hash=publication.json_sha256, now=now, actor_id=None)
    for index, rule in enumerate(item["public_retention_rules"]):
        db.session.add(PublicRetentionRule(
            publication_id=publication.id,
            **column_values(rule, PublicRetentionRule, _RULE_IDS, f"{where}.public_retention_rules[{index}]")))
    db.session.flush()


