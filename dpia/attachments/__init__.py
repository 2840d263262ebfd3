"""Attachments: evidence files on a question or a revision, stored content-addressed outside the database."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
