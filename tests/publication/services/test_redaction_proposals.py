"""Redactions carried over to a new revision as proposals: withheld until a DPO confirms or drops each,
and no scheduling while one is undecided (so a part withheld once never reaches the public unreviewed)."""

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import remove_row
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import ConflictError, PermissionDeniedError, ValidationError
from dpia.documents.services.exports import build_public_files_now
from dpia.publication.models import RegisterEntry
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import (
    ProposalsPendingError,
    confirm_proposal,
    drop_proposal,
    missing_targets,
    proposals_notice,
    redactions_for,
    remove_redaction,
    set_redaction,
)
from dpia.publication.services.scheduling import document_for, schedule
from dpia.review.services.revisions import DecisionInput, start_revision
from tests import factories
from tests.factories import CANARY, approve, decide

NOW = factories.NOW
ROW_TEXT = f"Hidden {CANARY}"  # the withheld row's data category
NAME_TEXT = f"Secret {CANARY}"  # the withheld answer


def withhold_row_and_name(setup, revision=None):
    revision = revision or setup["revision"]
    set_redaction(actor=setup["dpo"], now=NOW, content=load_content(revision), target_type=TargetType.ROW,
                  target_key=setup["hidden_row"], exemption=Exemption.S31_1_A, reason="Police tactics")
    set_redaction(actor=setup["dpo"], now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                  target_key="basics.name", exemption=Exemption.S40_2, reason="Names of staff")


def next_revision(setup, revision=None):
    revision = revision or setup["revision"]
    return start_revision(actor=setup["author"], now=NOW, assessment=revision.assessment, rationale="New rule",
                          decisions=[DecisionInput(date(2017, 10, 16), "Kept 30 days", "Board", "Board")])


def approved_next(setup, revision=None):
    """A new revision from the (approved) `revision`, approved in its turn; the setup now points at it."""
    new = next_revision(setup, revision)
    approve({**setup, "revision": new})
    return new


def by_target(revision):
    return {(r.target_type, r.target_key): r for r in redactions_for(revision)}


def scheduled_text(publication):
    pdf = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(publication.pdf)).pages)
    entry = factories.db_session().scalar(select(RegisterEntry).where(RegisterEntry.publication_id == publication.id))
    return {"html": publication.html, "pdf": pdf, "json": json.dumps(json.loads(publication.json), ensure_ascii=False),
            "search_text": publication.search_text, "summary": publication.summary,
            "register summary": entry.summary if entry else ""}


def test_a_new_revision_starts_with_the_previous_redactions_as_proposals(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = next_revision(setup)
    carried = by_target(second)
    assert set(carried) == {(TargetType.ROW, setup["hidden_row"]), (TargetType.QUESTION, "basics.name")}
    row = carried[(TargetType.ROW, setup["hidden_row"])]
    assert (row.exemption, row.reason, row.proposed, row.carried_from) == (
        Exemption.S31_1_A, "Police tactics", True, 1)
    assert all(r.proposed for r in carried.values())
    assert not any(r.proposed for r in redactions_for(setup["revision"]))  # revision 1's stay as they were
    assert proposals_notice(redactions_for(second)) == (
        "2 proposals carried over from revision 1 need a decision before this revision can be scheduled")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "publication.carry_redactions"))
    assert event is not None and event.object_id == str(second.id)


def test_a_proposal_withholds_until_decided(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = next_revision(setup)
    text = " ".join(document_for(load_content(second), organisation="Org", public=True).text_parts())
    assert CANARY not in text
    assert "Withheld under FOI Act s.31(1)(a): Police tactics" in text


def test_scheduling_is_refused_until_each_proposal_is_decided_then_confirmed_parts_stay_out(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = approved_next(setup)
    decide({**setup, "revision": second})
    with pytest.raises(ProposalsPendingError, match="2 proposals carried over from revision 1 need a decision"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(second), publish_at=NOW - timedelta(days=1),
                 organisation="Org")
    carried = by_target(second)
    confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second),
                     redaction=carried[(TargetType.ROW, setup["hidden_row"])], exemption=Exemption.S31_1_B,
                     reason="Tactics still in use")
    with pytest.raises(ValidationError, match="1 proposal carried over from revision 1 needs a decision"):
        schedule(actor=setup["dpo"], now=NOW, content=load_content(second), publish_at=NOW - timedelta(days=1),
                 organisation="Org")
    confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second),
                     redaction=carried[(TargetType.QUESTION, "basics.name")], exemption=Exemption.S40_2,
                     reason="Names of staff")
    publication = schedule(actor=setup["dpo"], now=NOW, content=load_content(second),
                           publish_at=NOW - timedelta(days=1), organisation="Org")
    build_public_files_now(publication_id=publication.id, now=NOW)
    texts = scheduled_text(publication)
    assert {name: ROW_TEXT.lower() in text.lower() for name, text in texts.items()} == dict.fromkeys(texts, False)
    assert "Withheld under FOI Act s.31(1)(b): Tactics still in use" in publication.html  # as confirmed
    assert "Visible rule" in publication.html
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(second.id))))
    assert actions.count("publication.confirm_redaction") == 2


def test_a_dropped_proposal_is_published(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = approved_next(setup)
    decide({**setup, "revision": second})
    carried = by_target(second)
    drop_proposal(actor=setup["dpo"], now=NOW, revision=second,
                  redaction=carried[(TargetType.ROW, setup["hidden_row"])])
    confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second),
                     redaction=carried[(TargetType.QUESTION, "basics.name")], exemption=Exemption.S40_2,
                     reason="Names of staff")
    publication = schedule(actor=setup["dpo"], now=NOW, content=load_content(second),
                           publish_at=NOW - timedelta(days=1), organisation="Org")
    assert ROW_TEXT in publication.html and ROW_TEXT.lower() in publication.search_text
    assert NAME_TEXT not in publication.html
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "publication.drop_redaction")) is not None


def test_proposals_carry_from_the_latest_earlier_revision_that_has_redactions(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = approved_next(setup)  # never scheduled: its proposals stay undecided
    third = approved_next(setup, second)
    assert {(r.proposed, r.carried_from) for r in redactions_for(third)} == {(True, 2)}
    # Revision 3's are all dropped: revision 4 still starts from revision 2's, the latest there are.
    for redaction in redactions_for(third):
        drop_proposal(actor=setup["dpo"], now=NOW, revision=third, redaction=redaction)
    fourth = next_revision(setup, third)
    assert {(r.proposed, r.carried_from) for r in redactions_for(fourth)} == {(True, 2)}
    assert len(redactions_for(fourth)) == 2


def test_a_revision_after_one_with_nothing_withheld_starts_with_nothing(db, setup):
    approve(setup)
    second = next_revision(setup)
    assert redactions_for(second) == []
    assert proposals_notice([]) is None


def test_a_proposal_whose_part_is_gone_can_only_be_dropped(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = next_revision(setup)
    content = load_content(second)
    row = next(r for r in content.rows["later.retention"] if r.uid == setup["hidden_row"])
    remove_row(actor=setup["author"], now=NOW, content=content, question_key="later.retention",
               uid=setup["hidden_row"], expected_lock=row.lock_version)
    content = load_content(second)
    proposal = by_target(second)[(TargetType.ROW, setup["hidden_row"])]
    assert missing_targets(content, redactions_for(second)) == {proposal.id}
    with pytest.raises(ValidationError, match="no longer in this revision"):
        confirm_proposal(actor=setup["dpo"], now=NOW, content=content, redaction=proposal,
                         exemption=Exemption.S31_1_A, reason="Police tactics")
    drop_proposal(actor=setup["dpo"], now=NOW, revision=second, redaction=proposal)
    assert (TargetType.ROW, setup["hidden_row"]) not in by_target(second)


def test_only_a_dpo_decides_and_only_once(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = next_revision(setup)
    proposal = by_target(second)[(TargetType.QUESTION, "basics.name")]
    with pytest.raises(PermissionDeniedError):
        confirm_proposal(actor=setup["author"], now=NOW, content=load_content(second), redaction=proposal,
                         exemption=Exemption.S40_2, reason="Names")
    with pytest.raises(PermissionDeniedError):
        drop_proposal(actor=setup["author"], now=NOW, revision=second, redaction=proposal)
    with pytest.raises(ValidationError, match="reason"):
        confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second), redaction=proposal,
                         exemption=Exemption.S40_2, reason="  ")
    assert proposal.proposed  # a refused confirmation decides nothing
    confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second), redaction=proposal,
                     exemption=Exemption.S40_2, reason="Names")
    with pytest.raises(ConflictError):
        confirm_proposal(actor=setup["dpo"], now=NOW, content=load_content(second), redaction=proposal,
                         exemption=Exemption.S40_2, reason="Names")
    with pytest.raises(ConflictError):
        drop_proposal(actor=setup["dpo"], now=NOW, revision=second, redaction=proposal)


def test_withholding_a_proposed_part_again_decides_the_proposal(db, setup):
    approve(setup)
    withhold_row_and_name(setup)
    second = next_revision(setup)
    set_redaction(actor=setup["dpo"], now=NOW, content=load_content(second), target_type=TargetType.QUESTION,
                  target_key="basics.name", exemption=Exemption.S38, reason="Safety of staff")
    redaction = by_target(second)[(TargetType.QUESTION, "basics.name")]
    assert (redaction.proposed, redaction.exemption, redaction.carried_from) == (False, Exemption.S38, 1)
    # "Publish it" on a proposal drops it, audited as a decision on the proposal.
    remove_redaction(actor=setup["dpo"], now=NOW, revision=second,
                     redaction=by_target(second)[(TargetType.ROW, setup["hidden_row"])])
    assert proposals_notice(redactions_for(second)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "publication.drop_redaction")) is not None


def test_a_question_a_questionnaire_upgrade_removed_is_shown_gone_and_can_only_be_dropped(db):
    from dpia.accounts.rules import Role
    from dpia.assessments.models import Answer
    from dpia.assessments.services.upgrade import upgrade_revision
    from dpia.review.rules.states import RevisionState
    from tests.questionnaires.versions import LATER, V1_SECTIONS, V2_SECTIONS, upload, yaml_text

    admin, dpo = factories.create_user(Role.ADMIN), factories.create_user(Role.DPO)
    v1 = upload(yaml_text(V1_SECTIONS), actor=admin).version
    v2 = upload(yaml_text(V2_SECTIONS, version="2"), actor=admin, now=LATER).version
    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    first = factories.create_assessment(team, version=v1).revisions[0]
    db.session.add(Answer(revision=first, question_key="about.old", value=f"Old {CANARY}", updated_at=NOW))
    first.state = RevisionState.APPROVED  # the workflow is tested elsewhere; only the carry-over matters here
    db.session.flush()
    set_redaction(actor=dpo, now=NOW, content=load_content(first), target_type=TargetType.QUESTION,
                  target_key="about.old", exemption=Exemption.S30, reason="An investigation")
    second = start_revision(actor=author, now=NOW, assessment=first.assessment, rationale="New version",
                            decisions=[DecisionInput(date(2017, 10, 16), "Kept 30 days", "Board", "Board")])
    proposal = by_target(second)[(TargetType.QUESTION, "about.old")]
    assert proposal.proposed and missing_targets(load_content(second), [proposal]) == set()
    upgrade_revision(actor=author, now=LATER, revision=second, target_version=v2)
    content = load_content(second)
    assert missing_targets(content, redactions_for(second)) == {proposal.id}
    with pytest.raises(ValidationError, match="drop the proposal"):
        confirm_proposal(actor=dpo, now=LATER, content=content, redaction=proposal, exemption=Exemption.S30,
                         reason="An investigation")
    drop_proposal(actor=dpo, now=LATER, revision=second, redaction=proposal)
    assert redactions_for(second) == []
