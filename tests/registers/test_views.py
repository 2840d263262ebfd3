"""The internal registers: the retention schedule and access rules of every assessment a person may
see, from each assessment's latest (or approved) revision, filtered, paged and exported as CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dpia.accounts.rules import Role
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.web import table_rows, text_of

RETENTION = "Retention rules"  # the tables' captions
ACCESS = "Access rules"


def categories(response, caption: str = RETENTION) -> list[str]:  # noqa: ANN001
    """The data category column of the register's table (the header row left out)."""
    assert response.status_code == 200, text_of(response)[:500]
    return [row[1] for row in table_rows(text_of(response), caption)[1:]]


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


@pytest.fixture()
def teams(db):  # noqa: ANN001, ANN201
    """Two teams' assessments: the Estates team's CCTV and the Roads team's cameras."""
    estates, roads = factories.create_team("Estates"), factories.create_team("Roads")
    cctv = factories.create_assessment(estates, reference="DPIA-2026-501", title="CCTV upgrade").revisions[0]
    factories.create_retention_rule(cctv, "CCTV footage", 31)
    factories.create_retention_rule(cctv, "Faces that do not match", 0)
    factories.create_access_rule(cctv, "CCTV footage", "Control room staff")
    cameras = factories.create_assessment(roads, reference="DPIA-2026-502", title="Traffic cameras").revisions[0]
    factories.create_retention_rule(cameras, "Number plate reads", 730)
    factories.create_retention_rule(cameras, "Performance figures", None)
    factories.create_access_rule(cameras, "Number plate reads", "Traffic officers", logged=False)
    return {"estates": estates, "roads": roads, "cctv": cctv, "cameras": cameras}


def test_a_team_member_sees_only_their_teams_rules(client, teams, login_as):
    login_as(factories.create_user(teams=(teams["estates"],)))
    assert categories(client.get("/registers/retention")) == ["CCTV footage", "Faces that do not match"]
    assert categories(client.get("/registers/access"), ACCESS) == ["CCTV footage"]
    assert "Traffic" not in text_of(client.get("/registers/retention"))
    # Naming the other team in the filter does not widen what they see.
    assert client.get(f"/registers/retention?team={teams['roads'].id}").status_code == 400


def test_oversight_roles_see_every_assessments_rules(client, teams, login_as):
    login_as(factories.create_user(Role.DPO))
    page = client.get("/registers/retention")
    assert categories(page) == ["CCTV footage", "Faces that do not match", "Number plate reads",
                                "Performance figures"]
    rows = table_rows(text_of(page), RETENTION)
    assert rows[1][0] == "DPIA-2026-501 CCTV upgrade Estates, revision 1: Draft"
    assert [row[2] for row in rows[1:]] == [
        "31 days Counted from: When an alert is raised", "Deleted immediately Counted from: When an alert is raised",
        "730 days Counted from: When an alert is raised", "Set by a policy Counted from: When an alert is raised"]
    assert 'href="/assessments/DPIA-2026-501"' in text_of(page)
    access = table_rows(text_of(client.get("/registers/access")), ACCESS)
    assert access[1][1:] == ["CCTV footage", "Control room staff", "Yes", ""]
    assert access[2][1:4] == ["Number plate reads", "Traffic officers", "No"]


def test_signed_out_people_are_sent_to_sign_in(client, teams):
    for path in ("/registers/retention", "/registers/retention.csv", "/registers/access", "/registers/access.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path


def test_each_assessment_shows_its_latest_revision_or_its_approved_one(client, db, login_as):
    assessment = factories.create_assessment(reference="DPIA-2026-503", revisions=2)
    first, second = assessment.revisions
    first.state = RevisionState.APPROVED
    factories.create_retention_rule(first, "Kept in the approved revision")
    factories.create_retention_rule(second, "Kept in the draft revision")
    login_as(factories.create_user(Role.REVIEWER))
    page = client.get("/registers/retention")
    assert categories(page) == ["Kept in the draft revision"]
    assert "latest revision is shown" in text_of(page)
    assert categories(client.get("/registers/retention?approved_only=y")) == ["Kept in the approved revision"]
    assert "revision 1: Approved" in text_of(client.get("/registers/retention?approved_only=y"))


@pytest.mark.parametrize(("query", "expected"), [
    ("category=cctv", ["CCTV footage"]),
    ("category=PLATE", ["Number plate reads"]),
    ("category=100%25", []),  # a literal percent sign, not a wildcard
    ("period=immediate", ["Faces that do not match"]),
    ("period=up-to-31-days", ["CCTV footage", "Faces that do not match"]),
    ("period=up-to-1-year", ["CCTV footage", "Faces that do not match"]),
    ("period=longer", ["Number plate reads"]),
    ("period=policy", ["Performance figures"]),
    ("min_days=1&max_days=31", ["CCTV footage"]),
    ("min_days=32", ["Number plate reads"]),
    ("period=up-to-31-days&min_days=1", ["CCTV footage"]),
    ("state=draft", ["CCTV footage", "Faces that do not match", "Number plate reads", "Performance figures"]),
    ("state=approved", []),
])
def test_the_retention_schedule_filters(client, teams, login_as, query, expected):
    login_as(factories.create_user(Role.DPO))
    response = client.get(f"/registers/retention?{query}")
    assert response.status_code == 200
    if expected:
        assert categories(response) == expected
    else:
        assert "No retention rule matches." in text_of(response)


def test_the_team_filter(client, teams, login_as):
    login_as(factories.create_user(Role.DPO))
    assert categories(client.get(f"/registers/retention?team={teams['roads'].id}")) == [
        "Number plate reads", "Performance figures"]
    assert categories(client.get(f"/registers/access?team={teams['estates'].id}&category=cctv"), ACCESS) == [
        "CCTV footage"]


@pytest.mark.parametrize(("query", "message", "field"), [
    ("min_days=abc", "At least (days) must be a whole number of days from 0 to 36,500", "min_days"),
    ("max_days=-1", "At most (days) must be a whole number of days from 0 to 36,500", "max_days"),
    ("min_days=40&max_days=30", "At most (days) must be the same as or more than at least (days)", "max_days"),
    ("period=forever", "Choose a period from the list", "period"),
    ("state=lost", "Choose a state from the list", "state"),
    ("team=999999", "Choose a team from the list", "team"),
])
def test_bad_filters_are_a_400_that_says_what_to_fix(client, teams, login_as, query, message, field):
    login_as(factories.create_user(Role.DPO))
    for path in ("/registers/retention", "/registers/retention.csv"):
        response = client.get(f"{path}?{query}&category=kept+as+typed")
        body = text_of(response)
        assert response.status_code == 400, path
        assert "There is a problem" in body and message in body
        assert f'href="#{field}"' in body
        assert 'value="kept as typed"' in body
        assert "<title>Error:" in body


def test_the_retention_csv_has_the_filters_and_defuses_formulas(client, teams, login_as):
    factories.create_retention_rule(teams["cctv"], "=HYPERLINK(\"http://evil.test\")", 31,
                                    justification="+1 then, \"quoted\"\nover two lines")
    factories.create_retention_rule(teams["cctv"], "@SUM(A1)", 31, exceptions="-2")
    factories.create_retention_rule(teams["cctv"], "\tTabbed", 31)
    login_as(factories.create_user(Role.DPO))
    page = text_of(client.get("/registers/retention?period=up-to-31-days&team=" + str(teams["estates"].id)))
    assert f'href="/registers/retention.csv?period=up-to-31-days&amp;team={teams["estates"].id}"' in page
    response = client.get(f"/registers/retention.csv?period=up-to-31-days&team={teams['estates'].id}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="retention-schedule.csv"')
    raw = response.get_data(as_text=True)
    assert raw.startswith("Reference,Assessment,Team,Revision,Revision state,Data category,Kept for (days),")
    assert raw.count("\r\n") == 6  # header, five rules; the line break inside a quoted cell is its own \n
    rows = csv_rows(response)
    assert [row[5] for row in rows[1:]] == ["CCTV footage", "Faces that do not match",
                                            "'=HYPERLINK(\"http://evil.test\")", "'@SUM(A1)", "'\tTabbed"]
    assert rows[1][:8] == ["DPIA-2026-501", "CCTV upgrade", "Estates", "1", "Draft", "CCTV footage", "31",
                           "31 days"]
    assert rows[2][6:8] == ["0", "Deleted immediately"]
    assert rows[3][9] == "'+1 then, \"quoted\"\nover two lines"
    assert rows[4][10] == "'-2"
    assert '"\'+1 then, ""quoted""\nover two lines"' in raw  # RFC 4180 quoting


def test_the_access_csv(client, teams, login_as):
    login_as(factories.create_user(teams=(teams["roads"],)))
    response = client.get("/registers/access.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="access-rules.csv"')
    assert csv_rows(response) == [
        ["Reference", "Assessment", "Team", "Revision", "Revision state", "Data category", "Who may see it",
         "Access is logged", "Conditions and controls"],
        ["DPIA-2026-502", "Traffic cameras", "Roads", "1", "Draft", "Number plate reads",
         "Traffic officers", "No", ""]]


def test_pages_keep_the_filters(client, teams, login_as, monkeypatch):
    from dpia.registers import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    login_as(factories.create_user(Role.DPO))
    first = text_of(client.get("/registers/retention?category=o"))
    assert "3 retention rules found" in first
    assert 'href="/registers/retention?category=o&amp;page=2"' in first
    assert categories(client.get("/registers/retention?category=o&page=3")) == ["Performance figures"]
    assert "There is nothing on this page" in text_of(client.get("/registers/retention?category=o&page=4"))
    assert client.get("/registers/retention?page=0").status_code == 400


def _spread(count: int) -> None:
    """`count` assessments in as many teams, each with retention and access rules."""
    for number in range(count):
        revision = factories.create_assessment(factories.create_team()).revisions[0]
        for days in (0, 30, None):
            factories.create_retention_rule(revision, f"Data {number} kept {days}", days)
        factories.create_access_rule(revision, f"Data {number}")


@pytest.mark.parametrize("path", ["/registers/retention", "/registers/retention?period=up-to-31-days&category=data",
                                  "/registers/retention?approved_only=y", "/registers/retention.csv",
                                  "/registers/access", "/registers/access.csv?category=data"])
def test_statements_do_not_grow_with_ten_times_the_assessments(client, db, login_as, count_queries, path):
    login_as(factories.create_user(Role.DPO))
    _spread(3)
    with count_queries() as few:
        first = client.get(path)
        first.get_data()
    _spread(27)
    with count_queries() as many:
        response = client.get(path)
        body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert many.count == few.count <= 8
    if path.endswith(".csv") and "category" not in path:
        assert body.count("\r\n") == 1 + 90


@pytest.mark.parametrize("path", ["/registers/retention", "/registers/access"])
def test_the_registers_link_is_current_on_both_registers(client, teams, login_as, path):
    login_as(factories.create_user(teams=(teams["estates"],)))
    body = client.get(path).get_data(as_text=True)
    current = re.findall(r'govuk-service-navigation__item--active">\s*<a class="govuk-service-navigation__link"'
                         r' href="([^"]+)"', body)
    assert current == ["/registers/retention"]
