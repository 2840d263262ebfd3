"""A measure's owner and due date (the action plan): optional, typed in the row form, stored in their
columns, shown in the document and compared between revisions, without changing the content hash of
measures that leave them empty."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from dpia.assessments.models import Measure
from dpia.assessments.services.content import load_content, revision_document
from dpia.assessments.services.diff import diff_between
from dpia.assessments.services.rows import insert_rows, table_question
from dpia.documents.model import build_document
from tests import factories
from tests.web import csrf_token, text_of

REFERENCE = "DPIA-2026-950"
BASE = f"/assessments/{REFERENCE}/revisions/1"
NEW = f"{BASE}/tables/later.measures/rows/new"


@pytest.fixture()
def draft(db):  # noqa: ANN001, ANN201
    """A draft of the all-types questionnaire with one risk, and its team's member."""
    team = factories.create_team()
    revision = factories.create_assessment(team, reference=REFERENCE,
                                           version=factories.create_questionnaire_version()).revisions[0]
    content = load_content(revision)
    [risk] = insert_rows(revision, table_question(content, "later.risks"),
                         [{"description": "Wrong people stopped", "likelihood": "possible", "severity": "severe"}],
                         content.definition, now=factories.NOW)
    member = factories.create_user(teams=(team,))
    factories.commit()
    return {"revision": revision, "member": member, "risk": risk.row_uid}


def measure_form(client, path: str, risk: str, **extra: object) -> dict:  # noqa: ANN001
    return {"csrf_token": csrf_token(client, path), "lock_version": "0", "f-risk_uids": [risk],
            "f-description": "An officer checks every alert", "f-effect": "reduced", **extra}


def stored(revision) -> list[Measure]:  # noqa: ANN001
    return list(factories.db_session().scalars(select(Measure).where(Measure.revision_id == revision.id)))


def test_the_row_form_asks_for_an_owner_and_a_due_date(client, draft, login_as):
    login_as(draft["member"])
    page = text_of(client.get(NEW))
    assert 'name="f-owner"' in page and "Owner" in page
    assert page.count('name="f-due_on"') == 3  # day, month and year
    assert "Due date" in page


def test_owner_and_due_date_are_saved_shown_and_changed(client, draft, login_as):
    login_as(draft["member"])
    data = measure_form(client, NEW, draft["risk"], **{"f-owner": "Deployment commander",
                                                       "f-due_on": ["31", "1", "2027"]})
    assert client.post(NEW, data=data).status_code == 302
    [measure] = stored(draft["revision"])
    assert (measure.owner, measure.due_on) == ("Deployment commander", date(2027, 1, 31))
    # The summary table of measures shows the owner; the whole row is in the form and the documents.
    assert "Deployment commander" in text_of(client.get(f"{BASE}/check"))

    change = f"{BASE}/tables/later.measures/rows/{measure.row_uid}"
    form = text_of(client.get(change))
    assert 'value="Deployment commander"' in form and 'value="2027"' in form
    edit = {**data, "csrf_token": csrf_token(client, change), "lock_version": "1",
            "f-owner": "Information asset owner", "f-due_on": ["", "", ""]}
    assert client.post(change, data=edit).status_code == 302
    factories.db_session().expire_all()
    [measure] = stored(draft["revision"])
    assert (measure.owner, measure.due_on) == ("Information asset owner", None)


def test_both_are_optional(client, draft, login_as):
    login_as(draft["member"])
    assert client.post(NEW, data=measure_form(client, NEW, draft["risk"])).status_code == 302
    [measure] = stored(draft["revision"])
    assert (measure.owner, measure.due_on) == (None, None)


@pytest.mark.parametrize(("parts", "message"), [
    (["31", "2", "2027"], "Due date must be a real date"),
    (["", "2", "2027"], "Due date must include a day"),
])
def test_an_impossible_due_date_is_refused_with_the_text_kept(client, draft, login_as, parts, message):
    login_as(draft["member"])
    refused = client.post(NEW, data=measure_form(client, NEW, draft["risk"],
                                                 **{"f-owner": "Commander", "f-due_on": parts}))
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert 'value="Commander"' in text_of(refused)
    assert stored(draft["revision"]) == []


def test_an_owner_longer_than_short_text_is_refused(client, draft, login_as):
    login_as(draft["member"])
    refused = client.post(NEW, data=measure_form(client, NEW, draft["risk"], **{"f-owner": "x" * 501}))
    assert refused.status_code == 400
    assert re.search(r"Owner must be 500 characters or fewer", text_of(refused))


def _add_measure(revision, risk: str, **cells: object) -> None:  # noqa: ANN001
    content = load_content(revision)
    insert_rows(revision, table_question(content, "later.measures"),
                [{"risk_uids": [risk], "description": "Check alerts", "effect": "reduced", **cells}],
                content.definition, now=factories.NOW)


def test_empty_owner_and_due_date_leave_the_content_hash_as_before(draft):
    _add_measure(draft["revision"], draft["risk"])
    [measure] = revision_document(load_content(draft["revision"]))["rows"]["later.measures"]
    assert measure["cells"] == {"risk_uid": draft["risk"], "description": "Check alerts", "effect": "reduced"}


def test_a_due_date_is_content_as_iso_text(draft):
    _add_measure(draft["revision"], draft["risk"], owner="Commander", due_on="2027-01-31")
    [measure] = revision_document(load_content(draft["revision"]))["rows"]["later.measures"]
    assert (measure["cells"]["owner"], measure["cells"]["due_on"]) == ("Commander", "2027-01-31")


def test_the_document_shows_owner_and_due_date(draft):
    _add_measure(draft["revision"], draft["risk"], owner="Commander", due_on="2027-01-31")
    document = build_document(load_content(draft["revision"]), organisation="Test", regime="UK GDPR",
                              status="Draft", content_hash="x", public=False)
    [item] = [item for section in document.sections for item in section.items if item.key == "later.measures"]
    assert item.table is not None
    assert "Owner" in item.table.columns and "Due date" in item.table.columns
    cells = {cell.label: cell.text for cell in item.table.rows[0].cells}
    assert (cells["Owner"], cells["Due date"]) == ("Commander", "31 January 2027")


def test_the_diff_shows_a_changed_owner_and_due_date(draft):
    revision = draft["revision"]
    _add_measure(revision, draft["risk"], owner="Commander", due_on="2027-01-31")
    old = load_content(revision)
    [measure] = stored(revision)
    measure.owner, measure.due_on = "Asset owner", date(2027, 3, 1)
    factories.db_session().flush()
    diff = diff_between(old, load_content(revision))
    [row] = [row for section in diff.sections for question in section.questions if question.table
             for row in question.table.rows if row.uid == measure.row_uid]
    changed = {cell.label: (cell.old_text, cell.new_text) for cell in row.cells if cell.changed}
    assert changed == {"Owner": ("Commander", "Asset owner"), "Due date": ("31 January 2027", "1 March 2027")}
