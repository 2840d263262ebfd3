"""Load once, pass down: saving a section, recording a sign-off, the approver's decision and scheduling
publication each issue the same number of SQL statements whatever the number of sections."""

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


def posted(app: Flask, count_queries: Callable, who, page: str, action: str, data: dict) -> int:  # noqa: ANN001
    """Commit what the test set up, then post `data` to `action` as `who` (the token from `page`), and
    count the statements the request issued."""
    factories.commit()
    client = as_user(app, who)
    token = csrf_token(client, page)
    with count_queries() as counter:
        response = client.post(action, data={"csrf_token": token, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return counter.count


def base(revision) -> str:  # noqa: ANN001
    return f"/assessments/{revision.assessment.reference}/revisions/{revision.number}"


def save_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    path = f"{base(revision)}/sections/extra0"
    return posted(app, count_queries, publisher.author(revision.assessment.team), path, path,
                  {"lock_version": "0", "f-extra0--note": "A note"})


def awaiting_sign_off(extra: int):  # noqa: ANN201
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    publisher.submit(revision)
    publisher.send_for_sign_off(revision)
    return publisher, revision


def sign_off_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher, revision = awaiting_sign_off(extra)
    path = f"{base(revision)}/sign-off"
    return posted(app, count_queries, publisher.reviewer, path, path,
                  {"kind": "measures_approved", "position": "Head of Policing"})


def decision_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    """The approver's decision runs every gate: content, sign-off rows, conditions."""
    publisher, revision = awaiting_sign_off(extra)
    publisher.sign(revision)
    return posted(app, count_queries, publisher.approver, f"{base(revision)}/sign-off", f"{base(revision)}/decision",
                  {"outcome": "approve_with_conditions", "condition_1_action": "Publish the criteria",
                   "condition_1_owner": "Project lead", "condition_1_due": ["30", "6", "2099"]})


def schedule_statements(app: Flask, count_queries: Callable, extra: int) -> int:
    publisher = publisher_with(extra)
    revision = publisher.draft(aims="Find people")
    publisher.approve(revision)
    publisher.decide(revision)
    path = f"{base(revision)}/publication"
    return posted(app, count_queries, publisher.dpo, path, f"{path}/schedule",
                  {"publish_date": ["1", "6", "2030"], "publish_time": "09:30"})


@pytest.mark.parametrize("measure", [save_statements, sign_off_statements, decision_statements,
                                     schedule_statements], ids=["save", "sign-off", "decision", "schedule"])
def test_statements_do_not_grow_with_the_number_of_sections(app, db, count_queries, measure):
    small = measure(app, count_queries, SMALL)
    large = measure(app, count_queries, LARGE)
    assert small == large


def counting_load_content(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace `load_content` wherever dpia imported it with a wrapper that records each revision loaded."""
    import sys

    from dpia.assessments.services import content as content_module

    original = content_module.load_content
    loaded: list[int] = []

    def counting(revision):  # noqa: ANN001, ANN202
        loaded.append(revision.number)
        return original(revision)

    for name, module in list(sys.modules.items()):
        if name.startswith("dpia") and getattr(module, "load_content", None) is original:
            monkeypatch.setattr(module, "load_content", counting)
    return loaded


@pytest.mark.parametrize("earlier", [False, True], ids=["first publication", "with a published revision"])
def test_scheduling_loads_each_revisions_content_once(app, db, monkeypatch, earlier):
    """The schedule POST loads the revision's content once, and the previously published revision's
    once more (for the public change summary), however many sections, decisions and redactions."""
    publisher = publisher_with(SMALL)
    revision = publisher.draft(aims="Find people")
    if earlier:
        publisher.publish(revision, factories.NOW)
        revision = publisher.revise(revision, aims="Find fewer people")
    publisher.approve(revision)
    publisher.decide(revision)
    publisher.decide(revision, planned="2030-Q1")
    factories.commit()
    client = as_user(app, publisher.dpo)
    path = f"{base(revision)}/publication"
    token = csrf_token(client, path)
    loaded = counting_load_content(monkeypatch)
    response = client.post(f"{path}/schedule", data={"csrf_token": token, "publish_date": ["1", "6", "2030"],
                                                     "publish_time": "09:30"})
    assert response.status_code == 302
    assert loaded == ([revision.number, revision.number - 1] if earlier else [revision.number])
