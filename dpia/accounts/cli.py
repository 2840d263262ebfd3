"""Account commands: `flask --app app dpia create-user`."""

from __future__ import annotations

import sys

import click

from dpia.accounts.rules import Role
from dpia.accounts.services.users import create_user
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError


@dpia_cli.command("create-user")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name as shown to colleagues.")
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice([r.value for r in Role]), help="Role; repeat for several.")
@click.option("--team", "teams", multiple=True, help="Team to join (created if new); repeatable.")
def create_user_command(email: str, name: str, roles: tuple[str, ...], teams: tuple[str, ...]) -> None:
    """Create an account. The password is prompted for, or read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(actor=None, now=now(), email=email, name=name, password=password,
                           roles=[Role(r) for r in roles], team_names=teams)
    except DomainError as error:
        fail(str(error))
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))})")
