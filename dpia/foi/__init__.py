"""Freedom of information: requests about an assessment and the s.22 evidence of an intention to publish."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.foi import models  # noqa: F401 - registers the models
