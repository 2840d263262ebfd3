"""Publication services: decisions, slippage, redaction, the redacted document, scheduling, s.22."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import add_row
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from dpia.foi.services import s22_evidence
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.decisions import plan_of, record_decision, record_slippage
from dpia.publication.services.redactions import set_redaction
from dpia.publication.services.register import overdue_publications, register, upcoming
from dpia.publication.services.scheduling import document_for, schedule
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.sign_off import record_sign_off
from dpia.review.services.workflow import transition
from tests import factories

NOW = factories.NOW
CANARY = "CANARY-withheld-4411"


@pytest.fixture()
def setup(db):
    return make_setup()


def make_setup():
    """An assessment with an answer and a row to withhold, and the people to review and publish it."""
    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    reviewer = factories.create_user(Role.REVIEWER)
    dpo = factories.create_user(Role.DPO, name="Dana Protection")
    assessment = factories.create_assessment(team, reference="DPIA-2026-400",
                                             version=factories.create_questionnaire_version())
    revision = assessment.revisions[0]
    save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics",
                                raw={"basics.aims": "Public aims text", "basics.name": f"Secret {CANARY}",
                                     "basics.children": "no"}, expected_lock=0)
    row = add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
                                 raw={"data_category": f"Hidden {CANARY}", "period_days": "30", "trigger": "on_alert",
                                      "justification": "x", "deletion_method": "automatic"})
    add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention",
                           raw={"data_category": "Visible rule", "period_days": "0", "trigger": "on_capture",
                                "justification": "y", "deletion_method": "automatic"})
    return {"dpo": dpo, "author": author, "reviewer": reviewer, "revision": revision, "hidden_row": row.uid}


def approve(setup):
    revision, dpo = setup["revision"], setup["dpo"]
    transition(actor=setup["author"], now=NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=setup["reviewer"], now=NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)
    for kind, raw in ((SignOffKind.DPO_ADVICE, {"recommendation": "proceed", "summary": f"Advice {CANARY}"}),
                      (SignOffKind.KEPT_UNDER_REVIEW, {"next_review_date": "2027-01-01"})):
        record_sign_off(actor=dpo, now=NOW, content=load_content(revision), kind=kind, position="DPO",
                               notes=f"Note {CANARY}", raw=raw)
    transition(actor=dpo, now=NOW, content=load_content(revision), action=Action.APPROVE)


def decide(setup, planned="2018-Q2", **kwargs):
    return record_decision(actor=setup["dpo"], now=kwargs.pop("now", NOW), revision=setup["revision"],
                                   decided_on=date(2017, 12, 11), decided_by="Data Protection Officer",
                                   scope=kwargs.pop("scope", Scope.REDACTED), planned=planned,
                                   channel="Publication scheme")


def test_only_a_dpo_decides_and_the_plan_is_validated(db, setup):
    approve(setup)
    with pytest.raises(PermissionDeniedError):
        record_decision(actor=setup["author"], now=NOW, revision=setup["revision"],
                                decided_on=date(2017, 1, 1), decided_by="x", scope=Scope.FULL, planned="2018-Q2",
                                channel="y")
    with pytest.raises(ValidationError, match="quarter like 2018-Q2"):
        decide(setup, planned="sometime soon")
    decision = decide(setup, planned="Q2 2018")
    assert decision.planned == "2018-Q2" and decision.recorded_at == NOW


def test_decision_cannot_be_dated_in_the_future(db, setup):
    approve(setup)
    with pytest.raises(ValidationError, match="future"):
        record_decision(actor=setup["dpo"], now=NOW, revision=setup["revision"],
                                decided_on=NOW.date() + timedelta(days=1), decided_by="x", scope=Scope.FULL,
                                planned="2030-Q1", channel="y")


def test_slippage_keeps_history_and_moves_the_plan(db, setup):
    approve(setup)
    decision = decide(setup)
    record_slippage(actor=setup["dpo"], now=NOW, decision=decision, reason="Sign-off delayed",
                            new_planned="2018-Q4")
    record_slippage(actor=setup["dpo"], now=NOW, decision=decision, reason="Board postponed",
                            new_planned="March 2019")
    assert [(s.previous_planned, s.new_planned) for s in decision.slippages] == [("2018-Q2", "2018-Q4"),
                                                                                 ("2018-Q4", "2019-03")]
    assert plan_of(decision).canonical == "2019-03"
    with pytest.raises(ValidationError, match="why"):
        record_slippage(actor=setup["dpo"], now=NOW, decision=decision, reason=" ", new_planned="2020-01")


def test_overdue_appears_in_upcoming_for_each_kind_of_plan(db, setup):
    approve(setup)
    decide(setup, planned="2018-Q2")
    within = datetime(2018, 6, 30, 23, tzinfo=UTC)
    after = datetime(2018, 7, 1, 1, tzinfo=UTC)
    assert [i.overdue for i in upcoming(within)] == [False]
    assert [i.overdue for i in upcoming(after)] == [True]
    assert [i.reference for i in overdue_publications(after)] == ["DPIA-2026-400"]


def test_redaction_targets_must_exist_and_need_a_reason(db, setup):
    revision, dpo = setup["revision"], setup["dpo"]
    with pytest.raises(NotFoundError):
        set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                              target_key="no.such", exemption=Exemption.S22, reason="x")
    with pytest.raises(ValidationError):
        set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                              target_key="basics.name", exemption=Exemption.S40_2, reason="  ")
    with pytest.raises(PermissionDeniedError):
        set_redaction(actor=setup["author"], now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                              target_key="basics.name", exemption=Exemption.S40_2, reason="Names")


def redact_all(setup):
    dpo, revision = setup["dpo"], setup["revision"]
    set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                          target_key="basics.name", exemption=Exemption.S40_2, reason="Names of staff")
    set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.ROW,
                          target_key=setup["hidden_row"], exemption=Exemption.S31_3, reason="Tactics")


def test_public_document_drops_withheld_text_internal_keeps_it(db, setup):
    approve(setup)
    redact_all(setup)
    public = document_for(load_content(setup["revision"]), organisation="Org", public=True)
    text = " ".join(public.text_parts())
    assert CANARY not in text
    assert "Withheld under FOI Act s.40(2): Names of staff" in text
    assert "Withheld under FOI Act s.31(3): Tactics" in text
    assert "Public aims text" in text and "Visible rule" in text
    assert "Dana Protection" not in text  # officials' names stay internal
    internal = document_for(load_content(setup["revision"]), organisation="Org", public=False)
    assert CANARY in " ".join(internal.text_parts())


def test_summary_scope_publishes_only_the_summary(db, setup):
    approve(setup)
    document = document_for(load_content(setup["revision"]), organisation="Org", public=True, scope=Scope.SUMMARY)
    assert [s.title for s in document.sections] == ["Summary"]
    assert document.notes == ("Only a summary of this assessment is published.",)


def test_s22_evidence_uses_the_recording_time(db, setup):
    approve(setup)
    decide(setup, now=datetime(2017, 12, 12, 9, tzinfo=UTC))
    assessment = setup["revision"].assessment
    before = s22_evidence(assessment, received=date(2017, 12, 11), now=NOW)
    after = s22_evidence(assessment, received=date(2018, 3, 15), now=NOW)
    assert not before.intention_existed
    assert after.intention_existed and after.plan_on_request_date == "2018-Q2" and after.overdue_now


def test_decisions_are_audited(db, setup):
    approve(setup)
    decide(setup)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).all()
    assert actions == ["publication.decide"]


def test_schedule_renders_once_and_freezes_redactions(db, setup):
    approve(setup)
    redact_all(setup)
    with pytest.raises(ValidationError, match="decision"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                         publish_at=NOW + timedelta(days=1), organisation="Org")
    decide(setup)
    publication = schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                                   publish_at=NOW + timedelta(days=1), organisation="Org")
    assert publication.pdf.startswith(b"%PDF") and len(publication.html_sha256) == 64
    assert CANARY not in publication.html and CANARY not in publication.json and CANARY not in publication.search_text
    assert "Withheld under FOI Act s.31(3): Tactics" in publication.html
    with pytest.raises(ConflictError):
        set_redaction(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]),
                              target_type=TargetType.QUESTION, target_key="basics.aims", exemption=Exemption.S22,
                              reason="too late")
    assert register(NOW).total == 0  # not yet: publish_at is tomorrow
    assert register(NOW + timedelta(days=2)).total == 1


def test_only_approved_revisions_are_scheduled(db, setup):
    with pytest.raises(ValidationError, match="approved"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(setup["revision"]), publish_at=NOW,
                         organisation="Org")
