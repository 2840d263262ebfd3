"""CNIL: importing assessments and templates exported by the CNIL's open-source PIA tool."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
