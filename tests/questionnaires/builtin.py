"""The built-in questionnaires read and checked the way `load-questionnaires` does, for tests of their content."""

from __future__ import annotations

from pathlib import Path

from dpia.questionnaires.rules.definition import Definition, Question
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.rules.schema import parse
from dpia.questionnaires.services import BUILTIN_DIR

BUILTIN_FILES = sorted(BUILTIN_DIR.glob("*.yaml"))


def load(path: Path) -> Definition:
    return definition_from_dict(parse(path.read_text(encoding="utf-8"), str(path)))


def question(definition: Definition, key: str) -> Question:
    found = definition.question(key)
    assert found is not None, f"no question {key}"
    return found
