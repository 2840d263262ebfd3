"""`flask dpia demo`: the motivating case, and its refusal in production."""

import re

from sqlalchemy import func, select

from dpia.accounts.models import User
from dpia.assessments.models import Answer, Assessment, Revision
from dpia.assessments.rules.regimes import Regime
from dpia.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRETS
from tests.cli import run
from tests.web import sign_in


def test_demo_loads_the_motivating_case(app, db):
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    assert "dpo@demo.test" in result.output and "demonstration-only" in result.output
    assert "approver@demo.test" in result.output
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == "DPIA-2017-004"))
    assert assessment.title == "Live facial recognition trial"
    assert assessment.team.name == "Live Facial Recognition"
    first, second = assessment.revisions
    assert first.created_at.year == 2017 and first.created_at.month == 4
    assert first.regime is second.regime is Regime.DPA_1998  # the law in force in 2017
    assert second.number == 2 and "30 days" in second.rationale
    scope = {number: db.session.scalar(
        select(Answer.value).join(Revision).where(Revision.assessment_id == assessment.id,
                                                  Revision.number == number,
                                                  Answer.question_key == "processing.scope"))
        for number in (1, 2)}
    assert "30 days" in scope[2] and "30 days" not in scope[1]
    again = run(app, "demo", "--if-empty")
    assert again.exit_code == 0
    assert "already has accounts" in again.output


def test_demo_is_refused_in_production_unless_asked(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_ALLOWED", False)
    refused = run(app, "demo")
    assert refused.exit_code == 1
    assert "production" in refused.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    allowed = run(app, "demo", "--allow-production")
    assert allowed.exit_code == 0


def test_demo_carries_the_lfr_facts(app, db):
    from dpia.assessments.models import AccessRule, Measure, RetentionRule, Risk, TableRow

    assert run(app, "demo").exit_code == 0
    assessment = db.session.scalar(select(Assessment).where(Assessment.reference == "DPIA-2017-004"))
    first, second = assessment.revisions

    def retention(revision):
        return {(r.data_category, r.period_days, r.trigger) for r in db.session.scalars(
            select(RetentionRule).where(RetentionRule.revision_id == revision.id,
                                        RetentionRule.question_key == "lfr.retention"))}

    confirmed = ("Alert images and match data, for confirmed alerts", 30, "on_alert")
    incorrect = ("Alert images and match data, for incorrect alerts", 30, "on_alert")
    assert {confirmed, incorrect} <= retention(second)
    assert not {confirmed, incorrect} & retention(first)  # April 2017: no period set yet
    assert ("Alert images and match data (confirmed and incorrect alerts)", None, "other") in retention(first)
    assert ("Faces that do not match the watchlist", 0, "on_capture") in retention(first) & retention(second)
    access = db.session.scalars(select(AccessRule).where(AccessRule.revision_id == second.id,
                                                         AccessRule.question_key == "lfr.access")).all()
    assert ("Alert images", "Officers and staff assigned to the deployment") in [(a.data_category, a.who)
                                                                                 for a in access]
    risks = db.session.scalars(select(Risk).where(Risk.revision_id == second.id)).all()
    assert len(risks) == 11 and all(r.overall and r.residual for r in risks)  # the add-on's ten, and one more
    measures = db.session.scalars(select(Measure).where(Measure.revision_id == second.id)).all()
    cited = {uid for m in measures for uid in m.risk_uids}
    assert cited <= {r.row_uid for r in risks} and any(len(m.risk_uids) > 1 for m in measures)
    assert {r.row_uid for r in risks if r.overall in ("medium", "high")} <= cited
    assert db.session.scalar(select(TableRow).where(TableRow.revision_id == first.id,
                                                    TableRow.question_key == "lfr.deployments")) is None
    deployment = db.session.scalar(select(TableRow).where(TableRow.revision_id == second.id,
                                                          TableRow.question_key == "lfr.deployments"))
    assert (deployment.cells["alerts"], deployment.cells["confirmed"], deployment.cells["incorrect"]) == (104, 2, 102)
    assert deployment.cells["age_recorded"] is False
    assert "faces_scanned" not in deployment.cells  # not recorded, which is not zero
    assert deployment.cells["unadjudicated"] == 0 and "arrests" not in deployment.cells


def test_demo_staff_use_a_second_factor_whose_published_secrets_are_printed_every_time(app, db):
    first = run(app, "demo")
    again = run(app, "demo", "--if-empty")  # what `make run` does once the data exists
    for output in (first.output, again.output):
        for email, secret in DEMO_TOTP_SECRETS.items():
            assert re.search(rf"{re.escape(email)}\s+{secret}\s+otpauth://totp/", output), email
    staff = db.session.scalars(select(User).where(User.email.in_(DEMO_TOTP_SECRETS))).all()
    assert len(staff) == len(DEMO_TOTP_SECRETS) == 5 and all(user.has_totp for user in staff)
    author = db.session.scalar(select(User).where(User.email == "author@demo.test"))
    assert not author.has_totp
    asked = sign_in(app.test_client(), "dpo@demo.test", DEMO_PASSWORD, second_factor=False)
    assert asked.headers["Location"] == "/sign-in/code"
    assert sign_in(app.test_client(), "dpo@demo.test", DEMO_PASSWORD).headers["Location"] == "/"


def test_demo_secrets_are_not_printed_when_the_demo_is_refused(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_ALLOWED", False)
    refused = run(app, "demo", "--if-empty")
    assert refused.exit_code == 1
    assert not any(secret in refused.output for secret in DEMO_TOTP_SECRETS.values())
