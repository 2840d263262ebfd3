"""Questionnaire commands: `load-questionnaires` and `questionnaire check FILE...`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError
from dpia.questionnaires.rules.schema import check_text
from dpia.questionnaires.services import load_builtin_questionnaires


@dpia_cli.command("load-questionnaires")
def load_questionnaires_command() -> None:
    """Load the built-in questionnaires; unchanged files are skipped, changed ones get a new version."""
    try:
        results = load_builtin_questionnaires(now=now())
    except DomainError as error:
        fail(str(error))
    for result in results:
        state = "loaded as" if result.created else "unchanged at"
        click.echo(f"{result.key}: {state} version {result.version.number} ({result.version.label})")


@dpia_cli.group("questionnaire", help="Work with questionnaire definitions.")
def questionnaire_cli() -> None:
    """Work with questionnaire definitions."""


@questionnaire_cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def questionnaire_check_command(files: tuple[str, ...]) -> None:
    """Validate definition FILES; print each problem as FILE:LINE: message and exit 1 if any."""
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
