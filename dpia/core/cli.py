"""The `flask --app app dpia ...` command group. Each command runs in one transaction.

Areas add their commands with `command(...)`; a command calls a service and reports, and the group
commits once when it returns (or rolls back when it fails), as a request does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click
from flask.cli import AppGroup, with_appcontext

from dpia.core.transaction import in_transaction, rollback


class TransactionalGroup(AppGroup):
    """An `AppGroup` whose commands each run inside an app context and one transaction."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
        def decorator(function: Callable[..., Any]) -> click.Command:
            return click.Group.command(self, *args, **kwargs)(with_appcontext(in_transaction(function)))

        return decorator

    def group(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Group]:
        kwargs.setdefault("cls", TransactionalGroup)
        return click.Group.group(self, *args, **kwargs)


dpia_cli = TransactionalGroup("dpia", help="Manage the DPIA service.")


def fail(message: str) -> NoReturn:
    """Stop the command with an error message and exit status 1; nothing it did is kept."""
    rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
