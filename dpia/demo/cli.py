"""`flask --app app dpia demo`: load the live facial recognition demonstration; `dpia seed-scale`: add data at size."""

from __future__ import annotations

import click
from flask import current_app

from dpia.accounts.services.mfa import provisioning_uri, totp_issuer
from dpia.core.cli import dpia_cli, fail
from dpia.core.clock import now
from dpia.core.errors import DomainError
from dpia.core.transaction import commit
from dpia.demo.services import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRETS,
    database_is_empty,
    demo_is_loaded,
    load_demo,
)
from dpia.demo.services.scale import seed_scale


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


@dpia_cli.command("seed-scale")
@click.option("--published", type=click.IntRange(min=0), default=0, show_default=True,
              help="Published assessments to add (a copy of the demo's bundle each).")
@click.option("--assessments", type=click.IntRange(min=0), default=0, show_default=True,
              help="Assessments to add across the workflow (drafts to approved).")
@click.option("--batch-size", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--allow-production", is_flag=True, help="Seed even under the production configuration.")
def seed_scale_command(published: int, assessments: int, batch_size: int, allow_production: bool) -> None:
    """Add data at size on top of the demo, with fresh references each run, then rebuild the register.

    Unlike other commands this one commits after every batch (a bulk load of hundreds of thousands of
    rows should neither hold one transaction open nor start again from nothing after a failure).
    """
    if not current_app.config.get("DEMO_ALLOWED") and not allow_production:
        fail("seeded data is not loaded in production; pass --allow-production if you really mean it")
    try:
        for progress in seed_scale(published=published, assessments=assessments, now=now(), batch_size=batch_size,
                                   organisation=current_app.config["ORGANISATION_NAME"]):
            commit()
            click.echo(f"{progress.what}: {progress.done}/{progress.total}")
    except DomainError as error:
        fail(str(error))
