"""The built-in demonstration: the live facial recognition case, loaded by `flask dpia demo`."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.demo import cli  # noqa: F401 - registers `dpia demo`
