"""Saving sections: validation, conditional questions, locking, audit."""

import pytest
from sqlalchemy import select

from dpia.assessments.models import Answer
from dpia.assessments.services.answers import SectionConflict, save_section
from dpia.assessments.services.content import load_content
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError
from dpia.review.rules.states import RevisionState
from tests import factories

NOW = factories.NOW
BASICS = factories.ALL_TYPES_BASICS


def stored(db, revision):
    return dict(db.session.execute(select(Answer.question_key, Answer.value)
                                   .where(Answer.revision_id == revision.id)).all())


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
