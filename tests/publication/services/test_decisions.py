"""Decisions to publish: only the DPO records them, the plan is validated, slippage keeps its history."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.publication.rules import Scope
from dpia.publication.services.decisions import plan_of, record_decision, record_slippage
from tests import factories
from tests.factories import approve, decide

NOW = factories.NOW


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


def test_decisions_are_audited(db, setup):
    approve(setup)
    decide(setup)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)).all()
    assert actions == ["publication.decide"]
