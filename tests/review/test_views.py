"""The review pages: submit, request changes, comments, sign-off and approval, new revisions."""

import re

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Revision
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from dpia.review.models import SignOff
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.comments import add_comment
from dpia.review.services.workflow import transition
from tests import factories
from tests.web import as_user, csrf_token

REF = "DPIA-2026-300"
BASE = f"/assessments/{REF}/revisions/1"


@pytest.fixture()
def people(db):
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference=REF, version=factories.create_questionnaire_version())
    author = factories.create_user(teams=(team,), name="Alex Author")
    save_section(actor=author, now=factories.NOW, content=load_content(assessment.revisions[0]),
                 section_key="basics", raw={"basics.aims": "Aims", "basics.children": "no"},
                 expected_lock=0)
    db.session.commit()
    return {"author": author, "reviewer": factories.create_user(Role.REVIEWER, name="Riley Reviewer"),
            "dpo": factories.create_user(Role.DPO, name="Dana Protection"), "revision": assessment.revisions[0]}


def post(client, path, data=None, token_from=None):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from or BASE), **(data or {})})


def state(db, people):
    db.session.expire_all()
    return db.session.get(Revision, people["revision"].id).state


def test_submit_warns_about_unresolved_comments_and_incomplete_sections(app, db, people):
    add_comment(actor=people["reviewer"], now=factories.NOW,
                content=load_content(people["revision"]), body="Check this")
    db.session.commit()
    author = as_user(app, people["author"])
    page = author.get(f"{BASE}/submit").get_data(as_text=True)
    assert "1 comment is not resolved yet" in page
    assert "required questions unanswered" in page
    assert post(author, f"{BASE}/submit", token_from=f"{BASE}/submit").status_code == 302
    assert state(db, people) is RevisionState.SUBMITTED
    assert "Submitted for review" in author.get(BASE).get_data(as_text=True)


def test_reviewer_requests_changes_with_a_note(app, db, people):
    transition(actor=people["author"], now=factories.NOW,
               content=load_content(people["revision"]), action=Action.SUBMIT)
    db.session.commit()
    reviewer = as_user(app, people["reviewer"])
    path = f"{BASE}/request-changes"
    empty = post(reviewer, path, {"note": ""}, token_from=path)
    assert empty.status_code == 400 and "Say what needs to change" in empty.get_data(as_text=True)
    assert post(reviewer, path, {"note": "Add the retention rule"}, token_from=path).status_code == 302
    assert state(db, people) is RevisionState.CHANGES_REQUESTED
    author = as_user(app, people["author"])
    assert "Add the retention rule" in author.get(f"{BASE}/comments").get_data(as_text=True)
    assert "1 unresolved comment" in author.get("/").get_data(as_text=True)


def test_author_cannot_request_changes_or_sign_off(app, db, people):
    transition(actor=people["author"], now=factories.NOW,
               content=load_content(people["revision"]), action=Action.SUBMIT)
    db.session.commit()
    author = as_user(app, people["author"])
    assert author.get(f"{BASE}/request-changes").status_code == 403
    response = post(author, f"{BASE}/actions/send_for_sign_off")
    assert response.status_code == 403
    assert state(db, people) is RevisionState.SUBMITTED


def test_comments_page_add_reply_resolve(app, db, people):
    reviewer = as_user(app, people["reviewer"])
    path = f"{BASE}/comments"
    assert post(reviewer, path, {"body": "Which officers see alerts?", "question_key": "basics.aims"},
                token_from=path).status_code == 302
    body = reviewer.get(path).get_data(as_text=True)
    assert "Which officers see alerts?" in body and "Project aims" in body
    comment_id = re.search(r'id="comment-(\d+)"', body).group(1)
    author = as_user(app, people["author"])
    assert post(author, path, {"body": "Only those **assigned**.", "parent_id": comment_id},
                token_from=path).status_code == 302
    assert post(author, f"{path}/{comment_id}/resolve", token_from=path).status_code == 302
    body = author.get(path).get_data(as_text=True)
    assert "<strong>assigned</strong>" in body and "Resolved by Alex Author" in body
    assert post(author, path, {"body": "", "question_key": ""}, token_from=path).status_code == 400
    assert post(author, f"{path}/99999/resolve", token_from=path).status_code == 404


def test_dpo_signs_off_and_approves_through_the_page(app, db, people):
    revision = people["revision"]
    transition(actor=people["author"], now=factories.NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=factories.NOW, content=load_content(revision),
               action=Action.SEND_FOR_SIGN_OFF)
    db.session.commit()
    dpo = as_user(app, people["dpo"])
    path = f"{BASE}/sign-off"
    page = dpo.get(path).get_data(as_text=True)
    assert "Record the DPO&#39;s advice before approving" in page
    assert f'href="{path}?kind=dpo_advice#record"' in page
    refused = post(dpo, f"{BASE}/actions/approve", token_from=path)
    assert refused.status_code == 302 and state(db, people) is RevisionState.AWAITING_SIGN_OFF
    missing = post(dpo, path, {"kind": "dpo_advice", "position": "DPO", "summary": "Fine"}, token_from=path)
    assert missing.status_code == 400 and "Select the DPO&#39;s recommendation" in missing.get_data(as_text=True)
    assert post(dpo, path, {"kind": "dpo_advice", "position": "Data Protection Officer",
                            "recommendation": "proceed", "summary": "Go ahead"}, token_from=path).status_code == 302
    assert post(dpo, path, {"kind": "kept_under_review", "position": "Data Protection Officer",
                            "next_review_date": "2027-04-30"}, token_from=path).status_code == 302
    record = db.session.scalar(select(SignOff).where(SignOff.kind == "dpo_advice"))
    assert len(record.content_hash) == 64 and record.signer_name == "Dana Protection"
    page = dpo.get(path).get_data(as_text=True)
    assert "Current</strong>" in page and "Before this revision can be approved" not in page
    assert post(dpo, f"{BASE}/actions/approve", token_from=path).status_code == 302
    assert state(db, people) is RevisionState.APPROVED


def test_reviewer_cannot_give_dpo_advice(app, db, people):
    revision = people["revision"]
    transition(actor=people["author"], now=factories.NOW, content=load_content(revision), action=Action.SUBMIT)
    transition(actor=people["reviewer"], now=factories.NOW, content=load_content(revision),
               action=Action.SEND_FOR_SIGN_OFF)
    db.session.commit()
    reviewer = as_user(app, people["reviewer"])
    path = f"{BASE}/sign-off"
    assert "kind=dpo_advice" not in reviewer.get(path).get_data(as_text=True)
    response = post(reviewer, path, {"kind": "dpo_advice", "position": "x", "recommendation": "proceed",
                                     "summary": "x"}, token_from=path)
    assert response.status_code == 403


def test_new_revision_page(app, db, people):
    revision = people["revision"]
    revision.state = RevisionState.APPROVED
    db.session.commit()
    author = as_user(app, people["author"])
    path = f"/assessments/{REF}/revisions/new"
    empty = post(author, path, {}, token_from=path)
    assert empty.status_code == 400 and "Explain why the assessment is being revised" in empty.get_data(as_text=True)
    response = post(author, path, {"rationale": "Adds the 30-day rule", "decision": "Alert images kept 30 days",
                                   "decided_on": ["16", "10", "2017"], "made_by": "Board", "forum": "Board meeting"},
                    token_from=path)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/assessments/{REF}/revisions/2")
    page = author.get(f"/assessments/{REF}/revisions/2").get_data(as_text=True)
    assert "Decision of 16 October 2017" in page and "Alert images kept 30 days" in page
    assert as_user(app, people["reviewer"]).get(path).status_code == 403
