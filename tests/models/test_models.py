"""Model constraints and column behaviour on each database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from dpia.assessments.models import Answer, Revision
from dpia.review.rules.states import RevisionState
from tests import factories


def test_datetimes_come_back_as_aware_utc(db):
    local = datetime(2017, 4, 12, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    team = factories.create_team()
    team.created_at = local
    db.session.commit()
    db.session.expire_all()
    assert team.created_at == local
    assert team.created_at.tzinfo == UTC
    assert team.created_at.hour == 9


def test_naive_datetimes_are_refused(db):
    team = factories.create_team()
    team.created_at = datetime(2017, 4, 12, 10, 30)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_assessment_reference_is_unique(db):
    factories.create_assessment(reference="DPIA-2017-004")
    with pytest.raises(IntegrityError):
        factories.create_assessment(reference="DPIA-2017-004")
    db.session.rollback()


def test_revision_numbers_are_unique_per_assessment(db):
    assessment = factories.create_assessment()
    db.session.add(Revision(assessment=assessment, number=1, state=RevisionState.DRAFT,
                            questionnaire_version=assessment.revisions[0].questionnaire_version,
                            created_at=factories.NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_answer_per_question_per_revision(db):
    revision = factories.create_assessment().revisions[0]
    db.session.add(Answer(revision=revision, question_key="need.aims", value="one", updated_at=factories.NOW))
    db.session.flush()
    db.session.add(Answer(revision=revision, question_key="need.aims", value="two", updated_at=factories.NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_stale_revision_save_is_refused(db):
    """Optimistic locking: an update based on an old lock_version fails instead of overwriting."""
    revision = factories.create_assessment().revisions[0]
    db.session.commit()
    assert revision.lock_version == 1
    db.session.execute(Revision.__table__.update().where(Revision.id == revision.id)
                       .values(lock_version=2, rationale="someone else"))
    revision.rationale = "mine"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()


def test_invalid_state_is_refused_by_the_database(db):
    revision = factories.create_assessment().revisions[0]
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(Revision.__table__.update().where(Revision.id == revision.id).values(state="published"))
    db.session.rollback()


def test_roles_and_teams(db):
    from dpia.accounts.rules import Role

    team = factories.create_team("Records")
    user = factories.create_user(Role.DPO, Role.REVIEWER, teams=(team,))
    assert user.role_set == {Role.DPO, Role.REVIEWER}
    assert user.team_ids == {team.id}
