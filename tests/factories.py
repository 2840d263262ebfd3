"""Factories and stand-ins for tests.

`create_*` factories (and the helpers that take data through the services, like `Publisher`) flush,
never commit, like services; `commit()` is there for tests that read the data back over HTTP.
Stand-ins (`StubActor`, `StubRevision`, `PRINCIPALS`, `ICO_RISK_MODEL`) are for rule tests that
need no database.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select

from dpia import create_app
from dpia.accounts.models import Membership, Team, User, UserRole
from dpia.accounts.rules import Role, needs_mfa
from dpia.accounts.services.passwords import hash_password
from dpia.assessments.models import ROW_MODELS, Assessment, Revision, SectionSave
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import cells_of, load_content
from dpia.assessments.services.rows import add_row, insert_rows, prefill_rows
from dpia.config import TestConfig
from dpia.core.extensions import db
from dpia.documents.services.exports import build_public_files_now
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.decisions import record_decision
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.scheduling import schedule, withdraw
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.definition import Level, QuestionType, RiskModel, RowKind
from dpia.questionnaires.services import (
    definition_for_version,
    latest_version,
    load_builtin_questionnaires,
    load_definition,
    read_definition,
)
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.revisions import DecisionInput, start_revision
from dpia.review.services.sign_off import record_sign_off
from dpia.review.services.workflow import transition
from tests.databases import fresh_database

PASSWORD = "a perfectly long test password"
# Every enrolled test account's TOTP secret (base32); tests.web computes its codes for the app's clock.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a test fixture


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    Tests hold an app context open (for factories), and Flask reuses it for requests, so without
    this the signed-in user cached in `g` by Flask-Login would leak from one request to the next.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003
        saved = dict(g.__dict__) if has_app_context() else None
        if saved is not None:
            g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            if saved is not None:
                g.__dict__.clear()
                g.__dict__.update(saved)


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app for tests on `database_url`, whose test client starts every request with an empty `g`."""
    app = create_app({**TestConfig.load(), "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = FreshGlobalsClient
    return app


@contextmanager
def own_database_app(backend: str, directory: Path, **overrides: object) -> Iterator[Flask]:
    """An app on a migrated database of its own, whose transactions really commit (for races between
    sessions and faults), disposed of and dropped afterwards."""
    with fresh_database(backend, directory) as url:
        app = make_app(url, **overrides)
        with app.app_context():
            upgrade()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def levels(*labels: str) -> tuple[Level, ...]:
    """Risk scale levels keyed by their lower-cased labels."""
    return tuple(Level(key=label.lower(), label=label) for label in labels)


# The ICO 3x3 model as the built-in questionnaire defines it, for tests that need no database.
ICO_RISK_MODEL = RiskModel(
    key="ico-3x3",
    likelihood=levels("Remote", "Possible", "Probable"),
    severity=levels("Minimal", "Significant", "Severe"),
    levels=levels("Low", "Medium", "High"),
    matrix={"remote": ("low", "low", "medium"), "possible": ("low", "medium", "high"),
            "probable": ("medium", "high", "high")},
    high_levels=("high",),
)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # what services are told the time is while data is built
CLOCK = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # what the application's clock says in tests that set it
_counter = itertools.count(1)


class SettableClock:
    """The application's clock in a test: every view and command reads it; the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


# -- stand-ins for permission and workflow rules, which read only these attributes ----------------

@dataclass(frozen=True)
class StubActor:
    role_set: frozenset
    team_ids: frozenset = frozenset()


@dataclass(frozen=True)
class StubAssessment:
    team_id: int = 1


@dataclass(frozen=True)
class StubRevision:
    state: RevisionState
    assessment: StubAssessment = StubAssessment()


# Everyone the permission table is written for; "owner" and the "*_in_team" principals are in team 1,
# which owns a `StubRevision`'s assessment.
PRINCIPALS = {
    "owner": StubActor(frozenset({Role.TEAM_MEMBER}), frozenset({1})),
    "other_team": StubActor(frozenset({Role.TEAM_MEMBER}), frozenset({2})),
    "reviewer": StubActor(frozenset({Role.REVIEWER}), frozenset()),
    "dpo": StubActor(frozenset({Role.DPO}), frozenset()),
    "approver": StubActor(frozenset({Role.APPROVER}), frozenset({2})),
    "admin": StubActor(frozenset({Role.ADMIN}), frozenset()),
    "reviewer_in_team": StubActor(frozenset({Role.REVIEWER, Role.TEAM_MEMBER}), frozenset({1})),
    "dpo_in_team": StubActor(frozenset({Role.DPO, Role.TEAM_MEMBER}), frozenset({1})),
    "approver_in_team": StubActor(frozenset({Role.APPROVER, Role.TEAM_MEMBER}), frozenset({1})),
}


@cache
def _password_hash() -> str:
    """Hash once: argon2id is deliberately slow, and factories make many users."""
    return hash_password(PASSWORD)


def create_team(name: str | None = None) -> Team:
    team = Team(name=name or f"Team {next(_counter)}", created_at=NOW)
    db.session.add(team)
    db.session.flush()
    return team


def create_user(
    *roles: Role,
    teams: tuple[Team, ...] = (),
    email: str | None = None,
    name: str | None = None,
    active: bool = True,
    mfa: bool | None = None,
) -> User:
    """A person with the factories' password; staff (roles needing MFA) are enrolled with `TOTP_SECRET`
    unless `mfa` says otherwise (`mfa=False` makes a staff member who has still to enrol)."""
    n = next(_counter)
    role_set = frozenset(roles or (Role.TEAM_MEMBER,))
    enrolled = needs_mfa(role_set) if mfa is None else mfa
    user = User(email=email or f"user{n}@example.test", name=name or f"Test User {n}",
                password_hash=_password_hash(), active=active, created_at=NOW,
                totp_secret=TOTP_SECRET if enrolled else None, totp_enrolled_at=NOW if enrolled else None)
    user.role_rows = [UserRole(role=role) for role in sorted(role_set)]
    user.memberships = [Membership(team=team, created_at=NOW) for team in teams]
    db.session.add(user)
    db.session.flush()
    return user


FIXTURES = Path(__file__).parent / "fixtures"

# The ICO 3x3 risk model as YAML, for definitions written inside tests (doubled braces: used with str.format).
RISK_MODEL_YAML = """\
risk_model:
  key: ico-3x3
  likelihood: [{{key: remote, label: Remote}}, {{key: possible, label: Possible}}, {{key: probable, label: Probable}}]
  severity: [{{key: minimal, label: Minimal}}, {{key: significant, label: Significant}}, {{key: severe, label: Severe}}]
  levels: [{{key: low, label: Low}}, {{key: medium, label: Medium}}, {{key: high, label: High}}]
  matrix:
    remote: [low, low, medium]
    possible: [low, medium, high]
    probable: [medium, high, high]
  high_levels: [high]
"""


def create_questionnaire_version(name: str = "all-types") -> QuestionnaireVersion:
    """Store a test definition from tests/fixtures/<name>.yaml (once; later calls reuse it)."""
    return load_definition(read_definition(FIXTURES / f"{name}.yaml"), now=NOW).version


def create_assessment(
    team: Team | None = None,
    *,
    reference: str | None = None,
    title: str = "Test assessment",
    revisions: int = 1,
    state: RevisionState = RevisionState.DRAFT,
    version: QuestionnaireVersion | None = None,
) -> Assessment:
    if version is None:
        version = latest_version("uk-dpia")
    if version is None:
        load_builtin_questionnaires(now=NOW)
        version = latest_version("uk-dpia")
    assessment = Assessment(reference=reference or f"DPIA-2026-{next(_counter):03d}", title=title,
                            team=team or create_team(), created_at=NOW)
    db.session.add(assessment)
    for number in range(1, revisions + 1):
        revision = Revision(assessment=assessment, number=number, state=state, regime=Regime.UK_GDPR,
                            questionnaire_version=version, created_at=NOW)
        db.session.add(revision)
        db.session.flush()
        prefill_rows(revision, definition_for_version(version), now=NOW)
    return assessment


# -- form input for the all-types questionnaire (tests/fixtures/all-types.yaml) --------------------

# The basics section as a form sends it: every required answer, and a few typed ones.
ALL_TYPES_BASICS = {"basics.aims": "Find wanted people", "basics.name": "LFR trial", "basics.children": "no",
                    "basics.people": "1,000", "basics.publish": "2018-Q2", "basics.start": ["10", "6", "2017"]}
# One complete row of the `later.retention` table.
ALL_TYPES_RETENTION = {"data_category": "Alert images", "period_days": "30", "trigger": "on_alert",
                       "justification": "Complaints", "deletion_method": "automatic"}


# -- completing a revision so that it passes the gates ------------------------------------------------

def _filler(spec, model, risk_uids: list[str]):  # noqa: ANN001, ANN202
    """A valid typed value for a question or column, so a test can complete a revision quickly."""
    kind = spec.type
    if kind in (QuestionType.MARKDOWN, QuestionType.SHORT_TEXT):
        return "Completed for the test"
    source = getattr(spec, "options_from", None)
    if source in ("likelihood", "severity"):
        return (model.likelihood if source == "likelihood" else model.severity)[0].key
    if source == "risks":
        return risk_uids[:1] if kind is QuestionType.MULTIPLE_CHOICE else (risk_uids[0] if risk_uids else None)
    choices = [o.value for o in spec.options if not o.exclusive]
    if kind is QuestionType.SINGLE_CHOICE:
        return choices[0]
    if kind is QuestionType.MULTIPLE_CHOICE:
        return choices[:1]
    if kind is QuestionType.YES_NO:
        return False
    if kind is QuestionType.DATE:
        return "2018-01-15"
    if kind is QuestionType.PARTIAL_DATE:
        return "2018-Q2"
    if kind is QuestionType.NUMBER:
        return int(spec.minimum) if spec.minimum is not None else 1
    if kind is QuestionType.URL:
        return "https://example.test/policy"
    if kind is QuestionType.PERSON:
        return {"name": "Test Person", "role": "Officer"}
    return None


def complete(revision: Revision, author: User | None = None) -> None:
    """Answer every visible required question and fill every required table of `revision`, with
    valid values and low-rated risks, so that it passes the completeness gates."""
    from dpia.assessments.models import Answer
    from dpia.assessments.services.rows import apply_cells

    for _round in range(4):  # answers can reveal further questions
        content = load_content(revision)
        blockers = content.blockers()
        if not blockers:
            return
        definition, model = content.definition, content.definition.risk_model
        risk_uids = [row.uid for row in content.risk_rows()]
        for section in content.sections:
            for question in section.questions:
                if not question.applies(content.answers):
                    continue
                if not question.is_table:
                    if question.required and content.answers.get(question.key) in (None, "", []):
                        db.session.add(Answer(revision_id=revision.id, question_key=question.key,
                                              value=_filler(question, model, risk_uids), updated_at=NOW,
                                              updated_by_id=author.id if author else None))
                    continue
                rows = content.rows.get(question.key, [])
                needed = max(question.min_rows, 1 if question.required else 0) - len(rows)
                if needed > 0:
                    cells = {c.key: _filler(c, model, risk_uids) for c in question.columns
                             if c.required and not c.is_computed}
                    insert_rows(revision, question, [cells] * needed, definition, now=NOW, actor=author)
                model_class = ROW_MODELS[question.row_kind]
                for stored in db.session.scalars(select(model_class).where(
                        model_class.revision_id == revision.id, model_class.question_key == question.key)):
                    current = cells_of(stored, question)
                    fill = {c.key: _filler(c, model, risk_uids) for c in question.columns
                            if c.required and not c.is_computed and current.get(c.key) in (None, "", [])}
                    if question.row_kind is RowKind.RISK and model is not None:
                        fill |= {"likelihood": model.likelihood[0].key, "severity": model.severity[0].key}
                    if fill:
                        apply_cells(stored, question, {**current, **fill}, definition)
        db.session.flush()
    assert not load_content(revision).blockers(), load_content(revision).blockers()


# -- review: taking a revision to sign-off and signing it ------------------------------------------

def to_sign_off(revision: Revision, people: dict) -> None:
    """Complete the revision, submit it as `people["author"]`, then send it for sign-off as `people["reviewer"]`."""
    complete(revision, people["author"])
    transition(actor=people["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)


def sign(revision: Revision, who: User, kind: SignOffKind, **raw: str):  # noqa: ANN201
    """Record one sign-off of `kind` by `who`; it must be accepted. Returns the record."""
    outcome = record_sign_off(actor=who, now=NOW, content=load_content(revision), kind=kind, position="Officer",
                              notes=None, raw=raw)
    assert outcome.errors == {}
    return outcome.record


def sign_all(revision: Revision, people: dict, *, advice: str = "Go ahead", notes: str | None = None) -> None:
    """The step-7 rows approval needs when no consultation applies: the approver accepts the measures and
    residual risks and the DPO's advice; the DPO advises and keeps the assessment under review."""
    for who, kind, raw in sign_off_rows(advice):
        outcome = record_sign_off(actor=people[who], now=NOW, content=load_content(revision), kind=kind,
                                  position="Officer", notes=notes, raw=raw)
        assert outcome.errors == {}, outcome.errors


def sign_off_rows(advice: str = "Go ahead") -> tuple[tuple[str, SignOffKind, dict[str, str]], ...]:
    """(who signs, kind, fields) for every row of a full assessment's sign-off, in the ICO's order."""
    return (("approver", SignOffKind.MEASURES_APPROVED, {}),
            ("approver", SignOffKind.RESIDUAL_RISKS_APPROVED, {}),
            ("dpo", SignOffKind.DPO_ADVICE, {"recommendation": "proceed", "summary": advice}),
            ("approver", SignOffKind.ADVICE_DECISION, {"decision": "accepted"}),
            ("dpo", SignOffKind.KEPT_UNDER_REVIEW, {"next_review_date": "2027-04-30"}))


def approve_revision(revision: Revision, people: dict) -> None:
    """Take a draft revision through review, sign-off and the approver's decision."""
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)


# -- publication: an approved revision with parts to withhold --------------------------------------

# Written into the parts `create_publication_setup` and `approve` expect to be withheld or internal.
CANARY = "CANARY-withheld-4411"


def create_publication_setup() -> dict:
    """An assessment with an answer and a row to withhold, and the people to review and publish it."""
    team = create_team()
    author = create_user(teams=(team,))
    reviewer = create_user(Role.REVIEWER)
    dpo = create_user(Role.DPO, name="Dana Protection")
    approver = create_user(Role.APPROVER, name="Avery Approver")
    assessment = create_assessment(team, reference="DPIA-2026-400", version=create_questionnaire_version())
    revision = assessment.revisions[0]
    save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.aims": "Public aims text", "basics.name": f"Secret {CANARY}",
                      "basics.children": "no"}, expected_lock=0)
    row = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
                  raw={"data_category": f"Hidden {CANARY}", "period_days": "30", "trigger": "on_alert",
                       "justification": "x", "deletion_method": "automatic"})
    add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
            raw={"data_category": "Visible rule", "period_days": "0", "trigger": "on_capture",
                 "justification": "y", "deletion_method": "automatic"})
    return {"dpo": dpo, "approver": approver, "author": author, "reviewer": reviewer, "revision": revision,
            "hidden_row": row.uid}


def approve(setup: dict) -> None:
    """Take a `create_publication_setup` revision through review to approval (sign-off notes hold the canary)."""
    revision = setup["revision"]
    to_sign_off(revision, setup)
    sign_all(revision, setup, advice=f"Advice {CANARY}", notes=f"Note {CANARY}")
    transition(actor=setup["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)


def decide(setup: dict, planned: str = "2018-Q2", **kwargs):  # noqa: ANN003, ANN201
    """Record the DPO's decision to publish a `create_publication_setup` revision."""
    return record_decision(actor=setup["dpo"], now=kwargs.pop("now", NOW), revision=setup["revision"],
                           decided_on=date(2017, 12, 11), decided_by="Data Protection Officer",
                           scope=kwargs.pop("scope", Scope.REDACTED), planned=planned,
                           channel="Publication scheme")


# -- publishing through the services ---------------------------------------------------------------

ORGANISATION = "Northshire Police"


class Publisher:
    """Takes revisions from draft to published the way people do, through the services."""

    def __init__(self, *, reviewer: User | None = None, dpo: User | None = None, approver: User | None = None,
                 author_name: str | None = None, author_email: str | None = None) -> None:
        self.version = create_questionnaire_version()
        self.reviewer = reviewer or create_user(Role.REVIEWER)
        self.dpo = dpo or create_user(Role.DPO)
        self.approver = approver or create_user(Role.APPROVER)
        self.author_name, self.author_email = author_name, author_email
        self.authors: dict[int, User] = {}

    def author(self, team: Team) -> User:
        if team.id not in self.authors:
            self.authors[team.id] = create_user(teams=(team,), name=self.author_name,
                                                email=self.author_email and f"{team.id}.{self.author_email}")
        return self.authors[team.id]

    def draft(self, *, title: str = "Test assessment", team: Team | None = None, reference: str | None = None,
              aims: str = "Find people", name: str = "Trial", rows: tuple[dict[str, str], ...] = ()) -> Revision:
        team = team or create_team()
        assessment = create_assessment(team, title=title, reference=reference, version=self.version)
        revision = assessment.revisions[0]
        self.answer(revision, aims=aims, name=name)
        for raw in rows:
            self.add_row(revision, raw)
        return revision

    def answer(self, revision: Revision, *, aims: str, name: str = "Trial", **extra: str) -> None:
        lock = db_session().get(SectionSave, (revision.id, "basics"))
        outcome = save_section(
            actor=self.author(revision.assessment.team), now=NOW, content=load_content(revision), section_key="basics",
            raw={"basics.aims": aims, "basics.name": name, "basics.children": "no", **extra},
            expected_lock=lock.lock_version if lock else 0)
        assert outcome.ok, outcome.errors

    def answer_later(self, revision: Revision, *, reason: str) -> None:
        lock = db_session().get(SectionSave, (revision.id, "later"))
        outcome = save_section(
            actor=self.author(revision.assessment.team), now=NOW, content=load_content(revision), section_key="later",
            raw={"later.reason": reason}, expected_lock=lock.lock_version if lock else 0)
        assert outcome.ok, outcome.errors

    def add_row(self, revision: Revision, raw: dict[str, str]) -> str:
        outcome = add_row(actor=self.author(revision.assessment.team), now=NOW, content=load_content(revision),
                          question_key="later.retention", raw=raw)
        assert outcome.ok, outcome.errors
        return outcome.uid

    def people(self, revision: Revision) -> dict[str, User]:
        return {"author": self.author(revision.assessment.team), "reviewer": self.reviewer, "dpo": self.dpo,
                "approver": self.approver}

    def submit(self, revision: Revision) -> None:
        complete(revision, self.author(revision.assessment.team))
        transition(actor=self.author(revision.assessment.team), now=NOW, content=load_content(revision),
                   action=Action.SUBMIT)

    def send_for_sign_off(self, revision: Revision) -> None:
        transition(actor=self.reviewer, now=NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)

    def sign(self, revision: Revision, *, notes: str | None = None, advice: str = "Go ahead") -> None:
        sign_all(revision, self.people(revision), advice=advice, notes=notes)

    def approve(self, revision: Revision) -> None:
        self.submit(revision)
        self.send_for_sign_off(revision)
        self.sign(revision)
        transition(actor=self.approver, now=NOW, content=load_content(revision), action=Action.APPROVE)

    def decide(self, revision: Revision, *, planned: str = "2018-Q2", scope: Scope = Scope.FULL,
               decided_by: str = "Data Protection Officer", now: datetime = NOW):
        return record_decision(actor=self.dpo, now=now, revision=revision, decided_on=now.date(),
                               decided_by=decided_by, scope=scope, planned=planned,
                               channel="The force's website")

    def redact(self, revision: Revision, target_type: TargetType, key: str, reason: str,
               exemption: Exemption = Exemption.S31_1_A) -> None:
        set_redaction(actor=self.dpo, now=NOW, content=load_content(revision), target_type=target_type,
                      target_key=key, exemption=exemption, reason=reason)

    def schedule(self, revision: Revision, publish_at: datetime, *, build_files: bool = True):
        """Schedule; then, unless `build_files` is False, build the PDF and Word file as the worker would."""
        publication = schedule(actor=self.dpo, now=NOW, content=load_content(revision), publish_at=publish_at,
                               organisation=ORGANISATION)
        if build_files:
            build_public_files_now(publication_id=publication.id, now=NOW)
        return publication

    def publish(self, revision: Revision, publish_at: datetime, *, planned: str = "2018-Q2"):
        """Approve (if needed), decide and schedule."""
        if revision.approved_at is None:
            self.approve(revision)
        self.decide(revision, planned=planned)
        return self.schedule(revision, publish_at)

    def revise(self, revision: Revision, *, aims: str, rationale: str = "Adds a decision",
               made_by: str = "Project board") -> Revision:
        new = start_revision(
            actor=self.author(revision.assessment.team), now=NOW, assessment=revision.assessment,
            rationale=rationale,
            decisions=[DecisionInput(date(2017, 10, 16), "Alert images kept 30 days", made_by, "Board")])
        self.answer(new, aims=aims)
        return new

    def withdraw(self, item, reason: str) -> None:  # noqa: ANN001
        withdraw(actor=self.dpo, now=NOW, publication=item, reason=reason)


def db_session():  # noqa: ANN201
    """The session the app (and the `db` fixture) uses now."""
    return db.session


def commit() -> None:
    db_session().commit()


def published(publisher: Publisher, *, title: str, aims: str, team: Team | None = None, reference: str | None = None,
              revisions: int = 1, publish_at: datetime = CLOCK - timedelta(days=10)) -> list:
    """An assessment with `revisions` published revisions, one day apart; their publications."""
    revision = publisher.draft(title=title, aims=aims, team=team, reference=reference)
    items = [publisher.publish(revision, publish_at)]
    for number in range(2, revisions + 1):
        revision = publisher.revise(revision, aims=f"{aims} (revision {number})")
        items.append(publisher.publish(revision, publish_at + timedelta(days=number - 1)))
    return items


def mailed_link(to: str, path_prefix: str) -> str:
    """The path of the single-use link in the newest message to `to` (e.g. "/reset-password/")."""
    import re

    from dpia.mail.models import OutboxMessage

    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)
                                 .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, f"no message to {to}"
    match = re.search(re.escape(path_prefix) + r"[A-Za-z0-9_-]+", message.body_text)
    assert match, f"no {path_prefix} link in the message to {to}"
    return match.group(0)


# -- retention and access rules, straight into their tables (for the registers) ----------------------

def create_retention_rule(revision: Revision, data_category: str, period_days: int | None = 30, *,
                          question_key: str = "later.retention", **fields: object):  # noqa: ANN201
    """A retention rule row of `revision` (trigger, justification and deletion method default to valid values)."""
    from dpia.assessments.models import RetentionRule

    values = {"trigger": "on_alert", "justification": "Long enough to answer complaints",
              "deletion_method": "automatic", **fields}
    rule = RetentionRule(revision_id=revision.id, question_key=question_key, row_uid=f"r{next(_counter)}",
                         position=next(_counter), updated_at=NOW, data_category=data_category,
                         period_days=period_days, **values)
    db.session.add(rule)
    db.session.flush()
    return rule


def create_access_rule(revision: Revision, data_category: str, who: str = "Officers assigned to the deployment",
                       *, question_key: str = "processing.access", logged: bool | None = True,
                       notes: str | None = None):  # noqa: ANN201
    """An access rule row of `revision`."""
    from dpia.assessments.models import AccessRule

    rule = AccessRule(revision_id=revision.id, question_key=question_key, row_uid=f"a{next(_counter)}",
                      position=next(_counter), updated_at=NOW, data_category=data_category, who=who,
                      logged=logged, notes=notes)
    db.session.add(rule)
    db.session.flush()
    return rule
