"""Entry point for `flask --app app ...` and gunicorn (`gunicorn 'app:create_app()'`)."""

from dpia import create_app

__all__ = ["create_app"]
