"""E-mail: a transactional outbox written with the change that causes a message, and the worker
(`flask dpia worker`) that delivers it over SMTP, or to a local inbox for development."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.mail import models, tasks  # noqa: F401 - registers the outbox model and `dpia worker`
