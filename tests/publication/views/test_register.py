"""The public register: list, search, pages, published revisions and their files, the feed, the
upcoming list, caching, scheduled visibility, and the fixed cost of a published page.

Everything is built through the services (approval with sign-offs, a recorded decision, optional
redactions, scheduling) by `factories.Publisher`, committed, and read back anonymously through HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select

from dpia.accounts.models import UserSession
from dpia.accounts.rules import Role
from dpia.assessments.models import Revision
from dpia.core.clock import set_clock
from dpia.core.extensions import db as _db
from tests import factories
from tests.databases import backends
from tests.factories import Publisher, commit, db_session, published
from tests.web import feed_entries, pdf_text, register_json, sign_in, text_of

NOW = factories.NOW  # what the services are told the time is while the data is built
CLOCK = factories.CLOCK  # what the public pages are told it is (the `clock` fixture)


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


# -- the list, search, filter and pages ---------------------------------------------------------

def test_register_lists_the_latest_published_revision_of_each_assessment(client, publisher, clock):
    team = factories.create_team("Live Facial Recognition")
    lfr = published(publisher, title="Live facial recognition trial", aims="Scan faces at events", team=team,
                    reference="DPIA-2017-004", revisions=2)
    cctv = published(publisher, title="Town centre CCTV upgrade", aims="Replace cameras",
                     reference="DPIA-2018-002", publish_at=CLOCK - timedelta(days=1))
    commit()
    response = client.get("/register")
    assert response.status_code == 200
    page = text_of(response)
    assert "Live facial recognition trial" in page and "Town centre CCTV upgrade" in page
    assert "DPIA-2017-004" in page and "Live Facial Recognition" in page
    assert "2 assessments" in page
    assert page.index("Town centre CCTV upgrade") < page.index("Live facial recognition trial")  # newest first
    assert f"{lfr[1].publish_at.day} {lfr[1].publish_at.strftime('%B %Y')}" in page  # the latest revision's date
    assert 'href="/register/DPIA-2017-004"' in page and 'href="/register/DPIA-2018-002"' in page
    # An accessible search form: labelled fields and a button, sent with GET.
    assert '<form method="get" action="/register" role="search"' in page
    assert re.search(r'<label\b[^>]*\bfor="q"[^>]*>\s*Search by title, team or text\s*</label>', page)
    assert re.search(r'<label\b[^>]*\bfor="team"[^>]*>\s*Team\s*</label>', page)
    assert '<button type="submit"' in page and "Search" in page
    assert cctv[0].revision_number == 1


@pytest.mark.parametrize("query", ["facial", "FACIAL recognition", "live facial", "Surveillance Unit", "watchlist"])
def test_search_matches_title_team_and_text(client, publisher, clock, query):
    published(publisher, title="Live facial recognition trial", aims="Compare faces with a watchlist",
              team=factories.create_team("Surveillance Unit"), reference="DPIA-2017-004")
    published(publisher, title="Payroll system", aims="Pay staff", reference="DPIA-2018-010")
    commit()
    page = text_of(client.get("/register", query_string={"q": query}))
    assert "Live facial recognition trial" in page
    assert "Payroll system" not in page
    assert "1 assessment found" in page
    assert f'value="{query}"' in page  # the search box keeps what was typed


def test_search_with_no_match_says_so(client, publisher, clock):
    published(publisher, title="Payroll system", aims="Pay staff")
    commit()
    page = text_of(client.get("/register?q=nothing-like-this"))
    assert "0 assessments found" in page and "No published assessment matches" in page
    assert "Payroll system" not in page


def test_team_filter(client, publisher, clock):
    police = factories.create_team("Operational Policing")
    published(publisher, title="Body worn video", aims="Record incidents", team=police)
    published(publisher, title="Payroll system", aims="Pay staff", team=factories.create_team("Finance"))
    commit()
    page = text_of(client.get("/register"))
    assert '<option value="Operational Policing">Operational Policing</option>' in page
    assert '<option value="Finance">Finance</option>' in page
    filtered = text_of(client.get("/register", query_string={"team": "Operational Policing"}))
    assert "Body worn video" in filtered and "Payroll system" not in filtered
    assert '<option value="Operational Policing" selected>' in filtered
    assert "Body worn video" not in text_of(client.get("/register", query_string={"team": "Finance"}))


def test_pages(client, publisher, clock, monkeypatch):
    from dpia.publication.views import register as public

    assert public.PER_PAGE == 20
    monkeypatch.setattr(public, "PER_PAGE", 2)
    for n in range(5):
        published(publisher, title=f"Assessment number {n}", aims="Aims",
                  publish_at=CLOCK - timedelta(days=10 - n))
    commit()
    first = text_of(client.get("/register"))
    assert "Assessment number 4" in first and "Assessment number 3" in first and "Assessment number 2" not in first
    assert 'href="/register?page=2"' in first and 'rel="next"' in first
    third = text_of(client.get("/register?page=3"))
    assert "Assessment number 0" in third and "Assessment number 1" not in third
    assert 'rel="prev"' in third and 'href="/register?page=2"' in third
    beyond = client.get("/register?page=9")
    assert beyond.status_code == 200 and "There are no assessments on this page" in text_of(beyond)
    searched = text_of(client.get("/register?q=number&page=1"))
    assert 'href="/register?q=number&amp;page=2"' in searched  # pages keep the search


@pytest.mark.parametrize("page", ["two", "1.5", "-1", "0", "", "١", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_is_a_bad_request(client, clock, page):
    assert client.get("/register", query_string={"page": page}).status_code == 400
    assert client.get("/register.json", query_string={"page": page}).status_code == 400


# -- published revisions ------------------------------------------------------------------------

def test_latest_and_specific_revisions_with_superseded_notice_and_history(client, publisher, clock):
    items = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                      reference="DPIA-2017-004", revisions=3)
    commit()
    latest = text_of(client.get("/register/DPIA-2017-004"))
    assert "Revision one aims (revision 3)" in latest and "Superseded by" not in latest
    assert "<!--dpia:notices-->" not in latest and "<!--dpia:history-->" not in latest
    assert "Revision history" in latest
    for number in (1, 2):
        assert f'href="/register/DPIA-2017-004/{number}"' in latest
    assert "Revision 3 <span" in latest and "(this page)" in latest

    first = client.get("/register/DPIA-2017-004/1")
    assert first.status_code == 200
    page = text_of(first)
    assert "Revision one aims" in page and "Revision one aims (revision" not in page
    when = items[2].publish_at
    assert f"Superseded by revision 3, published {when.day} {when.strftime('%B %Y')}." in page
    assert 'href="/register/DPIA-2017-004/3">Read revision 3</a>' in page
    second = text_of(client.get("/register/DPIA-2017-004/2"))
    assert "Superseded by revision 3" in second
    assert client.get("/register/DPIA-2017-004/3").status_code == 200
    assert "Superseded by" not in text_of(client.get("/register/DPIA-2017-004/3"))
    for path in ("/register/DPIA-2017-004/4", "/register/DPIA-2017-004/0", "/register/NO-SUCH",
                 "/register/NO-SUCH/1", "/register/NO-SUCH.pdf", "/register/NO-SUCH/1.json"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in text_of(response)


def test_withdrawn_publication_is_gone_from_every_channel_but_listed_in_history(client, publisher, clock):
    first, second = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                              reference="DPIA-2017-004", revisions=2)
    publisher.withdraw(second, "Published with a mistake in the retention table")
    commit()
    for path in ("/register/DPIA-2017-004/2", "/register/DPIA-2017-004/2.pdf", "/register/DPIA-2017-004/2.json"):
        assert client.get(path).status_code == 404, path
    page = text_of(client.get("/register/DPIA-2017-004"))
    assert "Revision one aims" in page and "(revision 2)" not in page
    when = NOW
    withdrawn = f"Withdrawn on {when.day} {when.strftime('%B %Y')}: Published with a mistake in the retention table"
    assert withdrawn in page
    assert "Revision 2 was withdrawn on" in page  # and a notice says the shown revision is the latest left
    assert 'href="/register/DPIA-2017-004/2"' not in page  # no link to what is gone
    assert "Superseded by" not in text_of(client.get("/register/DPIA-2017-004/1"))
    pdf = client.get("/register/DPIA-2017-004.pdf")
    assert pdf.status_code == 200 and pdf.data == first.pdf
    assert json.loads(client.get("/register/DPIA-2017-004.json").data)["publication"]["revision"] == 1
    assert [item["revision"] for item in register_json(client)] == [1]
    assert [entry["title"].split(":")[0] for entry in feed_entries(client)] == ["DPIA-2017-004 revision 1"]
    assert "(revision 2)" not in text_of(client.get("/register?q=revision"))

    publisher.withdraw(first, "Replaced by a new assessment")
    commit()
    for path in ("/register/DPIA-2017-004", "/register/DPIA-2017-004.pdf", "/register/DPIA-2017-004.json",
                 "/register/DPIA-2017-004/1"):
        assert client.get(path).status_code == 404, path
    assert register_json(client) == [] and feed_entries(client) == []


def test_pdf_and_json_of_latest_and_specific_revisions(client, publisher, clock):
    first, second = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                              reference="DPIA-2017-004", revisions=2)
    commit()
    for path, item in (("/register/DPIA-2017-004.pdf", second), ("/register/DPIA-2017-004/1.pdf", first),
                       ("/register/DPIA-2017-004/2.pdf", second)):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF") and response.data == item.pdf
        assert response.headers["Content-Disposition"] == \
            f"inline; filename*=UTF-8''DPIA-2017-004-revision-{item.revision_number}.pdf"
        text = pdf_text(response.data)
        assert "Live facial recognition trial" in text
    assert "Revision one aims" in pdf_text(client.get("/register/DPIA-2017-004/1.pdf").data)
    for path, number in (("/register/DPIA-2017-004.json", 2), ("/register/DPIA-2017-004/1.json", 1)):
        response = client.get(path)
        assert response.mimetype == "application/json"
        body = json.loads(response.data)
        assert body["publication"]["reference"] == "DPIA-2017-004" and body["publication"]["revision"] == number
        assert body["document"]["title"] == "Live facial recognition trial"


def test_pdf_file_name_is_encoded(client, publisher, clock):
    published(publisher, title="Odd reference", aims="Aims", reference='DPIA "2026"\u00e9')
    commit()
    response = client.get("/register/DPIA%20%222026%22%C3%A9.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        "inline; filename*=UTF-8''DPIA%20%222026%22%C3%A9-revision-1.pdf"


def test_feed_lists_published_revisions_newest_first(client, publisher, clock):
    published(publisher, title="Live facial recognition <trial> & more", aims="Aims",
              reference="DPIA-2017-004", revisions=2)
    published(publisher, title="Payroll system", aims="Pay staff", reference="DPIA-2018-010",
              publish_at=CLOCK - timedelta(days=1))
    commit()
    entries = feed_entries(client)
    assert [entry["title"] for entry in entries] == [
        "DPIA-2018-010 revision 1: Payroll system",
        "DPIA-2017-004 revision 2: Live facial recognition <trial> & more",
        "DPIA-2017-004 revision 1: Live facial recognition <trial> & more",
    ]
    assert entries[0]["id"] == "http://localhost/register/DPIA-2018-010/1"
    assert "http://localhost/register/DPIA-2018-010/1.pdf" in entries[0]["links"]
    assert "&lt;trial&gt; &amp; more" in text_of(client.get("/register.atom"))


def test_register_json(client, publisher, clock):
    items = published(publisher, title="Live facial recognition trial", aims="Aims", reference="DPIA-2017-004",
                      team=factories.create_team("LFR"), revisions=2)
    commit()
    response = client.get("/register.json")
    body = json.loads(response.data)
    assert body["total"] == 1 and body["pages"] == 1 and body["links"]["next"] is None
    assert body["register"] == [{
        "reference": "DPIA-2017-004", "title": "Live facial recognition trial", "team": "LFR", "revision": 2,
        "published": items[1].publish_at.isoformat().replace("+00:00", "Z"), "summary": items[1].summary,
        "links": {"html": "http://localhost/register/DPIA-2017-004/2",
                  "pdf": "http://localhost/register/DPIA-2017-004/2.pdf",
                  "json": "http://localhost/register/DPIA-2017-004/2.json"},
    }]


# -- what is planned ----------------------------------------------------------------------------

def test_upcoming_shows_the_plan_and_turns_overdue_when_the_quarter_passes(client, publisher, clock):
    revision = publisher.draft(title="Live facial recognition trial", reference="DPIA-2017-004",
                               aims="Secret aims not yet published")
    publisher.approve(revision)
    publisher.decide(revision, planned="2018-Q2")
    scheduled = publisher.draft(title="Drone trial", reference="DPIA-2018-020", aims="Drone aims")
    publisher.publish(scheduled, datetime(2018, 5, 20, 9, 0, tzinfo=UTC), planned="May 2018")
    commit()
    clock.set(datetime(2018, 5, 1, 12, tzinfo=UTC))
    page = text_of(client.get("/register/upcoming"))
    assert "DPIA-2017-004" in page and "Live facial recognition trial" in page
    assert "2018-Q2 (the second quarter of 2018)" in page and "Not yet scheduled" in page
    assert "DPIA-2018-020" in page and "20 May 2018, 09:00 UTC" in page
    assert "Overdue" not in page
    assert "Secret aims" not in page and "Drone aims" not in page  # nothing of the content
    clock.set(datetime(2018, 7, 1, 12, tzinfo=UTC))
    page = text_of(client.get("/register/upcoming"))
    assert re.search(r"<strong\b[^>]*>Overdue</strong>", page)  # the plan's tag
    assert "DPIA-2018-020" not in page  # published by now, so no longer upcoming
    assert "DPIA-2018-020" in text_of(client.get("/register"))


# -- scheduled visibility -----------------------------------------------------------------------

def test_a_future_publication_is_invisible_until_its_time(client, publisher, clock):
    publish_at = CLOCK + timedelta(days=1)
    revision = publisher.draft(title="Future assessment", reference="DPIA-2026-900", aims="Unique futurewords")
    publisher.publish(revision, publish_at)
    commit()

    def channels() -> dict[str, bool]:
        return {
            "page": client.get("/register/DPIA-2026-900").status_code == 200,
            "revision": client.get("/register/DPIA-2026-900/1").status_code == 200,
            "pdf": client.get("/register/DPIA-2026-900.pdf").status_code == 200,
            "revision pdf": client.get("/register/DPIA-2026-900/1.pdf").status_code == 200,
            "json": client.get("/register/DPIA-2026-900.json").status_code == 200,
            "revision json": client.get("/register/DPIA-2026-900/1.json").status_code == 200,
            "register": "DPIA-2026-900" in text_of(client.get("/register")),
            "search": "DPIA-2026-900" in text_of(client.get("/register?q=futurewords")),
            "register.json": any(i["reference"] == "DPIA-2026-900" for i in register_json(client)),
            "feed": any("DPIA-2026-900" in e["title"] for e in feed_entries(client)),
        }

    assert not any(channels().values()), channels()
    clock.set(publish_at - timedelta(seconds=1))
    assert not any(channels().values()), channels()
    clock.set(publish_at)
    assert all(channels().values()), channels()


def test_a_scheduled_later_revision_stays_out_of_the_history_until_its_time(client, publisher, clock):
    first = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                      reference="DPIA-2017-004")[0]
    revision = publisher.revise(db_session().get(Revision, first.revision_id), aims="Revision two aims")
    publisher.publish(revision, CLOCK + timedelta(hours=1))
    commit()
    page = text_of(client.get("/register/DPIA-2017-004"))
    assert "Revision one aims" in page and "Revision two aims" not in page
    assert "Revision 2" not in page and "Superseded" not in page
    assert client.get("/register/DPIA-2017-004/2").status_code == 404
    clock.set(CLOCK + timedelta(hours=1))
    assert "Revision two aims" in text_of(client.get("/register/DPIA-2017-004"))
    assert "Superseded by revision 2" in text_of(client.get("/register/DPIA-2017-004/1"))


# -- caching ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/register/DPIA-2017-004", "/register/DPIA-2017-004/1",
                                  "/register/DPIA-2017-004.pdf", "/register/DPIA-2017-004/1.json", "/register",
                                  "/register.json", "/register.atom", "/register/upcoming"])
def test_public_responses_have_an_etag_and_answer_304(client, publisher, clock, path):
    published(publisher, title="Live facial recognition trial", aims="Aims", reference="DPIA-2017-004")
    commit()
    response = client.get(path)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the usual headers still apply
    assert "Set-Cookie" not in response.headers
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_etag_follows_the_stored_hash_and_the_fragments(client, publisher, clock):
    first = published(publisher, title="Live facial recognition trial", aims="Aims", reference="DPIA-2017-004")[0]
    commit()
    assert client.get("/register/DPIA-2017-004/1.pdf").headers["ETag"] == f'"{first.pdf_sha256}"'
    assert client.get("/register/DPIA-2017-004/1.json").headers["ETag"] == f'"{first.json_sha256}"'
    before = client.get("/register/DPIA-2017-004/1").headers["ETag"]
    revision = publisher.revise(db_session().get(Revision, first.revision_id), aims="Second")
    publisher.publish(revision, CLOCK - timedelta(hours=1))
    commit()
    after = client.get("/register/DPIA-2017-004/1")
    assert after.headers["ETag"] != before  # the same stored page, now with a superseded notice
    assert client.get("/register/DPIA-2017-004/1", headers={"If-None-Match": before}).status_code == 200


def test_signed_in_visitors_get_the_same_page_but_it_is_not_cached(client, publisher, clock, login_as):
    published(publisher, title="Live facial recognition trial", aims="Aims", reference="DPIA-2017-004")
    commit()
    anonymous = client.get("/register/DPIA-2017-004")
    login_as(factories.create_user(Role.DPO, name="Signed In Person"))
    signed_in = client.get("/register/DPIA-2017-004")
    assert signed_in.status_code == 200
    assert signed_in.data == anonymous.data and "Signed In Person" not in text_of(signed_in)
    assert signed_in.headers["Cache-Control"] == "no-store"  # its response refreshes the session cookie


# -- cost of a published page -------------------------------------------------------------------

def test_a_published_page_costs_the_same_statements_with_1_and_5_revisions(client, publisher, clock,
                                                                           count_queries):
    published(publisher, title="One", aims="Aims", reference="DPIA-2026-801")
    published(publisher, title="Five", aims="Aims", reference="DPIA-2026-805", revisions=5)
    commit()
    counts = {}
    for path in ("/register/DPIA-2026-801", "/register/DPIA-2026-805", "/register/DPIA-2026-805/1",
                 "/register/DPIA-2026-801.pdf", "/register/DPIA-2026-805/3.pdf", "/register/DPIA-2026-805.json"):
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counts[path] = counter.count
    assert counts["/register/DPIA-2026-801"] == counts["/register/DPIA-2026-805"] == counts["/register/DPIA-2026-805/1"]
    assert counts["/register/DPIA-2026-801"] <= 2
    assert counts["/register/DPIA-2026-801.pdf"] == counts["/register/DPIA-2026-805/3.pdf"] == 1
    assert counts["/register/DPIA-2026-805.json"] == 1


def test_register_statements_do_not_grow_with_the_page(client, publisher, clock, count_queries):
    published(publisher, title="One", aims="Aims")
    commit()
    with count_queries() as one:
        client.get("/register")
    for n in range(4):
        published(publisher, title=f"More {n}", aims="Aims")
    commit()
    with count_queries() as five:
        assert "More 3" in text_of(client.get("/register"))
    assert one.count == five.count


def test_public_pages_render_no_markdown_and_build_no_pdf(client, publisher, clock, monkeypatch):
    from dpia.core import markdown
    from dpia.documents import services as documents

    published(publisher, title="Live facial recognition trial", aims="Some **bold** aims",
              reference="DPIA-2017-004", revisions=2)
    commit()
    misses = markdown.cache_info().misses

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no rendering on a public request")

    with monkeypatch.context() as patch:
        patch.setattr(documents, "build_pdf", refuse)
        patch.setattr(markdown, "render_markdown", refuse)
        patch.setattr(markdown, "_render_cached", refuse)
        for path in ("/register/DPIA-2017-004", "/register/DPIA-2017-004/1", "/register/DPIA-2017-004.pdf",
                     "/register/DPIA-2017-004/1.json", "/register", "/register.json", "/register.atom",
                     "/register/upcoming"):
            assert client.get(path).status_code == 200, path
        assert "<strong>bold</strong>" in text_of(client.get("/register/DPIA-2017-004/1"))
    assert markdown.cache_info().misses == misses



LARGE_COLUMN = re.compile(r"\bpublication\.(html|pdf|json|search_text)\b")


@pytest.mark.parametrize("path", ["/register", "/register.json", "/register.atom", "/register/upcoming"])
def test_list_pages_do_not_load_stored_files(client, publisher, clock, count_queries, path):
    """A list shows titles and dates; it must not fetch every listed bundle's page, PDF and JSON.

    Fails at the time of writing for /register, /register.json (`services.publication.register`
    selects whole `Publication` rows) and /register/upcoming (`services.publication.upcoming` runs
    `select(Publication)` over the whole table on every request): both should defer or leave out
    `html`, `pdf`, `json` and `search_text`.
    """
    published(publisher, title="Live facial recognition trial", aims="Aims", revisions=2)
    revision = publisher.draft(title="Planned", aims="Aims")
    publisher.publish(revision, CLOCK + timedelta(days=3))
    commit()
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    # (A count over a subquery that names the columns reads none of them.)
    heavy = [statement for statement in counter.statements
             if LARGE_COLUMN.search(statement) and not statement.lstrip().upper().startswith("SELECT COUNT(")]
    assert heavy == [], heavy


@pytest.fixture(params=backends())
def own_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:  # noqa: ANN001
    """The app on a database of its own, as in production: no test transaction around its requests."""
    with factories.own_database_app(request.param, tmp_path) as app:
        set_clock(app, factories.SettableClock(CLOCK))
        yield app


@pytest.mark.postgresql_only  # SQLite's transactions cost no round trip
def test_register_pages_read_without_a_transaction_signed_in_or_not(own_app):
    """No BEGIN and no COMMIT: two round trips of a 304's three. A signed-in visitor's session row
    is still kept up to date, by one statement that commits on its own."""
    clock = factories.SettableClock(CLOCK)
    set_clock(own_app, clock)
    with own_app.app_context():
        published(Publisher(), title="Live facial recognition trial", aims="Scan faces at events",
                  reference="DPIA-2017-004")
        user = factories.create_user(Role.TEAM_MEMBER)
        email, user_id = user.email, user.id
        commit()
        engine = _db.engine
    seen: list[TransactionStatus] = []

    def status_after(conn, *_details) -> None:  # noqa: ANN001
        seen.append(conn.connection.dbapi_connection.info.transaction_status)

    client = own_app.test_client()
    signed_in = own_app.test_client()
    assert sign_in(signed_in, email, factories.PASSWORD).status_code == 302
    clock.now = CLOCK + timedelta(minutes=5)  # the session's last-seen time is due to be written
    event.listen(engine, "after_cursor_execute", status_after)
    try:
        for path in ("/register", "/register/DPIA-2017-004", "/register.atom"):
            assert client.get(path).status_code == 200
        assert signed_in.get("/register").status_code == 200
    finally:
        event.remove(engine, "after_cursor_execute", status_after)
    assert seen and all(status is TransactionStatus.IDLE for status in seen)
    with own_app.app_context():
        row = _db.session.scalar(select(UserSession).where(UserSession.user_id == user_id))
        assert row.last_seen_at == CLOCK + timedelta(minutes=5)
