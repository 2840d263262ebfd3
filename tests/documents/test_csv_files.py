"""A revision's CSV files: the risk register, the action plan and the retention schedule. What each
holds, their headers, who may download them, the formula-injection defence, and bounded statements."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import insert_rows, table_question
from dpia.core.errors import PermissionDeniedError
from dpia.documents.services.csv_files import (
    DUE_TODAY,
    NO_DUE_DATE,
    NOT_YET_DUE,
    OVERDUE,
    action_plan,
    due_status,
    retention_schedule,
    risk_register,
)
from tests import factories
from tests.web import text_of

REFERENCE = "DPIA-2017-004"
FILES = ("risk-register", "action-plan", "retention-schedule")


def url(name: str, number: int = 1, reference: str = REFERENCE) -> str:
    return f"/assessments/{reference}/revisions/{number}/{name}.csv"


def csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    assert response.status_code == 200, text_of(response)[:500]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def add_rows(revision, question_key: str, rows: list[dict]) -> list[str]:  # noqa: ANN001
    """Rows as typed cells, straight through the rows service (as imports do: no form parsing)."""
    content = load_content(revision)
    made = insert_rows(revision, table_question(content, question_key), rows, content.definition, now=factories.NOW)
    return [row.row_uid for row in made]


def fill(revision, *, risks: list[dict], measures, retention: list[dict]) -> list[str]:  # noqa: ANN001
    """Add risks, then measures (a callable given the risks' uids), then retention rules."""
    uids = add_rows(revision, "later.risks", risks)
    add_rows(revision, "later.measures", measures(uids))
    add_rows(revision, "later.retention", retention)
    return uids


RETENTION = {"data_category": "Alert images", "period_days": 30, "trigger": "on_alert",
             "justification": "Long enough to answer complaints", "deletion_method": "automatic"}


@pytest.fixture()
def plan(db, clock):  # noqa: ANN001, ANN201
    """An LFR-style draft with two risks, three measures and two retention rules; its team's member."""
    team = factories.create_team("Live facial recognition")
    assessment = factories.create_assessment(team, reference=REFERENCE, title="Live facial recognition trial",
                                             version=factories.create_questionnaire_version())
    revision = assessment.revisions[0]
    uids = fill(
        revision,
        risks=[{"description": "Wrong people stopped\nafter a false alert", "affected": "Passers-by",
                "likelihood": "probable", "severity": "significant", "residual_likelihood": "remote",
                "residual_severity": "significant"},
               {"description": "Images kept too long", "likelihood": "remote", "severity": "minimal"}],
        measures=lambda uids: [
            {"risk_uids": [uids[0]], "description": "An officer checks every alert", "effect": "reduced",
             "approved": True, "owner": "Deployment commander", "due_on": "2026-11-30"},
            {"risk_uids": uids, "description": "Delete alert images after 30 days", "effect": "eliminated",
             "approved": False, "owner": "Information asset owner", "due_on": "2026-12-01"},
            {"risk_uids": [uids[1]], "description": "Annual audit", "effect": "accepted"},
        ],
        retention=[RETENTION, {"data_category": "Faces that do not match", "period_days": 0,
                               "trigger": "on_capture", "justification": "Never needed",
                               "exceptions": "None", "deletion_method": "automatic"}],
    )
    member = factories.create_user(teams=(team,))
    factories.commit()
    return {"revision": revision, "member": member, "team": team, "risks": uids}


# -- what each file holds --------------------------------------------------------------------------

def test_the_risk_register_lists_each_risk_with_its_ratings_and_measures(client, plan, login_as):
    login_as(plan["member"])
    rows = csv_rows(client.get(url("risk-register")))
    assert rows[0] == ["Ref", "Row ID", "Risk", "Who is affected", "Likelihood", "Severity", "Overall risk",
                       "Likelihood after measures", "Severity after measures", "Risk after measures", "Measures"]
    first, second = plan["risks"]
    assert rows[1] == ["R1", first, "Wrong people stopped\nafter a false alert", "Passers-by", "Probable",
                       "Significant", "High", "Remote", "Significant", "Low",
                       "Measure 1: An officer checks every alert\nMeasure 2: Delete alert images after 30 days"]
    # Not yet re-rated after measures: those cells are empty, not "Not answered".
    assert rows[2] == ["R2", second, "Images kept too long", "", "Remote", "Minimal", "Low", "", "", "",
                       "Measure 2: Delete alert images after 30 days\nMeasure 3: Annual audit"]
    assert len(rows) == 3


def test_the_action_plan_lists_each_measure_with_owner_due_date_and_status(client, plan, login_as):
    login_as(plan["member"])  # the clock says 2026-12-01
    rows = csv_rows(client.get(url("action-plan")))
    assert rows[0] == ["Ref", "Row ID", "Measure", "Risks addressed", "Effect", "Approved", "Owner", "Due date",
                       "Status"]
    body = [row[:1] + row[2:] for row in rows[1:]]
    assert body == [
        ["1", "An officer checks every alert", "R1: Wrong people stopped", "Reduced", "Yes",
         "Deployment commander", "2026-11-30", "Overdue"],
        ["2", "Delete alert images after 30 days", "R1: Wrong people stopped\nR2: Images kept too long",
         "Eliminated", "No", "Information asset owner", "2026-12-01", "Due today"],
        ["3", "Annual audit", "R2: Images kept too long", "Accepted", "", "", "", "No due date"],
    ]


def test_the_action_plans_status_follows_the_clock(client, plan, login_as, clock):
    login_as(plan["member"])
    clock.now = factories.CLOCK.replace(day=1, month=11)
    statuses = [row[-1] for row in csv_rows(client.get(url("action-plan")))[1:]]
    assert statuses == ["Not yet due", "Not yet due", "No due date"]


def test_the_retention_schedule_lists_each_rule(client, plan, login_as):
    login_as(plan["member"])
    rows = csv_rows(client.get(url("retention-schedule")))
    assert rows[0] == ["Ref", "Row ID", "Data category", "Period (days)", "Period", "Trigger", "Justification",
                       "Exceptions", "Deletion method"]
    body = [row[:1] + row[2:] for row in rows[1:]]
    assert body == [
        ["1", "Alert images", "30", "30 days", "When an alert is raised", "Long enough to answer complaints", "",
         "Automatic"],
        ["2", "Faces that do not match", "0", "Deleted immediately", "When captured", "Never needed", "None",
         "Automatic"],
    ]


@pytest.mark.parametrize("name", FILES)
def test_each_file_is_a_utf8_csv_attachment_never_cached(client, plan, login_as, name):
    login_as(plan["member"])
    response = client.get(url(name))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{REFERENCE}-r1-{name}.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True).endswith("\r\n")  # RFC 4180 line ends


@pytest.mark.parametrize("name", FILES)
def test_a_revision_without_rows_gives_just_the_header(client, db, login_as, name):
    team = factories.create_team()
    factories.create_assessment(team, reference="DPIA-2026-900", version=factories.create_questionnaire_version())
    login_as(factories.create_user(teams=(team,)))
    rows = csv_rows(client.get(url(name, reference="DPIA-2026-900")))
    assert len(rows) == 1 and rows[0][0] == "Ref"


def test_the_task_list_links_to_the_three_files(client, plan, login_as):
    login_as(plan["member"])
    page = text_of(client.get(f"/assessments/{REFERENCE}/revisions/1"))
    for name in FILES:
        assert f'href="{url(name)}"' in page


# -- the formula-injection defence -----------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(client, db, login_as, start):
    team = factories.create_team()
    revision = factories.create_assessment(team, reference="DPIA-2026-901",
                                           version=factories.create_questionnaire_version()).revisions[0]
    payload = f"{start}HYPERLINK(\"https://evil.test\",\"x\")"
    fill(revision,
         risks=[{"description": payload, "affected": payload, "likelihood": "remote", "severity": "minimal"}],
         measures=lambda uids: [{"risk_uids": uids, "description": payload, "effect": "reduced",
                                 "owner": payload}],
         retention=[{**RETENTION, "data_category": payload, "justification": payload, "exceptions": payload}])
    login_as(factories.create_user(teams=(team,)))
    factories.commit()
    risks = csv_rows(client.get(url("risk-register", reference="DPIA-2026-901")))
    measures = csv_rows(client.get(url("action-plan", reference="DPIA-2026-901")))
    rules = csv_rows(client.get(url("retention-schedule", reference="DPIA-2026-901")))
    cells = [risks[1][2], risks[1][3], measures[1][2], measures[1][6], rules[1][2], rules[1][6], rules[1][7]]
    assert cells == ["'" + payload] * 7
    every_cell = [cell for rows in (risks, measures, rules) for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in every_cell)


def test_quotes_commas_and_newlines_round_trip(client, db, login_as):
    team = factories.create_team()
    revision = factories.create_assessment(team, reference="DPIA-2026-902",
                                           version=factories.create_questionnaire_version()).revisions[0]
    tricky = 'He said "stop", then left;\nsecond line, with a comma\r\nthird "line"'
    fill(revision,
         risks=[{"description": tricky, "affected": 'Staff, "volunteers"', "likelihood": "remote",
                 "severity": "minimal"}],
         measures=lambda uids: [{"risk_uids": uids, "description": tricky, "effect": "reduced",
                                 "owner": 'Head of "IT", north'}],
         retention=[{**RETENTION, "justification": tricky, "data_category": "Images, audio"}])
    login_as(factories.create_user(teams=(team,)))
    factories.commit()
    risks = csv_rows(client.get(url("risk-register", reference="DPIA-2026-902")))
    measures = csv_rows(client.get(url("action-plan", reference="DPIA-2026-902")))
    rules = csv_rows(client.get(url("retention-schedule", reference="DPIA-2026-902")))
    assert (risks[1][2], risks[1][3]) == (tricky, 'Staff, "volunteers"')
    assert (measures[1][2], measures[1][6]) == (tricky, 'Head of "IT", north')
    assert (rules[1][2], rules[1][6]) == ("Images, audio", tricky)
    assert [len(rows) for rows in (risks, measures, rules)] == [2, 2, 2]


# -- who may download them -------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_someone_outside_the_team_gets_not_found_like_the_pages(client, plan, login_as, name):
    login_as(factories.create_user(teams=(factories.create_team(),)))
    assert client.get(f"/assessments/{REFERENCE}/revisions/1").status_code == 404
    response = client.get(url(name))
    assert response.status_code == 404
    assert "Alert images" not in text_of(response) and "Wrong people" not in text_of(response)


@pytest.mark.parametrize("name", FILES)
def test_a_missing_revision_or_assessment_is_not_found(client, plan, login_as, name):
    login_as(plan["member"])
    assert client.get(url(name, number=2)).status_code == 404
    assert client.get(url(name, reference="DPIA-1999-001")).status_code == 404


@pytest.mark.parametrize("name", FILES)
def test_signed_out_visitors_are_sent_to_sign_in(client, plan, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.DPO, Role.REVIEWER])
def test_oversight_roles_may_download_any_assessments_files(client, plan, login_as, role):
    login_as(factories.create_user(role))
    assert len(csv_rows(client.get(url("action-plan")))) == 4


@pytest.mark.parametrize("build", [risk_register, action_plan, retention_schedule])
def test_the_services_check_permission_too(plan, build):
    content = load_content(plan["revision"])
    outsider = factories.create_user(teams=(factories.create_team(),))
    with pytest.raises(PermissionDeniedError):
        build(actor=outsider, now=factories.CLOCK, content=content)
    assert build(actor=plan["member"], now=factories.CLOCK, content=content).rows


# -- statuses --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("due_on", "status"), [
    (None, NO_DUE_DATE), (date(2026, 11, 30), OVERDUE), (date(2026, 12, 1), DUE_TODAY),
    (date(2026, 12, 2), NOT_YET_DUE),
])
def test_due_status(due_on, status):
    assert due_status(due_on, date(2026, 12, 1)) == status


# -- bounded statements ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_statements_do_not_grow_with_ten_times_the_rows(client, db, login_as, count_queries, name):
    team = factories.create_team()
    revision = factories.create_assessment(team, reference="DPIA-2026-903",
                                           version=factories.create_questionnaire_version()).revisions[0]
    login_as(factories.create_user(teams=(team,)))

    def spread(count: int) -> None:
        fill(revision,
             risks=[{"description": f"Risk {n}", "likelihood": "possible", "severity": "severe"}
                    for n in range(count)],
             measures=lambda uids: [{"risk_uids": uids[:2], "description": f"Measure {n}", "effect": "reduced",
                                     "owner": "Owner", "due_on": "2027-01-31"} for n in range(count)],
             retention=[{**RETENTION, "data_category": f"Data {n}"} for n in range(count)])
        factories.commit()

    spread(3)
    with count_queries() as few:
        assert len(csv_rows(client.get(url(name, reference="DPIA-2026-903")))) == 4
    spread(27)
    with count_queries() as many:
        assert len(csv_rows(client.get(url(name, reference="DPIA-2026-903")))) == 31
    assert many.count == few.count <= 12
