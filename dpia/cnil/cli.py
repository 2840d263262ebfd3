"""`flask --app app dpia import-cnil FILE`: import a PIA or a structure exported by the CNIL's PIA tool."""

from __future__ import annotations

from pathlib import Path

import click

from dpia.cnil.services.common import default_importer, find_account, report_counts, report_lines
from dpia.cnil.services.imports import import_file
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError


@dpia_cli.command("import-cnil")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--team", "team_name", help="The team that owns an imported PIA (created if new). "
                                          "Default: CNIL imports.")
@click.option("--by", "by_email", help="The administrator the import is recorded against. "
                                       "Default: the first administrator.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the import report (each CNIL field and where it went) to this file instead.")
def import_cnil_command(file: Path, team_name: str | None, by_email: str | None, report_file: Path | None) -> None:
    """Import FILE, a CNIL PIA export (it becomes an assessment) or structure (a questionnaire version)."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")
    actor = find_account(by_email) if by_email else default_importer()
    if actor is None:
        fail(f"no account {by_email}" if by_email else
             "no administrator account: create one with `flask dpia create-user --role admin`, or pass --by")
    try:
        outcome = import_file(actor=actor, now=now(), raw=raw, filename=file.name, team_name=team_name)
    except DomainError as error:
        fail(str(error))
    lines = report_lines(outcome.report)
    counts = ", ".join(f"{count} to {where}" for where, count in report_counts(outcome.report).items() if count)
    if report_file is not None:
        report_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        for line in lines:
            click.echo(line)
    click.echo(f"{len(lines)} fields: {counts}")
    click.echo(outcome.summary)
