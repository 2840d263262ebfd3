"""Starting a new revision: everything copied, rows keep their identity, decisions are linked."""

from datetime import date

import pytest

from dpia.assessments.services.content import load_content, revision_hash
from dpia.assessments.services.rows import add_row
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.revisions import DecisionInput, revision_decisions, start_revision
from dpia.review.services.workflow import transition
from tests import factories
from tests.factories import sign_all, to_sign_off

NOW = factories.NOW


def test_new_revision_copies_everything_keeps_row_identity_and_links_decisions(db, revision, people):
    add_row(actor=people["author"], now=NOW, content=load_content(revision), question_key="later.retention",
            raw={"data_category": "Non-matches", "period_days": "0", "trigger": "on_capture",
                 "justification": "None kept", "deletion_method": "automatic"})
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    with pytest.raises(ValidationError, match="rationale|why") as refused:
        start_revision(actor=people["author"], now=NOW, assessment=revision.assessment, rationale="",
                       decisions=[])
    assert "decision" in str(refused.value)
    decision = DecisionInput(date(2017, 10, 16), "Alert images kept 30 days", "Board", "Board meeting")
    second = start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                            rationale="Adds the retention rule", decisions=[decision])
    assert (second.number, second.state, second.based_on_id) == (2, RevisionState.DRAFT, revision.id)
    old, new = load_content(revision), load_content(second)
    assert new.answers == old.answers
    assert [r.uid for r in new.rows["later.retention"]] == [r.uid for r in old.rows["later.retention"]]
    assert revision_hash(new) == revision_hash(old)  # same content, same fingerprint
    assert [d.decision for d in revision_decisions(second)] == ["Alert images kept 30 days"]
    # Revision 1 stays the version of record until revision 2 is approved, then is superseded.
    assert revision.state is RevisionState.APPROVED
    with pytest.raises(PermissionDeniedError):
        start_revision(actor=people["author"], now=NOW, assessment=revision.assessment,
                       rationale="again", decisions=[decision])
    transition(actor=people["author"], now=NOW, content=load_content(second), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=NOW, content=load_content(second), action=Action.SEND_FOR_SIGN_OFF)
    sign_all(second, people)
    transition(actor=people["approver"], now=NOW, content=load_content(second), action=Action.APPROVE)
    assert revision.state is RevisionState.SUPERSEDED and revision.next_review_on is None
    assert second.state is RevisionState.APPROVED


def test_a_new_revision_runs_what_other_areas_carry_over(db, revision, people, monkeypatch):
    """Other areas register what a new revision carries (publication registers its redactions at
    start-up); `start_revision` runs each one with the new revision, in the same transaction."""
    from dpia.review.services import revisions

    assert "publication.redactions" in revisions._CARRY_OVERS
    seen = []
    monkeypatch.setitem(revisions._CARRY_OVERS, "test", lambda **kwargs: seen.append(kwargs))
    to_sign_off(revision, people)
    sign_all(revision, people)
    transition(actor=people["approver"], now=NOW, content=load_content(revision), action=Action.APPROVE)
    second = start_revision(actor=people["author"], now=NOW, assessment=revision.assessment, rationale="Why",
                            decisions=[DecisionInput(date(2017, 10, 16), "Kept 30 days", "Board", "Board")])
    assert seen == [{"actor": people["author"], "now": NOW, "revision": second}]
