"""The cost of a published page: a visitor whose copy is current gets 304 from one statement, before
the stored page (or PDF, or JSON) is read and before any template renders; nothing is hashed per
request; and the ETag moves whenever what the page shows moves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dpia.assessments.models import Revision
from dpia.core import hashing
from dpia.publication.views import register as views
from tests import factories
from tests.factories import Publisher, commit, db_session, published
from tests.web import text_of

CLOCK = factories.CLOCK
PAGE = "/register/DPIA-2017-004"
HTML_COLUMN = re.compile(r"\bpublication\.html\b")


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


@pytest.fixture()
def two_revisions(publisher, clock):  # noqa: ANN001, ANN201
    items = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                      reference="DPIA-2017-004", revisions=2)
    commit()
    return items


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("not on this request")


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/1", f"{PAGE}/2"])
def test_a_conditional_request_costs_one_statement_and_never_reads_the_page(client, two_revisions, count_queries,
                                                                            monkeypatch, path):
    etag = client.get(path).headers["ETag"]
    monkeypatch.setattr(views, "_render", _refuse)  # no notices, no history, no template at all
    monkeypatch.setattr(views, "fill_markers", _refuse)
    with count_queries() as counter:
        response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag and response.cache_control.public
    assert counter.count == 1
    assert not any(HTML_COLUMN.search(statement) for statement in counter.statements), counter.statements


def test_a_full_page_costs_two_statements_and_is_the_stored_page_with_its_fragments(client, two_revisions,
                                                                                   count_queries):
    with count_queries() as counter:
        response = client.get(f"{PAGE}/1")
    assert response.status_code == 200 and counter.count == 2
    page = text_of(response)
    assert "Revision one aims" in page and "Superseded by revision 2" in page and "Revision history" in page


@pytest.mark.parametrize(("path", "column"), [(f"{PAGE}.pdf", "pdf"), (f"{PAGE}/1.pdf", "pdf"),
                                              (f"{PAGE}.json", "json"), (f"{PAGE}/2.json", "json")])
def test_a_conditional_request_for_a_file_leaves_its_bytes_in_the_database(client, two_revisions, count_queries,
                                                                           monkeypatch, path, column):
    first = client.get(path)
    assert first.status_code == 200 and len(first.data) > 100
    rows = []
    real = views.service.visible_file

    def spy(*args: object, **kwargs: object):  # noqa: ANN202
        rows.append(real(*args, **kwargs))
        return rows[-1]

    monkeypatch.setattr(views.service, "visible_file", spy)
    with count_queries() as counter:
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and counter.count == 1
    assert rows[-1].body is None  # the digest matched in the database: no bytes came back
    other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.data == first.data and rows[-1].body is not None


def test_no_hashing_during_a_request(client, two_revisions, monkeypatch):
    paths = [PAGE, f"{PAGE}/1", f"{PAGE}.pdf", f"{PAGE}/1.json"]
    etags = {path: client.get(path).headers["ETag"] for path in paths}  # (the fragments' version is made once)
    monkeypatch.setattr(hashing, "sha256", _refuse)
    monkeypatch.setattr(views, "sha256", _refuse)
    for path in paths:
        assert client.get(path).status_code == 200, path
        assert client.get(path, headers={"If-None-Match": etags[path]}).status_code == 304, path


def test_the_etag_is_built_from_the_stored_hash(client, two_revisions):
    first, second = two_revisions
    assert client.get(PAGE).headers["ETag"].startswith(f'"{second.html_sha256[:40]}.')
    assert client.get(f"{PAGE}/1").headers["ETag"].startswith(f'"{first.html_sha256[:40]}.')
    assert client.get(f"{PAGE}/1.pdf").headers["ETag"] == f'"{first.pdf_sha256}"'


def test_the_etag_changes_when_a_later_revision_is_published(client, publisher, two_revisions, clock):
    _first, second = two_revisions
    before = {path: client.get(path).headers["ETag"] for path in (PAGE, f"{PAGE}/1", f"{PAGE}/2")}
    third = publisher.revise(db_session().get(Revision, second.revision_id), aims="Revision three aims")
    publisher.publish(third, CLOCK + timedelta(hours=1))
    commit()
    for path, etag in before.items():  # scheduled, not yet public: nothing shown has changed
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304, path
    clock.set(CLOCK + timedelta(hours=1))
    for path, etag in before.items():
        after = client.get(path, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["ETag"] != etag, path
    assert "Revision three aims" in text_of(client.get(PAGE))
    assert "Superseded by revision 3" in text_of(client.get(f"{PAGE}/2"))


def test_the_etag_changes_when_the_shown_revision_is_withdrawn(client, publisher, two_revisions):
    first, second = two_revisions
    latest, older = client.get(PAGE), client.get(f"{PAGE}/1")
    publisher.withdraw(second, "Published with a mistake")
    commit()
    again = client.get(PAGE, headers={"If-None-Match": latest.headers["ETag"]})
    assert again.status_code == 200 and "Revision one aims" in text_of(again)  # revision 1 is the latest again
    assert client.get(f"{PAGE}/2", headers={"If-None-Match": latest.headers["ETag"]}).status_code == 404
    changed = client.get(f"{PAGE}/1", headers={"If-None-Match": older.headers["ETag"]})
    assert changed.status_code == 200 and "Superseded by" not in text_of(changed)
    assert "Revision 2 was withdrawn on" in text_of(changed)
    publisher.withdraw(first, "Replaced by a new assessment")
    commit()
    assert client.get(PAGE, headers={"If-None-Match": again.headers["ETag"]}).status_code == 404


def test_the_etag_depends_on_the_fragments_templates(client, two_revisions, monkeypatch):
    etag = client.get(PAGE).headers["ETag"]
    views._fragments_version.cache_clear()
    monkeypatch.setattr(views, "FRAGMENTS", ("public/_notices.html",))  # as if a template had changed
    try:
        assert client.get(PAGE, headers={"If-None-Match": etag}).status_code == 200
    finally:
        views._fragments_version.cache_clear()
