"""Assessment and revision model constraints on each database."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dpia.assessments.models import Answer, Revision
from dpia.review.rules.states import RevisionState
from tests import factories


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
