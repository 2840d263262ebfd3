"""A page with several forms renders each form's CSRF token without an id, so ids stay unique."""

import re

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.review.models import Comment
from dpia.review.services.comments import add_comment
from tests import factories
from tests.web import as_user, csrf_token

REF = "DPIA-2026-320"
COMMENTS = f"/assessments/{REF}/revisions/1/comments"


@pytest.fixture()
def reviewer(app, db):
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference=REF, version=factories.create_questionnaire_version())
    person = factories.create_user(Role.REVIEWER)
    for body in ("First remark", "Second remark"):
        add_comment(actor=person, now=factories.NOW, content=load_content(assessment.revisions[0]), body=body)
    db.session.commit()
    return as_user(app, person)


def test_every_id_on_a_page_with_many_forms_is_unique_and_the_forms_still_post(db, reviewer):
    page = reviewer.get(COMMENTS).get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 5  # two replies, two resolves, one new comment
    assert 'id="csrf_token"' not in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    first = db.session.scalars(select(Comment).order_by(Comment.id)).first()
    reply = reviewer.post(COMMENTS, data={"csrf_token": csrf_token(reviewer, COMMENTS), "body": "A reply",
                                          "parent_id": str(first.id), "question_key": ""})
    assert reply.status_code == 302
    assert reviewer.post(COMMENTS, data={"body": "No token"}).status_code == 400
