"""Running `flask dpia ...` commands in tests."""

from click.testing import Result
from flask import Flask


def run(app: Flask, *args: str, input: str | None = None) -> Result:  # noqa: A002
    """Invoke `flask dpia <args>` on `app`, with `input` on stdin."""
    return app.test_cli_runner().invoke(args=["dpia", *args], input=input)
