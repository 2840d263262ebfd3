"""Table rows: adding, changing and removing them, validation, locking, risk ratings and measures."""

import pytest
from sqlalchemy import select

from dpia.assessments.models import Risk
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import RowConflict, add_row, remove_row, update_row
from tests import factories

NOW = factories.NOW
RETENTION = factories.ALL_TYPES_RETENTION


def test_rows_add_update_remove(db, setup):
    author, revision = setup
    first = add_row(actor=author, now=NOW,
                    content=load_content(revision), question_key="later.retention", raw=RETENTION)
    second = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
                     raw={**RETENTION, "data_category": "Non-matches", "period_days": "0",
                          "trigger": "on_capture"})
    content = load_content(revision)
    rows = content.rows["later.retention"]
    assert [r.cells["period_days"] for r in rows] == [30, 0]
    update_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", uid=first.uid,
               raw={**RETENTION, "period_days": "31"}, expected_lock=rows[0].lock_version)
    remove_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", uid=first.uid,
               expected_lock=rows[0].lock_version + 1)
    rows = load_content(revision).rows["later.retention"]
    assert [(r.uid, r.ref, r.position) for r in rows] == [(second.uid, "1", 1)]


def test_row_errors_name_the_column(db, setup):
    author, revision = setup
    outcome = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
                      raw={**RETENTION, "period_days": "-3", "trigger": "whenever"})
    assert set(outcome.errors) == {"period_days", "trigger"}
    assert load_content(revision).rows["later.retention"] == []


def test_stale_row_edit_is_a_conflict(db, setup):
    author, revision = setup
    added = add_row(actor=author, now=NOW,
                    content=load_content(revision), question_key="later.retention", raw=RETENTION)
    update_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", uid=added.uid,
               raw={**RETENTION, "period_days": "14"}, expected_lock=1)
    with pytest.raises(RowConflict) as conflict:
        update_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", uid=added.uid,
                   raw={**RETENTION, "period_days": "60"}, expected_lock=1)
    assert conflict.value.theirs["period_days"] == 14


def test_risk_ratings_use_the_matrix_and_measures_cite_risks(db, setup):
    author, revision = setup
    added = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.risks",
                    raw={"description": "Incorrect alert", "likelihood": "possible", "severity": "severe",
                         "residual_likelihood": "remote", "residual_severity": "significant"})
    risk = db.session.scalar(select(Risk).where(Risk.row_uid == added.uid))
    assert (risk.overall, risk.residual, risk.risk_model_key) == ("high", "low", "ico-3x3")
    refused = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.risks",
                      raw={"description": "x", "likelihood": "certain", "severity": "severe"})
    assert "likelihood" in refused.errors
    measure = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.measures",
                      raw={"risk_uids": [added.uid], "description": "Officer checks alerts",
                           "effect": "reduced", "approved": "yes"})
    assert measure.ok
    bad = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.measures",
                  raw={"risk_uids": [added.uid, "not-a-risk"], "description": "x", "effect": "reduced"})
    assert "risk_uids" in bad.errors
    content = load_content(revision)
    assert content.risk_options()[0].label == "R1: Incorrect alert"
    before, after = content.heat_maps()
    assert [c.refs for c in before.cells if c.refs] == [("R1",)]
    assert [(c.likelihood, c.severity) for c in after.cells if c.refs] == [("remote", "significant")]


def test_prefilled_rows_and_ratios(db, setup):
    _, revision = setup
    rows = load_content(revision).rows["later.deployments"]
    assert len(rows) == 1
    assert rows[0].cells == {"date": "2017-06-01", "alerts": 104, "confirmed": 2}
