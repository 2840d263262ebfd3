"""Questionnaires: versioned definitions (built-in YAML in `builtin/`), their schema, diffs and admin."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.questionnaires import cli, models  # noqa: F401 - registers the models and the commands
    from dpia.questionnaires.rules.definition import QuestionType, RowKind
    from dpia.questionnaires.rules.diff import Status

    # Enums templates compare with, so no template spells a stored value.
    for enum_class in (QuestionType, RowKind, Status):
        app.add_template_global(enum_class, enum_class.__name__)
