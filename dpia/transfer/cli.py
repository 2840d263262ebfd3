"""`flask --app app dpia export REFERENCE [--output FILE]` and `flask --app app dpia import FILE [--as REFERENCE]`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app

from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError
from dpia.transfer.rules.reading import DEFAULT_MAX_BYTES, FileProblem, check_size
from dpia.transfer.services.export import export_assessment
from dpia.transfer.services.importer import import_assessment


def max_bytes() -> int:
    return int(current_app.config.get("TRANSFER_MAX_BYTES", DEFAULT_MAX_BYTES))


@dpia_cli.command("export")
@click.argument("reference")
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True),
              help="Write the file here instead of to standard output.")
def export_command(reference: str, output: str | None) -> None:
    """Export assessment REFERENCE, with its whole history, as canonical JSON (docs/export-format.md)."""
    try:
        data = export_assessment(actor=None, now=now(), reference=reference)
    except DomainError as error:
        fail(str(error))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
    click.echo(f"{reference}: exported to {output} ({len(data)} bytes)", err=True)


@dpia_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--as", "reference", metavar="REFERENCE", help="Import under this reference instead of the file's own.")
def import_command(file: str, reference: str | None) -> None:
    """Import an export FILE as a new assessment; prints its reference."""
    limit = max_bytes()
    try:
        check_size(os.path.getsize(file), limit)  # before reading any of it
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    except FileProblem as problem:
        fail(f"{file}: {problem}")
    except OSError as error:
        fail(f"{file}: cannot read the file: {error.strerror}")
    try:
        result = import_assessment(actor=None, now=now(), data=data, reference=reference, max_bytes=limit)
    except DomainError as error:
        fail(f"{file}: {error}")
    click.echo(result.assessment.reference)
