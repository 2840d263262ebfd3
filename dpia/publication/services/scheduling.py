"""Scheduling a revision's publication: its public document rendered once into a stored bundle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Revision
from dpia.assessments.services.content import RevisionContent, load_content, revision_hash
from dpia.assessments.services.diff import diff_between
from dpia.attachments.services import document_files
from dpia.core.audit.services import record_event
from dpia.core.dates import day_label
from dpia.core.errors import ValidationError
from dpia.core.extensions import db
from dpia.core.markdown import plain_text
from dpia.core.permissions import require
from dpia.documents.services import ConditionLine, Document, RedactionMark, SignOffInput, build_document
from dpia.documents.services.public_files import queue_public_files
from dpia.permissions import can_publish
from dpia.publication.models import Publication, Redaction
from dpia.publication.rules import (
    Scope,
    TargetType,
)
from dpia.publication.services.bundles import Changes, render_bundle
from dpia.publication.services.decisions import publication_decisions
from dpia.publication.services.listing import refresh_entries
from dpia.publication.services.redactions import (
    ProposalsPendingError,
    ensure_redactions_editable,
    proposals_notice,
    redactions_for,
)
from dpia.publication.services.retention import store_public_retention
from dpia.review.services.conditions import conditions_of
from dpia.review.services.sign_off import latest_sign_offs


def document_for(content: RevisionContent, *, organisation: str, public: bool,
                 published_on: datetime | None = None, scope: Scope | None = None,
                 redactions: Sequence[Redaction] | None = None) -> Document:
    """The revision as a document: redacted and name-free when `public`, complete otherwise.

    :param scope: what a public document covers; by default the latest decision's scope.
    :param redactions: the revision's redactions when the caller has them already.
    """
    revision = content.revision
    if redactions is None:
        redactions = redactions_for(revision)
    marks = [RedactionMark(r.target_type, r.target_key, r.exemption, r.reason) for r in redactions]
    if scope is None:
        decisions = publication_decisions(revision)
        scope = decisions[-1].scope if decisions else Scope.FULL
    return build_document(
        content, organisation=organisation, regime=revision.regime.label, status=revision.state.label,
        content_hash=revision_hash(content), redactions=marks,
        sign_offs=[SignOffInput(s.kind, s.signer_name, s.signer_position, s.signed_at, s.details)
                   for s in latest_sign_offs(revision)],
        conditions=[ConditionLine(c.action, c.owner, day_label(c.due_on),
                                  f"Done on {day_label(c.done_at)}" if c.done_at else "Open")
                    for c in conditions_of(revision)],
        public=public, scope=scope, published_on=published_on, files=document_files(revision))


def _previously_published(revision: Revision) -> Revision | None:
    """The latest earlier revision of the assessment whose publication was not withdrawn."""
    return db.session.scalar(
        select(Revision).join(Publication, Publication.revision_id == Revision.id)
        .where(Revision.assessment_id == revision.assessment_id, Revision.number < revision.number,
               Publication.withdrawn_at.is_(None))
        .order_by(Revision.number.desc()).limit(1))


def _changes_since(previous: RevisionContent, content: RevisionContent, hidden: set[str]) -> Changes:
    """One line per changed section since the previous publication, leaving out `hidden` sections."""
    diff = diff_between(previous, content)
    lines = tuple(f"{section.title}: {section.summary}" for section in diff.sections
                  if section.has_changes and section.key not in hidden)
    return Changes(previous.revision.number, lines or ("No changes to the published sections",))


def _sections_with_redactions(content: RevisionContent, redactions: Sequence[Redaction]) -> set[str]:
    row_owner = {row.uid: key for key, rows in content.rows.items() for row in rows}
    sections: set[str] = set()
    for redaction in redactions:
        key = redaction.target_key
        if redaction.target_type is TargetType.ROW:
            key = row_owner.get(key, "")
        if redaction.target_type is TargetType.SECTION:
            sections.add(key)
        else:
            sections |= {s.key for s in content.definition.sections if any(q.key == key for q in s.questions)}
    return sections


def schedule(*, actor: User, now: datetime, content: RevisionContent, publish_at: datetime,
             organisation: str) -> Publication:
    """Render the public page and JSON once and store them, queueing the PDF and Word file for the
    worker; the public sees the publication from `publish_at` on.

    Reads each revision's content once: this one's (given) and the previously published one's.
    """
    revision = content.revision
    require(can_publish(actor), "Only a data protection officer schedules publication")
    if not revision.state.may_be_scheduled:
        raise ValidationError("Only an approved revision can be published")
    decisions = publication_decisions(revision)
    if not decisions:
        raise ValidationError("Record the decision to publish first")
    if publish_at.tzinfo is None:
        raise ValidationError("The publication time needs a time zone")
    ensure_redactions_editable(revision)
    decision = decisions[-1]
    redactions = redactions_for(revision)
    pending = proposals_notice(redactions)
    if pending:  # carried-over redactions: a DPO decides on each before anything goes out
        raise ProposalsPendingError(f"{pending}: confirm or drop each one under 'Carried over from an earlier "
                                    "revision' on this page")
    document = document_for(content, organisation=organisation, public=True, published_on=publish_at,
                            scope=decision.scope, redactions=redactions)
    changes = None
    previous = _previously_published(revision)
    if previous is not None:
        previous_content = load_content(previous)
        # A section with anything withheld, in either revision, is left out: even a count of changes
        # ("1 answer changed") would tell the public something about what is withheld.
        hidden = ({s.key for s in document.sections if s.withheld}
                  | _sections_with_redactions(previous_content, redactions_for(previous))
                  | _sections_with_redactions(content, redactions))
        changes = _changes_since(previous_content, content, hidden)
    bundle = render_bundle(document, changes=changes, publication={
        "reference": document.reference, "revision": document.revision, "publish_at": publish_at.isoformat(),
        "scope": decision.scope.value, "content_hash": document.content_hash})
    publication = Publication(
        assessment_id=revision.assessment_id, revision_id=revision.id, revision_number=revision.number,
        decision_id=decision.id, publish_at=publish_at, scheduled_at=now, scheduled_by_id=actor.id,
        title=document.title, team_name=document.team, summary=plain_text(document.listing_summary)[:1000],
        search_text=" ".join(document.text_parts()).lower(), html=bundle.html, html_sha256=bundle.html_sha256,
        json=bundle.json, json_sha256=bundle.json_sha256, content_hash=document.content_hash)
    db.session.add(publication)
    for earlier in decisions:  # what is still planned is found without passing over this one again
        earlier.scheduled = True
    db.session.flush()
    # The PDF and the Word file are built by the worker from the document just stored in the JSON.
    queue_public_files(publication_id=publication.id, revision_id=revision.id, document_hash=bundle.json_sha256,
                       now=now, actor_id=actor.id)
    store_public_retention(publication, document)  # from the redacted document, never the live rows
    refresh_entries(revision.assessment_id, now=now)
    record_event(actor=actor, now=now, action="publication.schedule", object_type="revision",
                 object_id=revision.id, summary={"publish_at": publish_at.isoformat(), "html": bundle.html_sha256,
                                                 "json": bundle.json_sha256})
    return publication


def publication_of(revision: Revision) -> Publication | None:
    """The revision's scheduled publication, if any."""
    return db.session.scalar(select(Publication).where(Publication.revision_id == revision.id))


def withdraw(*, actor: User, now: datetime, publication: Publication, reason: str) -> None:
    require(can_publish(actor), "Only a data protection officer withdraws a publication")
    if not reason.strip():
        raise ValidationError("Give the reason for withdrawing the publication")
    if publication.withdrawn_at is None:
        publication.withdrawn_at, publication.withdrawn_reason = now, reason.strip()
        publication.withdrawn_by_id = actor.id
        db.session.flush()
        refresh_entries(publication.assessment_id, now=now)
        record_event(actor=actor, now=now, action="publication.withdraw", object_type="revision",
                     object_id=publication.revision_id, summary={"publication": publication.id})
