"""Transfer: the lossless export and import of an assessment as canonical, versioned JSON."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.transfer import cli, models  # noqa: F401 - registers the commands and the imported audit table
