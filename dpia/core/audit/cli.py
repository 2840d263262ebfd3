"""`flask --app app dpia audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import sys

import click

from dpia.core.audit.services import verify_chain
from dpia.core.cli import dpia_cli


@dpia_cli.group("audit", help="Check the tamper-evident audit log.")
def audit_cli() -> None:
    """Check the tamper-evident audit log."""


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Check every link of the audit hash chain; report the first broken one and exit 1 if any.

    Keep the printed last hash somewhere outside the database: rows cut from the end of the log
    can only be noticed by comparing against an earlier last hash.
    """
    result = verify_chain()
    if not result.ok:
        click.echo(f"broken at seq {result.broken_seq}: {result.reason}", err=True)
        sys.exit(1)
    click.echo(f"ok: {result.checked} events, chain intact (last hash {result.last_hash})")
