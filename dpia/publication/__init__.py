"""Publication: decisions to publish, redactions, scheduling rendered bundles, and the public register."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.publication import models  # noqa: F401 - registers the models
