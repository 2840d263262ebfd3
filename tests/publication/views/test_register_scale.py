"""The register at size: its statements are the same with 1x and 10x the published assessments, on
the first page, the last, a search and a team filter, and none of them reads a stored bundle."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.factories import Publisher, commit, published
from tests.web import text_of

LISTINGS = ["/register", "/register?page=2", "/register?page=3", "/register?q=assessment",
            "/register?q=assessment&page=3", "/register?team=Estates", "/register.json"]
BUNDLE_COLUMNS = re.compile(r"\b(html|pdf|json|search_text)\b", re.IGNORECASE)


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


def _statements(client, count_queries, path: str) -> list[str]:  # noqa: ANN001
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.statements


def _publish(publisher: Publisher, team, start: int, count: int) -> None:  # noqa: ANN001
    for number in range(start, start + count):
        published(publisher, title=f"Assessment {number}", aims="Aims", team=team)
    commit()


def test_register_statements_are_the_same_with_10x_the_assessments(client, publisher, clock, count_queries,
                                                                   monkeypatch):
    from dpia.publication.views import register as public

    monkeypatch.setattr(public, "PER_PAGE", 2)
    estates = factories.create_team("Estates")
    _publish(publisher, estates, 0, 6)
    one = {path: _statements(client, count_queries, path) for path in LISTINGS}
    _publish(publisher, estates, 6, 54)
    ten = {path: _statements(client, count_queries, path) for path in LISTINGS}
    assert {path: len(statements) for path, statements in ten.items()} == \
        {path: len(statements) for path, statements in one.items()}
    assert max(len(statements) for statements in ten.values()) <= 4  # version, count, page, teams
    read = {path: BUNDLE_COLUMNS.findall(" ".join(statements)) for path, statements in ten.items()}
    assert read == {path: [] for path in LISTINGS}


def test_the_last_page_lists_the_oldest_assessments(client, publisher, clock, monkeypatch):
    from dpia.publication.views import register as public

    monkeypatch.setattr(public, "PER_PAGE", 2)
    _publish(publisher, factories.create_team("Estates"), 0, 5)  # the same publish_at: newest id first
    last = text_of(client.get("/register?page=3"))
    assert "Assessment 0" in last and "Assessment 1" not in last and "5 assessments" in last
    middle = text_of(client.get("/register?page=2"))
    assert "Assessment 2" in middle and "Assessment 1" in middle and "Assessment 0" not in middle


def test_a_capped_count_says_more_than(client, publisher, clock, monkeypatch):
    from dpia.publication.services import register as service

    monkeypatch.setattr(service, "CAP", 2)
    _publish(publisher, factories.create_team("Estates"), 0, 3)
    assert "More than 2 assessments found" in text_of(client.get("/register?q=assessment"))
    assert "3 assessments" in text_of(client.get("/register"))
