"""Review: the workflow's states and transitions, comments, sign-off, and the decisions behind revisions."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.review import models  # noqa: F401 - registers the models
    from dpia.review.rules.states import RevisionState

    app.add_template_global(RevisionState, "RevisionState")
