"""What the benchmark sets up and asks for: the database (through the real commands), the bench-only
60-question section, the pages, the signed-in cookies, and each page's SQL statements (in-process)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from tests.bench.server import ROOT, app_environment

SECTION_KEY = "long"
SECTION_QUESTIONS = 60
SEARCH_WORD = "camera"  # one of dpia.demo.scale.WORDS: about one in ten seeded titles or summaries
ANSWER = ("The system reads **number plates** at the *entrance* and keeps them for `30 days`.\n\n"
          "- Officers check every alert before acting on it\n- Images that do not match are deleted at once\n\n"
          "See [the force policy](https://example.org/policy) for the lawful basis and the retention schedule. ") * 3


def flask_command(database_url: str, *args: str) -> float:
    """Run `flask dpia ...` (or `flask db ...`) on the database; the seconds it took."""
    start = time.perf_counter()
    flask = str(Path(sys.executable).parent / "flask")
    done = subprocess.run([flask, *args], cwd=ROOT, env=app_environment(database_url),  # noqa: S603
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def prepare(database_url: str) -> None:
    """Migrate, load the questionnaires and the demo: what `make run` does."""
    flask_command(database_url, "db", "upgrade")
    flask_command(database_url, "dpia", "load-questionnaires")
    flask_command(database_url, "dpia", "demo")


@contextmanager
def postgres_database(admin_url: str, name: str = "dpia_bench") -> Iterator[str]:
    """A fresh PostgreSQL database for the run, dropped afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def section_definition() -> dict:
    """A bench-only questionnaire: one section of 60 Markdown questions."""
    scale = [{"key": k, "label": k.capitalize()} for k in ("remote", "possible", "probable")]
    severity = [{"key": k, "label": k.capitalize()} for k in ("minimal", "significant", "severe")]
    return {
        "key": "bench-long-section", "title": "Benchmark: a long section", "version": "1", "kind": "core",
        "regimes": ["uk_gdpr"],
        "risk_model": {"key": "ico-3x3", "likelihood": scale, "severity": severity,
                       "levels": [{"key": k, "label": k.capitalize()} for k in ("low", "medium", "high")],
                       "matrix": {"remote": ["low", "low", "medium"], "possible": ["low", "medium", "high"],
                                  "probable": ["medium", "high", "high"]}, "high_levels": ["high"]},
        "sections": [{"key": SECTION_KEY, "title": "A long section", "questions": [
            {"key": f"{SECTION_KEY}.q{n}", "label": f"Question {n} about the processing", "type": "markdown",
             "hint": "Markdown is allowed."} for n in range(1, SECTION_QUESTIONS + 1)]}],
    }


def add_section_assessment(app: Flask) -> str:
    """The demo author's assessment on the bench questionnaire, every one of its 60 answers written."""
    from dpia.accounts.models import Team, User
    from dpia.assessments.models import Answer
    from dpia.assessments.rules.regimes import Regime
    from dpia.assessments.services.assessments import create_assessment, next_reference
    from dpia.core.extensions import db
    from dpia.demo.services import DEMO_TEAM
    from dpia.questionnaires.services import load_definition

    now = datetime.now(UTC)
    with app.app_context():
        version = load_definition(section_definition(), now=now).version
        author = db.session.scalar(select(User).where(User.email == "author@demo.test"))
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        assessment = create_assessment(actor=author, now=now, reference=next_reference(now),
                                       title="Benchmark: sixty Markdown answers", team=team, regime=Regime.UK_GDPR,
                                       questionnaire_version=version)
        revision = assessment.revisions[0]
        db.session.add_all(Answer(revision_id=revision.id, question_key=f"{SECTION_KEY}.q{n}", value=ANSWER,
                                  updated_at=now, updated_by_id=author.id) for n in range(1, SECTION_QUESTIONS + 1))
        db.session.commit()
        reference = assessment.reference
        db.session.remove()
    return reference


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str | None = None  # "dpo" or "author": a signed-in page
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200


@dataclass
class Visitors:
    """In-process clients: anonymous, the demo DPO (with the code step) and the demo author."""

    clients: dict[str | None, FlaskClient]

    def cookie(self, who: str) -> str:
        client = self.clients[who]
        name = client.application.config["SESSION_COOKIE_NAME"]
        return f"{name}={client.get_cookie(name).value}"


def sign_in_visitors(app: Flask) -> Visitors:
    from dpia.demo.services import DEMO_PASSWORD
    from tests.web import sign_in

    clients: dict[str | None, FlaskClient] = {None: app.test_client()}
    for who in ("dpo", "author"):
        client = app.test_client()
        response = sign_in(client, f"{who}@demo.test", DEMO_PASSWORD)
        if response.status_code != 302:
            raise SystemExit(f"could not sign in as {who}@demo.test: {response.status_code}")
        clients[who] = client
    return Visitors(clients)


def pages(visitors: Visitors, section_reference: str) -> list[Page]:
    """The pages of record, with the details (last page, a published reference, its ETag) read from the app."""
    from dpia.demo.services import DEMO_REFERENCE

    public = visitors.clients[None]
    listing = public.get("/register").get_data(as_text=True)
    last = max((int(n) for n in re.findall(r"[?&](?:amp;)?page=(\d+)", listing)), default=1)
    seeded = re.findall(r'href="/register/(DPIA-\d{4}-\d+)"', listing)
    reference = seeded[0] if seeded else "DPIA-2019-002"
    etag = public.get(f"/register/{reference}").headers.get("ETag", '"none"')
    return [
        Page("healthz", "/healthz"),
        Page("register", "/register"),
        Page(f"register ?q={SEARCH_WORD}", f"/register?q={SEARCH_WORD}"),
        Page("register last page", f"/register?page={last}"),
        Page("published", f"/register/{reference}"),
        Page("published (304)", f"/register/{reference}", headers={"If-None-Match": etag}, expect=304),
        Page("upcoming", "/register/upcoming"),
        Page("DPO dashboard", "/", who="dpo"),
        Page("assessment page", f"/assessments/{DEMO_REFERENCE}", who="dpo"),
        Page("section (60 questions)", f"/assessments/{section_reference}/revisions/1/sections/{SECTION_KEY}",
             who="author"),
    ]


def statements(app: Flask, visitors: Visitors, page: Page) -> tuple[int, int]:
    """The page's status and the SQL statements it issues (counted on a second, warm request)."""
    from dpia.core.extensions import db

    client = visitors.clients[page.who]
    client.get(page.path, headers=page.headers)
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(page.path, headers=page.headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return response.status_code, len(seen)
