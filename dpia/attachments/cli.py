"""`flask --app app dpia attachments-check` and `attachments-prune`: the evidence file store against its rows."""

from __future__ import annotations

import click

from dpia.attachments.services import check_store, prune_store
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now


@dpia_cli.command("attachments-check")
def check_command() -> None:
    """Check that every evidence file's content is stored and unchanged (after a restore or a move of
    ATTACHMENTS_DIR); exit status 1 if any is missing or damaged."""
    report = check_store()
    for digest in report.missing:
        click.echo(f"missing: {digest}")
    for digest in report.damaged:
        click.echo(f"damaged: {digest}")
    click.echo(f"{len(report.unreferenced)} stored file(s) no longer used (remove with `dpia attachments-prune`).")
    if report.missing or report.damaged:
        fail(f"{len(report.missing)} missing and {len(report.damaged)} damaged evidence file(s)")
    click.echo("Every evidence file is stored and matches its SHA-256.")


@dpia_cli.command("attachments-prune")
def prune_command() -> None:
    """Delete stored content that no evidence file points at any more (kept for an hour after writing)."""
    removed = prune_store(now=now())
    click.echo(f"Removed {len(removed)} stored file(s) no evidence file uses.")
