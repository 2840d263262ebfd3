"""Dates on the sign-off page are typed in day, month and year boxes, like every other date in the app."""

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.review.models import SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action
from dpia.review.services.workflow import transition
from tests import factories
from tests.web import as_user, csrf_token

REF = "DPIA-2026-310"
BASE = f"/assessments/{REF}/revisions/1"
SIGN_OFF = f"{BASE}/sign-off"


@pytest.fixture()
def dpo(app, db):
    """A DPO's client on the sign-off page of a revision sent for sign-off."""
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference=REF, version=factories.create_questionnaire_version())
    author = factories.create_user(teams=(team,))
    reviewer = factories.create_user(Role.REVIEWER)
    revision = assessment.revisions[0]
    factories.complete(revision, author)
    transition(actor=author, now=factories.NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=reviewer, now=factories.NOW, content=load_content(revision), action=Action.SEND_FOR_SIGN_OFF)
    db.session.commit()
    return as_user(app, factories.create_user(Role.DPO, name="Dana Protection"))


def sign_kept_under_review(client, day: str, month: str, year: str):
    return client.post(SIGN_OFF, data={"csrf_token": csrf_token(client, SIGN_OFF), "kind": "kept_under_review",
                                       "position": "Data Protection Officer",
                                       "next_review_date": [day, month, year]})


def test_the_next_review_date_is_three_boxes_and_is_stored_and_shown_in_words(db, dpo):
    page = dpo.get(f"{SIGN_OFF}?kind=kept_under_review").get_data(as_text=True)
    for part in ("day", "month", "year"):
        assert f'id="next_review_date-{part}"' in page
    assert "YYYY" not in page and "2018-04-30" not in page

    assert sign_kept_under_review(dpo, "30", "4", "2027").status_code == 302
    record = db.session.scalar(select(SignOff).where(SignOff.kind == SignOffKind.KEPT_UNDER_REVIEW))
    assert record.details["next_review_date"] == "2027-04-30"
    assert "Next review: 30 April 2027" in dpo.get(SIGN_OFF).get_data(as_text=True)


def test_an_impossible_date_is_refused_with_the_boxes_kept_as_typed(db, dpo):
    response = sign_kept_under_review(dpo, "31", "2", "2018")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in body
    assert '<a href="#next_review_date-day">Next review date must be a real date, like 30 4 2018</a>' in body
    for part, typed in (("day", "31"), ("month", "2"), ("year", "2018")):
        assert f'id="next_review_date-{part}" name="next_review_date" type="text" value="{typed}"' in body
    assert db.session.scalars(select(SignOff)).all() == []


def test_an_empty_date_asks_for_it(db, dpo):
    response = sign_kept_under_review(dpo, "", "", "")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<a href="#next_review_date-day">Enter the next review date as day, month and year</a>' in body
