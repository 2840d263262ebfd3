"""Seeding the database at size (`flask dpia seed-scale`), to try the app and benchmark it with real volumes.

Rows go in with Core `insert()` in batches (executemany), with ids assigned here so one batch can refer
to its own rows without reading them back. The published bundles are one real bundle, rendered once
from the demo's published assessment, with the reference and title substituted and the hashes
recomputed. Audit events are chained here, in `seq` order, exactly as `record_event` would chain them,
so `flask dpia audit verify` still passes. Each run adds on top of what is there, with fresh references.

The function yields after each batch: the command commits there, so memory and locks stay bounded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from dpia.accounts.models import Team, User
from dpia.accounts.services.users import get_or_create_team
from dpia.assessments.models import Answer, Assessment, Revision
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.content import load_content
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import GENESIS_HASH, entry_hash
from dpia.core.errors import DomainError
from dpia.core.extensions import db
from dpia.core.hashing import sha256
from dpia.demo.services import DEMO_TEAM, OTHER_TEAM, PUBLISHED_REFERENCE
from dpia.documents.services import render_docx, render_pdf
from dpia.publication.models import Publication, PublicationDecision, PublicRetentionRule, RegisterEntry, Slippage
from dpia.publication.rules import Scope
from dpia.publication.services.bundles import render_bundle
from dpia.publication.services.retention import PublishedRule, published_rules
from dpia.publication.services.scheduling import document_for
from dpia.questionnaires.services import latest_version
from dpia.review.models import ApprovalCondition, Comment, Decision, RevisionDecision, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import RevisionState

EXTRA_TEAMS = ("Roads Policing", "Custody", "Public Protection", "Intelligence", "Contact Management")
_WORD_LIST = (
    "camera cameras licence plate recognition drone body worn video custody records intelligence database "
    "analytics dashboard mobile app fingerprint biometric retention sharing partnership council school "
    "health mental vulnerable children victims witnesses offenders missing persons domestic abuse "
    "roads traffic speed enforcement stadium event crowd public order protest airport port border "
    "cloud migration email telephony recording interview transcription translation social media "
    "monitoring open source research investigation forensic digital devices extraction phone download "
    "vehicle tracking location data fleet telematics staff wellbeing occupational health vetting "
    "recruitment training firearms licensing complaints misconduct professional standards"
)
WORDS = tuple(dict.fromkeys(_WORD_LIST.split()))
SECTION_ANSWERS = {  # the built-in questionnaire's "need" and "processing" sections, as Markdown
    "need.aims": "To {a} the {b} service so that officers can {c} **{d}** records faster.",
    "need.reason": "The processing involves *{a}* data about {b} and new {c} technology.",
    "need.controller": "Northshire Police",
    "processing.nature": "Data is collected by {a} and {b}, stored in the {c} system and deleted after review.",
    "processing.sources": "- {a} officers\n- {b} partners\n- members of the public",
    "processing.recipients": "Only the {a} team and, where the law requires, the {b} service.",
    "processing.scope": "About {n} people a year in the force area; {a} and {b} data.",
}
# The workflow assessments' states, spread roughly as a real organisation's would be.
STATES = (
    [RevisionState.DRAFT] * 4 + [RevisionState.SUBMITTED] * 2 + [RevisionState.CHANGES_REQUESTED]
    + [RevisionState.AWAITING_SIGN_OFF] * 2 + [RevisionState.APPROVED] * 3 + [RevisionState.REJECTED])
CONTENT_HASH_PLACEHOLDER = "5" * 64  # seeded sign-offs cover no real content


@dataclass(frozen=True)
class Progress:
    """What one batch added, and how far along the run is."""

    what: str
    done: int
    total: int


@dataclass
class _Ids:
    """The next free primary key of each table, read once and handed out here."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: Table) -> int:
        name = table.name
        if name not in self.next:
            key = next(iter(table.primary_key.columns))
            self.next[name] = (db.session.scalar(select(func.max(key))) or 0) + 1
        value = self.next[name]
        self.next[name] = value + 1
        return value


@dataclass
class _Chain:
    """Audit events appended in bulk, each hashed with its predecessor's hash as `record_event` does."""

    seq: int
    prev: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, at: datetime, actor_id: int | None, action: str, object_type: str, object_id: int,
            summary: dict[str, Any]) -> None:
        at = at.replace(microsecond=0)
        record = {"occurred_at": at.astimezone(UTC).isoformat(), "actor_id": actor_id, "action": action,
                  "object_type": object_type, "object_id": str(object_id), "summary": summary}
        digest = entry_hash(self.prev, record)
        self.rows.append({"seq": self.seq, "occurred_at": at, "actor_id": actor_id, "action": action,
                          "object_type": object_type, "object_id": str(object_id), "summary": summary,
                          "prev_hash": self.prev, "entry_hash": digest})
        self.seq, self.prev = self.seq + 1, digest


@dataclass
class _Batch:
    """Rows waiting to be inserted, per table, in foreign-key order."""

    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: Table, **row: Any) -> None:
        self.rows.setdefault(table, []).append(row)

    def insert(self, chain: _Chain) -> None:
        for table, rows in self.rows.items():
            if rows:
                db.session.execute(insert(table), rows)
        if chain.rows:
            db.session.execute(insert(AuditEvent.__table__), chain.rows)
        self.rows.clear()
        chain.rows.clear()


@dataclass(frozen=True)
class _Template:
    """The one real bundle every seeded publication reuses."""

    reference: str
    title: str
    html: str
    json: str
    pdf: bytes
    pdf_sha256: str
    docx: bytes
    docx_sha256: str
    content_hash: str
    retention: tuple[PublishedRule, ...]  # what the public retention register shows of it


@dataclass
class _Seeder:
    now: datetime
    rng: random.Random
    users: dict[str, User]
    teams: list[Team]
    version_id: int
    ids: _Ids
    chain: _Chain
    batch: _Batch = field(default_factory=_Batch)

    def words(self, count: int) -> list[str]:
        return self.rng.sample(WORDS, count)

    def title(self) -> str:
        first, second, third = self.words(3)
        return f"{first.capitalize()} {second} {third}"

    def assessment(self, title: str, team: Team, created: datetime, year: int) -> tuple[int, str]:
        assessment_id = self.ids.take(Assessment.__table__)
        reference = f"DPIA-{year}-{assessment_id:06d}"
        author = self.users["author"]
        self.batch.add(Assessment.__table__, id=assessment_id, reference=reference, title=title, team_id=team.id,
                       created_at=created, created_by_id=author.id)
        self.chain.add(created, author.id, "assessment.create", "assessment", assessment_id,
                       {"reference": reference})
        return assessment_id, reference

    def revision(self, assessment_id: int, number: int, state: RevisionState, created: datetime, *,
                 submitted: datetime | None = None, approved: datetime | None = None,
                 based_on: int | None = None) -> int:
        revision_id = self.ids.take(Revision.__table__)
        approver = self.users["approver"]
        self.batch.add(
            Revision.__table__, id=revision_id, assessment_id=assessment_id, number=number, state=state,
            regime=Regime.UK_GDPR if created.year >= 2018 else Regime.DPA_1998, lock_version=1,
            questionnaire_version_id=self.version_id, rationale="Reviewed and updated" if number > 1 else None,
            created_at=created, created_by_id=self.users["author"].id, submitted_at=submitted,
            approved_at=approved, approved_by_id=approver.id if approved else None,
            next_review_on=(approved + timedelta(days=365)).date() if approved else None, based_on_id=based_on)
        if approved is not None:
            self.chain.add(approved, approver.id, "revision.approve", "revision", revision_id,
                           {"from": "awaiting_sign_off", "to": "approved"})
        return revision_id

    def answers(self, revision_id: int, at: datetime) -> None:
        a, b, c, d = self.words(4)
        for key, pattern in SECTION_ANSWERS.items():
            self.batch.add(Answer.__table__, id=self.ids.take(Answer.__table__), revision_id=revision_id,
                           question_key=key, lock_version=1, updated_at=at, updated_by_id=self.users["author"].id,
                           value=pattern.format(a=a, b=b, c=c, d=d, n=self.rng.randint(100, 90000)))
        self.chain.add(at, self.users["author"].id, "section.save", "revision", revision_id, {"section": "need"})

    def sign_off(self, revision_id: int, at: datetime) -> None:
        dpo = self.users["dpo"]
        self.batch.add(SignOff.__table__, id=self.ids.take(SignOff.__table__), revision_id=revision_id,
                       kind=SignOffKind.DPO_ADVICE, signer_id=dpo.id, signer_name=dpo.name,
                       signer_position="Data Protection Officer", signed_at=at, notes=None,
                       details={"recommendation": "proceed", "summary": "Proceed as planned."},
                       content_hash=CONTENT_HASH_PLACEHOLDER)
        self.chain.add(at, dpo.id, "sign_off.record", "revision", revision_id, {"kind": "dpo_advice"})

    def decision_to_publish(self, revision_id: int, at: datetime, planned: str, *, slipped: bool = False,
                            scheduled: bool = False) -> int:
        """A decision; `scheduled` when the revision's publication is added with it (as scheduling marks it)."""
        decision_id = self.ids.take(PublicationDecision.__table__)
        dpo = self.users["dpo"]
        self.batch.add(PublicationDecision.__table__, id=decision_id, revision_id=revision_id, decided_on=at.date(),
                       decided_by="Data Protection Officer", scope=Scope.FULL, planned=planned,
                       channel="Publication scheme (website)", recorded_at=at, recorded_by_id=dpo.id,
                       scheduled=scheduled)
        self.chain.add(at, dpo.id, "publication.decide", "revision", revision_id, {"planned": planned})
        if slipped:
            later = at + timedelta(days=120)
            self.batch.add(Slippage.__table__, id=self.ids.take(Slippage.__table__), decision_id=decision_id,
                           previous_planned=planned, new_planned=f"{later.year}-{later.month:02d}",
                           reason="The supplier's contract was delayed.", recorded_at=later, recorded_by_id=dpo.id)
            self.chain.add(later, dpo.id, "publication.slip", "revision", revision_id, {"planned": planned})
        return decision_id

    def workflow(self, index: int) -> None:
        """One assessment somewhere in the workflow, with what its state implies."""
        state = STATES[index % len(STATES)]
        created = self.now - timedelta(days=self.rng.randint(30, 2000))
        team = self.teams[index % len(self.teams)]
        assessment_id, _ = self.assessment(self.title(), team, created, created.year)
        submitted = created + timedelta(days=14) if state is not RevisionState.DRAFT else None
        approved = created + timedelta(days=40) if state is RevisionState.APPROVED else None
        revision_id = self.revision(assessment_id, 1, state, created, submitted=submitted, approved=approved)
        self.answers(revision_id, created + timedelta(days=1))
        if submitted is not None:
            self.chain.add(submitted, self.users["author"].id, "revision.submit", "revision", revision_id,
                           {"from": "draft", "to": "submitted"})
            reviewer = self.users["reviewer"]
            resolved = index % 3 == 0
            self.batch.add(Comment.__table__, id=self.ids.take(Comment.__table__), revision_id=revision_id,
                           question_key="need.aims", parent_id=None, author_id=reviewer.id,
                           body="Please say which system holds the records.", created_at=submitted + timedelta(days=2),
                           resolved_at=submitted + timedelta(days=5) if resolved else None,
                           resolved_by_id=self.users["author"].id if resolved else None)
            self.chain.add(submitted + timedelta(days=2), reviewer.id, "comment.add", "revision", revision_id,
                           {"question": "need.aims"})
        # Awaiting sign-off: every other one has the DPO's advice, so it waits for the approver.
        if approved is not None or (state is RevisionState.AWAITING_SIGN_OFF and index % 2 == 0):
            self.sign_off(revision_id, created + timedelta(days=30))
        if approved is not None:
            self.batch.add(ApprovalCondition.__table__, id=self.ids.take(ApprovalCondition.__table__),
                           revision_id=revision_id, position=1, action="Review the retention period after a year",
                           owner="Information asset owner", due_on=(approved + timedelta(days=180)).date(),
                           created_at=approved, created_by_id=self.users["approver"].id,
                           done_at=approved + timedelta(days=90) if index % 2 else None,
                           done_by_id=self.users["author"].id if index % 2 else None, done_note=None)
        if state in (RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED) and index % 4 < 2:
            at = created + timedelta(days=32)
            self.decision_to_publish(revision_id, at, f"{at.year}-Q{(at.month - 1) // 3 + 1}", slipped=index % 4 == 0)
        if index % 5 == 0:
            decision_id = self.ids.take(Decision.__table__)
            self.batch.add(Decision.__table__, id=decision_id, assessment_id=assessment_id,
                           decided_on=(created + timedelta(days=3)).date(), decision="Records are kept for 30 days.",
                           made_by="Information asset owner", forum="Project board", created_at=created,
                           created_by_id=self.users["author"].id)
            self.batch.add(RevisionDecision.__table__, revision_id=revision_id, decision_id=decision_id)

    def published(self, index: int, template: _Template) -> None:
        """One published assessment: a few have a later revision, a few are withdrawn or scheduled ahead."""
        later, withdrawn, future = index % 50 == 7, index % 97 == 11, index % 89 == 5
        team = self.teams[index % len(self.teams)]
        publish_at = (self.now + timedelta(days=self.rng.randint(1, 60)) if future
                      else self.now - timedelta(days=self.rng.randint(1, 8 * 365), minutes=self.rng.randint(0, 1440)))
        publish_at = publish_at.replace(second=0, microsecond=0)
        created = publish_at - timedelta(days=60)
        title = self.title()
        assessment_id, reference = self.assessment(title, team, created, created.year)
        approved = publish_at - timedelta(days=10)
        revisions = [(1, approved, publish_at)]
        if later:
            revisions.append((2, approved + timedelta(days=200), publish_at + timedelta(days=210)))
        summary_words = self.words(6)
        summary = f"{title} for the {team.name} team: " + " ".join(summary_words) + "."
        previous = None
        for number, approved_at, at in revisions:
            state = RevisionState.SUPERSEDED if later and number == 1 else RevisionState.APPROVED
            revision_id = self.revision(assessment_id, number, state, approved_at - timedelta(days=30),
                                        submitted=approved_at - timedelta(days=20), approved=approved_at,
                                        based_on=previous)
            decision_id = self.decision_to_publish(revision_id, approved_at, at.date().isoformat(), scheduled=True)
            self.publication(template, reference, assessment_id=assessment_id, revision_id=revision_id, number=number,
                             decision_id=decision_id, publish_at=at, title=title, team=team.name,
                             summary=summary, withdrawn=withdrawn and number == len(revisions))
            previous = revision_id

    def publication(self, template: _Template, reference: str, *, assessment_id: int, revision_id: int, number: int,
                    decision_id: int, publish_at: datetime, title: str, team: str, summary: str,
                    withdrawn: bool) -> None:
        html = template.html.replace(template.reference, reference).replace(template.title, title)
        data = template.json.replace(template.reference, reference).replace(template.title, title)
        dpo = self.users["dpo"]
        scheduled = publish_at - timedelta(days=5)
        publication_id = self.ids.take(Publication.__table__)
        self.batch.add(
            Publication.__table__, id=publication_id, assessment_id=assessment_id,
            revision_id=revision_id, revision_number=number, decision_id=decision_id, publish_at=publish_at,
            scheduled_at=scheduled, scheduled_by_id=dpo.id, title=title, team_name=team, summary=summary,
            search_text=f"{title} {team} {summary} {' '.join(self.words(40))}".lower(), html=html,
            html_sha256=sha256(html), pdf=template.pdf, pdf_sha256=template.pdf_sha256,
            docx=template.docx, docx_sha256=template.docx_sha256, json=data,
            json_sha256=sha256(data), content_hash=template.content_hash,
            withdrawn_at=publish_at + timedelta(days=30) if withdrawn else None,
            withdrawn_reason="Replaced by a new assessment" if withdrawn else None,
            withdrawn_by_id=dpo.id if withdrawn else None)
        for position, rule in enumerate(template.retention, start=1):  # as scheduling stores them
            self.batch.add(PublicRetentionRule.__table__, id=self.ids.take(PublicRetentionRule.__table__),
                           publication_id=publication_id, position=position, data_category=rule.data_category,
                           period_days=rule.period_days, trigger=rule.trigger, justification=rule.justification,
                           exceptions=rule.exceptions, deletion_method=rule.deletion_method)
        self.chain.add(scheduled, dpo.id, "publication.schedule", "revision", revision_id,
                       {"publish_at": publish_at.isoformat()})
        if withdrawn:
            self.chain.add(publish_at + timedelta(days=30), dpo.id, "publication.withdraw", "revision", revision_id,
                           {"reason": "replaced"})


def _template(now: datetime, organisation: str) -> _Template:
    """Render the demo's published assessment once, as scheduling would."""
    revision = db.session.scalar(select(Revision).join(Assessment).where(Assessment.reference == PUBLISHED_REFERENCE)
                                 .order_by(Revision.number.desc()).limit(1))
    if revision is None:
        raise DomainError("Load the demo first (flask dpia demo): seed-scale copies its published assessment")
    document = document_for(load_content(revision), organisation=organisation, public=True, published_on=now)
    bundle = render_bundle(document, changes=None, publication={
        "reference": document.reference, "revision": document.revision, "publish_at": now.isoformat(),
        "scope": Scope.REDACTED.value, "content_hash": document.content_hash})
    pdf, docx = render_pdf(document), render_docx(document)
    return _Template(document.reference, document.title, bundle.html, bundle.json, pdf, sha256(pdf), docx, sha256(docx),
                     document.content_hash, tuple(published_rules(document)))


def _demo_people() -> dict[str, User]:
    wanted = ("author", "reviewer", "dpo", "approver")
    users = {user.email.split("@")[0]: user for user in db.session.scalars(
        select(User).where(User.email.in_([f"{name}@demo.test" for name in wanted])))}
    if set(users) != set(wanted):
        raise DomainError("Load the demo first (flask dpia demo): seed-scale acts as the demo's people")
    return users


def _lock_audit_log() -> _Chain:
    """Serialise with other appends (as `record_event` does) and continue the chain from its last row."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x0D91A})
        # The bundles are large: lz4 compresses them many times faster than the default, pglz.
        db.session.execute(text("SET LOCAL default_toast_compression = 'lz4'"))
    last = db.session.execute(select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc())
                              .limit(1)).first()
    return _Chain(last.seq + 1, last.entry_hash) if last else _Chain(1, GENESIS_HASH)


def _advance_sequences(ids: _Ids) -> None:
    """PostgreSQL: move each id sequence past the ids assigned here, so ordinary inserts carry on."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table, column in [*((name, "id") for name in ids.next), ("audit_event", "seq")]:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "  # noqa: S608
                                f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))"))


def seed_scale(*, published: int, assessments: int, now: datetime, organisation: str,
               batch_size: int = 2000, seed: int = 11) -> Iterator[Progress]:
    """Add `published` published assessments and `assessments` others across the workflow, then rebuild
    the register. Yields after each batch has been flushed; the caller commits there."""
    from dpia.publication.services.listing import rebuild_register

    users = _demo_people()
    core = latest_version("uk-dpia")
    if core is None:
        raise DomainError("Load the questionnaires first (flask dpia load-questionnaires)")
    teams = [get_or_create_team(name, now=now) for name in (DEMO_TEAM, OTHER_TEAM, *EXTRA_TEAMS)]
    template = _template(now, organisation)
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    seeder = _Seeder(now, rng, users, teams, core.id, _Ids(), _lock_audit_log())
    for what, total, make in (("assessments", assessments, seeder.workflow),
                              ("published", published, lambda index: seeder.published(index, template))):
        for start in range(0, total, batch_size):
            for index in range(start, min(start + batch_size, total)):
                make(index)
            seeder.batch.insert(seeder.chain)
            _advance_sequences(seeder.ids)
            yield Progress(what, min(start + batch_size, total), total)
            seeder.chain = _lock_audit_log()  # a new transaction: take the lock again
    # The query planner still has the statistics of the tables before the load until autovacuum
    # catches up. With them, rebuilding the register after loading 100,000 publications into an empty
    # PostgreSQL database ran for over eight minutes without finishing; and measured straight after a
    # load, /register on PostgreSQL took 1.5 times as long. So: statistics first, then the rebuild,
    # then the statistics of the entries it wrote.
    db.session.execute(text("ANALYZE"))
    yield Progress("planner statistics updated", 1, 1)
    rebuild_register(now=now)
    db.session.flush()
    db.session.execute(text(f"ANALYZE {RegisterEntry.__tablename__}"))
    yield Progress("register rebuilt", 1, 1)
