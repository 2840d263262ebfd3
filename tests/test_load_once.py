"""Load once, pass down: saving a section, recording a sign-off and scheduling publication each issue
the same number of SQL statements whatever the number of sections in the questionnaire."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.schema import parse
from dpia.questionnaires.services import load_definition
from tests import factories
from tests.web import as_user, csrf_token

SMALL, LARGE = 2, 20  # extra sections on top of the "all-types" questionnaire


def wide_version(extra: int) -> QuestionnaireVersion:
    """The "all-types" test questionnaire with `extra` more sections of one question each."""
    text = (factories.FIXTURES / "all-types.yaml").read_text().replace("key: all-types", f"key: wide-{extra}", 1)
    text += "".join(f"  - key: extra{n}\n    title: Extra {n}\n    questions:\n"
                    f"      - {{key: extra{n}.note, label: Note {n}, type: short_text}}\n" for n in range(extra))
    return load_definition(parse(text, f"wide-{extra}.yaml"), now=factories.NOW).version


def publisher_with(extra: int) -> factories.Publisher:
    publisher = factories.Publisher()
    publisher.version = wide_version(extra)
    return publisher


def statements(count_queries: Callable, send: Callable[[], object]) -> int:
    with count_queries() as counter:
        response = send()
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return counter.count


def base(revision) -> str:  # noqa: ANN001
    return f"/assessments/{revision.assessment.reference}/revisions/{revision.number}"


def save_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    factories.commit()
    client = as_user(app, publisher.author(revision.assessment.team))
    path = f"{base(revision)}/sections/extra0"
    token = csrf_token(client, path)
    return statements(count_queries, lambda: client.post(path, data={
        "csrf_token": token, "lock_version": "0", "f-extra0--note": "A note"}))


def sign_off_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    publisher.submit(revision)
    publisher.send_for_sign_off(revision)
    factories.commit()
    client = as_user(app, publisher.reviewer)
    path = f"{base(revision)}/sign-off"
    token = csrf_token(client, path)
    return statements(count_queries, lambda: client.post(path, data={
        "csrf_token": token, "kind": "measures_approved", "position": "Head of Policing"}))


def schedule_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    publisher.approve(revision)
    publisher.decide(revision)
    factories.commit()
    client = as_user(app, publisher.dpo)
    path = f"{base(revision)}/publication"
    token = csrf_token(client, path)
    return statements(count_queries, lambda: client.post(f"{path}/schedule", data={
        "csrf_token": token, "publish_date": ["1", "6", "2030"], "publish_time": "09:30"}))


@pytest.mark.parametrize("measure", [save_statements, sign_off_statements, schedule_statements],
                         ids=["save", "sign-off", "schedule"])
def test_statements_do_not_grow_with_the_number_of_sections(app, db, count_queries, measure):
    small = measure(app, count_queries, SMALL)
    large = measure(app, count_queries, LARGE)
    assert small == large
