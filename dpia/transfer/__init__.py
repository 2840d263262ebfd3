"""Transfer: the lossless export and import of an assessment as canonical, versioned JSON."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
