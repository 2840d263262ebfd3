"""/register/retention: what we keep and for how long, from published revisions only, served like the
other listings (per register version, ETag, 304), with JSON and CSV variants."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from tests import factories
from tests.factories import Publisher, commit
from tests.web import table_rows, text_of

CAPTION = "Published retention rules"
PATHS = ["/register/retention", "/register/retention?period=up-to-31-days", "/register/retention.json",
         "/register/retention.csv"]
BUNDLE_COLUMNS = re.compile(r"\b(html|pdf|json|search_text)\b", re.IGNORECASE)


def rule(category: str, days: str = "30", **extra: str) -> dict[str, str]:
    return {"data_category": category, "period_days": days, "trigger": "on_alert",
            "justification": f"Why {category}", "deletion_method": "automatic", **extra}


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


def publish(publisher: Publisher, title: str, *rules: dict[str, str], when=None, team=None):  # noqa: ANN001, ANN201
    revision = publisher.draft(title=title, team=team, rows=rules)
    return revision, publisher.publish(revision, when or factories.CLOCK - timedelta(days=1))


def categories(client, path: str = "/register/retention") -> list[str]:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200, path
    return [row[1] for row in table_rows(text_of(response), CAPTION)[1:]]


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_the_page_lists_published_rules_and_links_each_to_its_assessment(client, publisher, clock):
    revision, _ = publish(publisher, "Cameras at the ferry port", rule("Number plate reads", "31"),
                          rule("Faces", "0", exceptions="Kept as evidence"), rule("Records", ""))
    commit()
    page = client.get("/register/retention")
    body = text_of(page)
    assert "What we keep and for how long" in body and "3 retention rules" in body
    rows = table_rows(body, CAPTION)
    reference = revision.assessment.reference
    assert rows[1] == ["Cameras at the ferry port " + f"{reference}, revision 1, {revision.assessment.team.name}",
                       "Number plate reads", "31 days Counted from: When an alert is raised",
                       "Why Number plate reads", "Automatic"]
    assert rows[2][2].startswith("Deleted immediately") and rows[2][3] == "Why Faces Exceptions: Kept as evidence"
    assert rows[3][2].startswith("Set by a policy")
    assert f'href="/register/{reference}/1"' in body
    assert client.get(f"/register/{reference}/1").status_code == 200
    assert 'href="/register/retention"' in text_of(client.get("/register"))  # linked from the register


def test_a_draft_or_unscheduled_revision_never_appears(client, publisher, clock):
    publisher.draft(title="Draft only", rows=(rule("Draft rule"),))
    approved = publisher.draft(title="Approved, not scheduled", rows=(rule("Approved rule"),))
    publisher.approve(approved)
    publish(publisher, "Published", rule("Published rule"))
    commit()
    assert categories(client) == ["Published rule"]


def test_a_publication_appears_when_its_time_comes_and_goes_when_withdrawn(client, publisher, clock):
    publish(publisher, "Earlier", rule("Earlier rule"))
    _, later = publish(publisher, "Later", rule("Later rule"), when=clock() + timedelta(hours=1))
    commit()
    first = client.get("/register/retention")
    assert categories(client) == ["Earlier rule"]
    assert int(first.headers["Cache-Control"].split("max-age=")[1]) <= 3600  # not cached past its time
    clock.set(clock() + timedelta(hours=2))  # nothing runs: the condition is checked at query time
    assert categories(client) == ["Later rule", "Earlier rule"]
    for path in ("/register/retention.json", "/register/retention.csv"):
        assert "Later rule" in client.get(path).get_data(as_text=True)
    publisher.withdraw(later, "Published in error")
    commit()
    assert categories(client) == ["Earlier rule"]
    for path in ("/register/retention.json", "/register/retention.csv"):
        assert "Later rule" not in client.get(path).get_data(as_text=True)


def test_a_newer_published_revision_replaces_the_older_ones_rules(client, publisher, clock):
    revision, _ = publish(publisher, "Body worn video", rule("Footage kept 90 days", "90"))
    second = publisher.revise(revision, aims="Shorter")
    publisher.add_row(second, rule("Footage kept 31 days", "31"))
    publisher.publish(second, clock() + timedelta(minutes=30))
    commit()
    assert categories(client) == ["Footage kept 90 days"]
    clock.set(clock() + timedelta(hours=1))
    # Revision 2 carried revision 1's rule over and added one; only revision 2's rules are listed.
    assert categories(client) == ["Footage kept 90 days", "Footage kept 31 days"]
    rows = table_rows(text_of(client.get("/register/retention")), CAPTION)[1:]
    assert all(", revision 2, " in row[0] for row in rows)


def test_the_period_filter(client, publisher, clock):
    publish(publisher, "One", rule("Immediate", "0"), rule("A month", "31"), rule("Two years", "730"),
            rule("By policy", ""))
    commit()
    assert categories(client, "/register/retention?period=immediate") == ["Immediate"]
    assert categories(client, "/register/retention?period=up-to-31-days") == ["Immediate", "A month"]
    assert categories(client, "/register/retention?period=longer") == ["Two years"]
    assert categories(client, "/register/retention?period=policy") == ["By policy"]
    assert client.get("/register/retention?period=forever").status_code == 400
    assert client.get("/register/retention?page=nope").status_code == 400


def test_pages(client, publisher, clock, monkeypatch):
    from dpia.publication.views import register as public

    monkeypatch.setattr(public, "RETENTION_PER_PAGE", 2)
    publish(publisher, "One", rule("First"), rule("Second"), rule("Third"))
    commit()
    body = text_of(client.get("/register/retention?period=up-to-31-days"))
    assert 'href="/register/retention?period=up-to-31-days&amp;page=2"' in body
    assert categories(client, "/register/retention?period=up-to-31-days&page=2") == ["Third"]


def test_json_goes_a_page_at_a_time(client, publisher, clock, monkeypatch):
    from dpia.publication.views import register as public

    monkeypatch.setattr(public, "RETENTION_FILE_PER_PAGE", 2)
    revision, _ = publish(publisher, "One", rule("First", "0"), rule("Second", ""), rule("Third"))
    commit()
    first = json.loads(client.get("/register/retention.json").data)
    assert (first["total"], first["pages"], first["page"]) == (3, 2, 1)
    assert first["links"]["next"] == "http://localhost/register/retention.json?page=2"
    item = first["retention"][0]
    assert item == {
        "reference": revision.assessment.reference, "title": "One", "team": revision.assessment.team.name,
        "revision": 1, "published": item["published"], "data_category": "First", "period_days": 0,
        "period": "Deleted immediately", "counted_from": "When an alert is raised", "justification": "Why First",
        "exceptions": None, "deletion_method": "Automatic",
        "link": f"http://localhost/register/{revision.assessment.reference}/1"}
    assert first["retention"][1]["period_days"] is None
    second = json.loads(client.get(first["links"]["next"]).data)
    assert [i["data_category"] for i in second["retention"]] == ["Third"] and second["links"]["next"] is None


def test_the_csv_is_an_attachment_with_formulas_defused(client, publisher, clock):
    revision, _ = publish(publisher, "=cmd|' /C calc'!A0", rule("=HYPERLINK(\"http://evil.test\")"),
                          rule("+Plus", "0", exceptions="-minus, \"quoted\""), rule("@at", ""))
    commit()
    response = client.get("/register/retention.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="retention-register.csv"')
    raw = response.get_data(as_text=True)
    assert raw.count("\r\n") == 4 and raw.endswith("\r\n")
    rows = csv_rows(response)
    assert rows[0][:7] == ["Reference", "Assessment", "Team", "Revision", "Published", "Data category",
                           "Kept for (days)"]
    assert [row[5] for row in rows[1:]] == ["'=HYPERLINK(\"http://evil.test\")", "'+Plus", "'@at"]
    assert {row[1] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert rows[2][6:8] == ["0", "Deleted immediately"] and rows[3][6:8] == ["", "Set by a policy"]
    assert rows[2][10] == "'-minus, \"quoted\""
    assert rows[1][12] == f"http://localhost/register/{revision.assessment.reference}/1"


@pytest.mark.parametrize("path", PATHS)
def test_a_current_copy_gets_304_and_a_change_gives_a_new_etag(client, publisher, clock, count_queries, path):
    publish(publisher, "One", rule("First"))
    commit()
    first = client.get(path)
    etag = first.headers["ETag"]
    with count_queries() as counter:
        again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and counter.count == 1  # the register's version only
    publish(publisher, "Two", rule("Second"))
    commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Second" in changed.get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS[:3])
def test_a_second_reader_gets_the_stored_listing(client, publisher, clock, count_queries, path):
    publish(publisher, "One", rule("First"))
    commit()
    first = client.get(path)
    with count_queries() as counter:
        second = client.get(path)
    assert second.get_data() == first.get_data() and counter.count == 1


def _publish_many(publisher: Publisher, team, count: int) -> None:  # noqa: ANN001
    for number in range(count):
        publish(publisher, f"Assessment {number}", rule(f"Data {number}", "30"), rule(f"Other {number}", "0"),
                team=team)
    commit()


def test_statements_are_the_same_with_10x_the_published_assessments(client, publisher, clock, count_queries,
                                                                    monkeypatch):
    from dpia.publication.views import register as public

    monkeypatch.setattr(public, "RETENTION_PER_PAGE", 3)
    monkeypatch.setattr(public, "RETENTION_FILE_PER_PAGE", 3)
    paths = [*PATHS, "/register/retention?page=2", "/register/retention.json?page=2"]
    team = factories.create_team("Estates")

    def statements() -> dict[str, list[str]]:
        public._LISTINGS.clear()
        found = {}
        for path in paths:
            with count_queries() as counter:
                response = client.get(path)
                response.get_data()
            assert response.status_code == 200, path
            found[path] = counter.statements
        return found

    _publish_many(publisher, team, 3)
    one = statements()
    _publish_many(publisher, team, 27)
    ten = statements()
    assert {path: len(s) for path, s in ten.items()} == {path: len(s) for path, s in one.items()}
    assert max(len(s) for s in ten.values()) <= 3  # version, count, page (the CSV: version, rows)
    assert {path: BUNDLE_COLUMNS.findall(" ".join(s)) for path, s in ten.items()} == {path: [] for path in paths}
    assert client.get("/register/retention.csv").get_data(as_text=True).count("\r\n") == 1 + 60
