"""`flask --app app dpia ...` commands. Each calls a service, commits once and reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from dpia.domain.clock import utcnow
from dpia.domain.errors import DomainError
from dpia.domain.roles import Role
from dpia.extensions import db

dpia_cli = AppGroup("dpia", help="Manage the DPIA service.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@dpia_cli.command("create-user")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name as shown to colleagues.")
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice([r.value for r in Role]), help="Role; repeat for several.")
@click.option("--team", "teams", multiple=True, help="Team to join (created if new); repeatable.")
def create_user_command(email: str, name: str, roles: tuple[str, ...], teams: tuple[str, ...]) -> None:
    """Create an account. The password is prompted for, or read from standard input."""
    from dpia.services.users import create_user

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(actor=None, now=utcnow(), email=email, name=name, password=password,
                           roles=[Role(r) for r in roles], team_names=teams)
    except DomainError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))})")


@dpia_cli.command("load-questionnaires")
def load_questionnaires_command() -> None:
    """Load the built-in questionnaires; unchanged files are skipped, changed ones get a new version."""
    from dpia.services.questionnaires import load_builtin_questionnaires

    try:
        results = load_builtin_questionnaires(now=utcnow())
    except DomainError as error:
        _fail(str(error))
    db.session.commit()
    for result in results:
        state = "loaded as" if result.created else "unchanged at"
        click.echo(f"{result.key}: {state} version {result.version.number} ({result.version.label})")


@dpia_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no accounts (used by `make run`).")
@click.option("--allow-production", is_flag=True, help="Load even under the production configuration.")
def demo_command(if_empty: bool, allow_production: bool) -> None:
    """Load the live facial recognition demonstration: team, accounts and assessment."""
    from dpia.services.demo import database_is_empty, demo_is_loaded, load_demo

    if not current_app.config.get("DEMO_ALLOWED") and not allow_production:
        _fail("demo data is not loaded in production; pass --allow-production if you really mean it")
    if if_empty and not database_is_empty():
        click.echo("Demo data not loaded: the database already has accounts.")
    else:
        try:
            assessment = load_demo(now=utcnow(), organisation=current_app.config["ORGANISATION_NAME"])
        except DomainError as error:
            _fail(str(error))
        db.session.commit()
        click.echo(f"Loaded demo assessment {assessment.reference}.")
    if demo_is_loaded():
        _echo_demo_accounts()


def _echo_demo_accounts() -> None:
    from dpia.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {email:<22} {role.label}")


questionnaire_cli = AppGroup("questionnaire", help="Work with questionnaire definitions.")
dpia_cli.add_command(questionnaire_cli)


@questionnaire_cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def questionnaire_check_command(files: tuple[str, ...]) -> None:
    """Validate definition FILES; print each problem as FILE:LINE: message and exit 1 if any."""
    from dpia.questionnaires.schema import check_text

    failed = False
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            click.echo(f"{name}:1: cannot read the file: {error}", err=True)
            failed = True
            continue
        problems = check_text(text, name)
        for problem in problems:
            click.echo(problem, err=True)
        failed = failed or bool(problems)
        if not problems:
            click.echo(f"{name}: ok")
    if failed:
        sys.exit(1)


audit_cli = AppGroup("audit", help="Check the tamper-evident audit log.")
dpia_cli.add_command(audit_cli)


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Check every link of the audit hash chain; report the first broken one and exit 1 if any.

    Keep the printed last hash somewhere outside the database: rows cut from the end of the log
    can only be noticed by comparing against an earlier last hash.
    """
    from dpia.services.audit import verify_chain

    result = verify_chain()
    if not result.ok:
        click.echo(f"broken at seq {result.broken_seq}: {result.reason}", err=True)
        sys.exit(1)
    click.echo(f"ok: {result.checked} events, chain intact (last hash {result.last_hash})")


def register_cli(app: Flask) -> None:
    app.cli.add_command(dpia_cli)
