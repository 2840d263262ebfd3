"""`flask --app app dpia api-token-limit` and `dpia revoke-api-tokens`: an operator's controls over
personal access tokens (people manage their own on their account page)."""

from __future__ import annotations

import click

from dpia.accounts.services.users import find_user_by_email
from dpia.api.services.tokens import revoke_all_tokens_of, set_rate_limit
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import NotFoundError, ValidationError


@dpia_cli.command("api-token-limit")
@click.argument("token_id", type=int)
@click.argument("limit", type=int)
def api_token_limit_command(token_id: int, limit: int) -> None:
    """Set how many requests a minute the token TOKEN_ID may make."""
    try:
        row = set_rate_limit(now=now(), token_id=token_id, limit=limit)
    except NotFoundError:
        fail(f"there is no API token {token_id}")
    except ValidationError as error:
        fail(str(error))
    click.echo(f"API token {row.id} ({row.name}) may now make {row.rate_limit_per_minute} requests a minute.")


@dpia_cli.command("revoke-api-tokens")
@click.argument("email")
def revoke_api_tokens_command(email: str) -> None:
    """Revoke every live API token of the account with this EMAIL."""
    user = find_user_by_email(email)
    if user is None:
        fail(f"there is no account for {email}")
    count = revoke_all_tokens_of(user, now=now())
    click.echo(f"Revoked {count} API token{'' if count == 1 else 's'} of {user.email}.")
