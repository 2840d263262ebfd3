"""The read API: JSON for other systems, with personal access tokens and an OpenAPI document."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
