"""Accounts: people, teams, roles, passwords, signing in and server-side sessions."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.accounts import cli, models  # noqa: F401 - registers the models and `dpia create-user`
