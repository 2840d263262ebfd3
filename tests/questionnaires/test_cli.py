"""`flask dpia load-questionnaires`."""

from sqlalchemy import func, select

from dpia.questionnaires.models import QuestionnaireVersion
from tests.cli import run


def test_load_questionnaires_is_idempotent(app, db):
    first = run(app, "load-questionnaires")
    assert first.exit_code == 0
    count = db.session.scalar(select(func.count(QuestionnaireVersion.id)))
    second = run(app, "load-questionnaires")
    assert "unchanged" in second.output
    assert db.session.scalar(select(func.count(QuestionnaireVersion.id))) == count >= 1
