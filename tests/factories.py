"""`create_*` factories for tests. They flush, never commit, like services."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

from dpia import create_app
from dpia.accounts.models import Membership, Team, User, UserRole
from dpia.accounts.rules import Role
from dpia.accounts.services import hash_password
from dpia.assessments.models import Assessment, Revision
from dpia.assessments.rules.regimes import Regime
from dpia.assessments.services.rows import prefill_rows
from dpia.config import TestConfig
from dpia.core.extensions import db
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.definition import Level, RiskModel
from dpia.questionnaires.services import (
    definition_for_version,
    latest_version,
    load_builtin_questionnaires,
    load_definition,
    read_definition,
)
from dpia.review.rules.states import RevisionState

PASSWORD = "a perfectly long test password"


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
) -> User:
    n = next(_counter)
    user = User(email=email or f"user{n}@example.test", name=name or f"Test User {n}",
                password_hash=_password_hash(), active=active, created_at=NOW)
    user.role_rows = [UserRole(role=role) for role in (roles or (Role.TEAM_MEMBER,))]
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
                            team=team or create_team(), regime=Regime.UK_GDPR, created_at=NOW)
    db.session.add(assessment)
    for number in range(1, revisions + 1):
        revision = Revision(assessment=assessment, number=number, state=state, questionnaire_version=version,
                            created_at=NOW)
        db.session.add(revision)
        db.session.flush()
        prefill_rows(revision, definition_for_version(version), now=NOW)
    return assessment
