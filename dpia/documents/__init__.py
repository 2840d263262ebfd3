"""One revision as a document (what its page, PDF and JSON are made from), the PDF renderer, and the
stored exports that the worker builds."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.documents import models, tasks  # noqa: F401 - registers the stored export model

    # `flask dpia worker` (dpia/mail/tasks.py) runs every job registered under this key.
    app.extensions.setdefault("dpia.worker_jobs", {})["exports built"] = tasks.build_next_export
