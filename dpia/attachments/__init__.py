"""Attachments: evidence files on a question or a revision, stored content-addressed outside the database."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.attachments import cli, models  # noqa: F401 - registers the models and `dpia attachments-*`
    from dpia.attachments.rules import size_label
    from dpia.attachments.services import copy_attachments
    from dpia.review.services.revisions import carry_into_new_revisions

    app.config.setdefault("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
    app.add_template_global(size_label, "attachment_size")
    # A new revision keeps the evidence of the one it starts from (new rows, the same stored bytes).
    carry_into_new_revisions("attachments.files", copy_attachments)
