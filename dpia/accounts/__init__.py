"""Accounts: people, teams, roles, passwords, signing in and server-side sessions."""

import logging

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.accounts import cli, models  # noqa: F401 - registers the models and `dpia create-user`
    from dpia.accounts.views.cookie import SessionCookie

    app.session_interface = SessionCookie()

    # Authlib logs PKCE verifiers and tokens at DEBUG: keep it at INFO whatever the root logger's level.
    logging.getLogger("authlib").setLevel(logging.INFO)
