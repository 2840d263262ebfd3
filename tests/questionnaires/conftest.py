"""The built-in definitions, read once for the whole session (they are plain values)."""

from __future__ import annotations

import pytest

from dpia.questionnaires.rules.definition import Definition, combine
from tests.questionnaires.builtin import BUILTIN_FILES, load


@pytest.fixture(scope="session")
def definitions() -> dict[str, Definition]:
    return {d.key: d for d in (load(path) for path in BUILTIN_FILES)}


@pytest.fixture(scope="session")
def core(definitions: dict[str, Definition]) -> Definition:
    return definitions["uk-dpia"]


@pytest.fixture(scope="session")
def lfr(definitions: dict[str, Definition]) -> Definition:
    return definitions["lfr-add-on"]


@pytest.fixture(scope="session")
def combined(core: Definition, lfr: Definition) -> Definition:
    return combine(core, (lfr,))
