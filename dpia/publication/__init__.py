"""Publication: decisions to publish, redactions, scheduling rendered bundles, and the public register."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.publication import models  # noqa: F401 - registers the models
    from dpia.publication.services.redactions import carry_redactions
    from dpia.review.services.revisions import carry_into_new_revisions

    # A new revision starts with the previous one's redactions as proposals (see services/redactions.py).
    carry_into_new_revisions("publication.redactions", carry_redactions)
