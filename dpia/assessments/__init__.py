"""Assessments: revisions, answers and table rows, content, progress, upgrade and the revision diff."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.assessments import models  # noqa: F401 - registers the models
    from dpia.assessments.rules.answers import display_text
    from dpia.assessments.rules.diff import Op
    from forms.assessments import condition_attributes, field_name

    app.add_template_global(display_text, "answer_text")
    app.add_template_global(field_name, "field_name")
    app.add_template_global(condition_attributes, "condition_attributes")
    app.add_template_global(Op, "Op")
