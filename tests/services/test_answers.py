"""Saving sections and table rows: validation, conditional questions, locking, audit."""

import pytest
from sqlalchemy import select

from dpia.assessments.models import Answer, Risk
from dpia.assessments.services.answers import SectionConflict, save_section
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import RowConflict, add_row, remove_row, update_row
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError
from dpia.review.rules.states import RevisionState
from tests import factories

NOW = factories.NOW


@pytest.fixture()
def setup(db):
    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    assessment = factories.create_assessment(team, version=factories.create_questionnaire_version())
    return author, assessment.revisions[0]


def stored(db, revision):
    return dict(db.session.execute(select(Answer.question_key, Answer.value)
                                   .where(Answer.revision_id == revision.id)).all())


BASICS = {"basics.aims": "Find wanted people", "basics.name": "LFR trial", "basics.children": "no",
          "basics.people": "1,000", "basics.publish": "2018-Q2", "basics.start": ["10", "6", "2017"]}


def test_save_stores_typed_values_and_audits(db, setup):
    author, revision = setup
    outcome = save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=BASICS,
                                   expected_lock=0)
    assert outcome.ok
    values = stored(db, revision)
    assert values["basics.people"] == 1000
    assert values["basics.children"] is False
    assert values["basics.publish"] == "2018-Q2"
    assert values["basics.start"] == "2017-06-10"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "section.save" and "basics.people" in event.summary["changed"]
    assert "1000" not in str(event.summary)  # the audit row names what changed, never the content


def test_invalid_input_saves_nothing(db, setup):
    author, revision = setup
    outcome = save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics",
                                   raw={**BASICS, "basics.people": "lots"}, expected_lock=0)
    assert outcome.errors == {"basics.people": "People affected must be a number, like 104"}
    assert outcome.values["basics.aims"] == "Find wanted people"  # the rest is kept to show again
    assert stored(db, revision) == {}


def test_hidden_questions_are_not_validated(db, setup):
    author, revision = setup
    raw = {**BASICS, "basics.children": "no", "basics.children_safeguards": "x" * 30_000}
    assert save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=raw,
                                expected_lock=0).ok
    raw["basics.children"] = "yes"
    outcome = save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=raw,
                                   expected_lock=1)
    assert "basics.children_safeguards" in outcome.errors


def test_clearing_an_answer_deletes_it(db, setup):
    author, revision = setup
    save_section(actor=author, now=NOW,
                 content=load_content(revision), section_key="basics", raw=BASICS, expected_lock=0)
    save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics",
                         raw={**BASICS, "basics.name": ""}, expected_lock=1)
    assert "basics.name" not in stored(db, revision)


def test_second_save_from_a_stale_form_is_a_conflict_with_their_values(db, setup):
    author, revision = setup
    colleague = factories.create_user(teams=(revision.assessment.team,))
    save_section(actor=colleague, now=NOW, content=load_content(revision), section_key="basics",
                         raw={**BASICS, "basics.aims": "Their aims"}, expected_lock=0)
    with pytest.raises(SectionConflict) as conflict:
        save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics",
                             raw={**BASICS, "basics.aims": "My aims"}, expected_lock=0)
    assert conflict.value.theirs["basics.aims"] == "Their aims"
    assert conflict.value.by == colleague
    assert stored(db, revision)["basics.aims"] == "Their aims"


def test_only_the_team_edits_and_only_drafts(db, setup):
    author, revision = setup
    outsider = factories.create_user()
    with pytest.raises(PermissionDeniedError):
        save_section(actor=outsider, now=NOW, content=load_content(revision), section_key="basics", raw=BASICS,
                             expected_lock=0)
    revision.state = RevisionState.APPROVED
    with pytest.raises(PermissionDeniedError):
        save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=BASICS,
                             expected_lock=0)


RETENTION = {"data_category": "Alert images", "period_days": "30", "trigger": "on_alert",
             "justification": "Complaints", "deletion_method": "automatic"}


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
                              raw={"risk_uid": added.uid, "description": "Officer checks alerts",
                                   "effect": "reduced", "approved": "yes"})
    assert measure.ok
    bad = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.measures",
                          raw={"risk_uid": "not-a-risk", "description": "x", "effect": "reduced"})
    assert "risk_uid" in bad.errors
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


def test_loading_content_issues_a_fixed_number_of_queries(db, setup, count_queries):
    author, revision = setup
    db.session.expire_all()
    with count_queries() as few:
        load_content(revision)
    for _ in range(15):
        add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", raw=RETENTION)
    save_section(actor=author, now=NOW,
                 content=load_content(revision), section_key="basics", raw=BASICS, expected_lock=0)
    db.session.expire_all()
    with count_queries() as many:
        load_content(revision)
    assert many.count == few.count
