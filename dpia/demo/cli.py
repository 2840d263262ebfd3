"""`flask --app app dpia demo`: load the live facial recognition demonstration."""

from __future__ import annotations

import click
from flask import current_app

from dpia.accounts.services.mfa import provisioning_uri, totp_issuer
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError
from dpia.demo.services import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRETS,
    database_is_empty,
    demo_is_loaded,
    load_demo,
)


@dpia_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no accounts (used by `make run`).")
@click.option("--allow-production", is_flag=True, help="Load even under the production configuration.")
def demo_command(if_empty: bool, allow_production: bool) -> None:
    """Load the live facial recognition demonstration: team, accounts and assessment."""
    if not current_app.config.get("DEMO_ALLOWED") and not allow_production:
        fail("demo data is not loaded in production; pass --allow-production if you really mean it")
    if if_empty and not database_is_empty():
        click.echo("Demo data not loaded: the database already has accounts.")
    else:
        try:
            assessment = load_demo(now=now(), organisation=current_app.config["ORGANISATION_NAME"])
        except DomainError as error:
            fail(str(error))
        click.echo(f"Loaded demo assessment {assessment.reference}.")
    if demo_is_loaded():
        click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, _name, role, _team in DEMO_ACCOUNTS:
            click.echo(f"  {email:<22} {role.label}")
        click.echo("Staff accounts also need a code from an authenticator app. Add each secret (demonstration only)"
                   " by hand, or open its otpauth link on a device with an authenticator app:")
        for email, secret in DEMO_TOTP_SECRETS.items():
            click.echo(f"  {email:<22} {secret}  {provisioning_uri(email, secret, totp_issuer())}")
