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
            "dpo": factories.create_user(Role.DPO, name="Dana Protection"),
            "approver": factories.create_user(Role.APPROVER, name="Avery Approver"),
            "revision": assessment.revisions[0]}


def submitted(db, people, *, send: bool = False) -> None:
    """Complete the revision and submit it (and send it for sign-off), through the services."""
    revision = people["revision"]
    factories.complete(revision, people["author"])
    transition(actor=people["author"], now=factories.NOW, content=load_content(revision), action=Action.SUBMIT)
    if send:
        transition(actor=people["reviewer"], now=factories.NOW, content=load_content(revision),
                   action=Action.SEND_FOR_SIGN_OFF)
    db.session.commit()


def post(client, path, data=None, token_from=None):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from or BASE), **(data or {})})


def state(db, people):
    db.session.expire_all()
    return db.session.get(Revision, people["revision"].id).state


def test_submit_lists_what_blocks_it_and_warns_about_unresolved_comments(app, db, people):
    add_comment(actor=people["reviewer"], now=factories.NOW,
                content=load_content(people["revision"]), body="Check this")
    db.session.commit()
    author = as_user(app, people["author"])
    path = f"{BASE}/submit"
    page = author.get(path).get_data(as_text=True)
    assert "1 comment is not resolved yet" in page
    assert "Before you can submit it, 3 things need attention" in page
    assert "Basics: answer “Project name”" in page and 'name="note"' not in page  # no submit form yet
    assert f'href="/assessments/{REF}/revisions/1/sections/basics#basics.name"' in page
    # Posting anyway (say from an old tab) is refused and changes nothing.
    refused = post(author, path, token_from=BASE)
    assert refused.status_code == 400 and "Basics: answer “Project name”" in refused.get_data(as_text=True)
    assert state(db, people) is RevisionState.DRAFT
    factories.complete(people["revision"], people["author"])
    db.session.commit()
    assert 'name="note"' in author.get(path).get_data(as_text=True)
    assert post(author, path, token_from=path).status_code == 302
    assert state(db, people) is RevisionState.SUBMITTED
    assert "Submitted for review" in author.get(BASE).get_data(as_text=True)


def test_reviewer_requests_changes_with_a_note(app, db, people):
    submitted(db, people)
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
    submitted(db, people)
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


def test_dpo_advises_and_the_approver_decides_through_the_page(app, db, people):
    submitted(db, people, send=True)
    path = f"{BASE}/sign-off"
    dpo, approver = as_user(app, people["dpo"]), as_user(app, people["approver"])
    page = dpo.get(path).get_data(as_text=True)
    assert "Record the DPO&#39;s advice (UK GDPR Art. 35(2))" in page
    assert f'href="{path}?kind=dpo_advice#record"' in page
    assert "Record the decision" not in page  # the DPO advises; the approver decides
    assert post(dpo, f"{BASE}/decision", {"outcome": "approve"}, token_from=path).status_code == 403
    missing = post(dpo, path, {"kind": "dpo_advice", "position": "DPO", "summary": "Fine"}, token_from=path)
    assert missing.status_code == 400 and "Select the DPO&#39;s recommendation" in missing.get_data(as_text=True)
    assert post(dpo, path, {"kind": "dpo_advice", "position": "Data Protection Officer",
                            "recommendation": "proceed", "summary": "Go ahead"}, token_from=path).status_code == 302
    assert post(dpo, path, {"kind": "kept_under_review", "position": "Data Protection Officer",
                            "next_review_date": ["30", "4", "2027"]}, token_from=path).status_code == 302
    record = db.session.scalar(select(SignOff).where(SignOff.kind == "dpo_advice"))
    assert len(record.content_hash) == 64 and record.signer_name == "Dana Protection"
    # Approving before the approver's own rows are recorded is refused, naming them.
    early = post(approver, f"{BASE}/decision", {"outcome": "approve"}, token_from=path)
    assert early.status_code == 400 and "Measures approved by" in early.get_data(as_text=True)
    assert state(db, people) is RevisionState.AWAITING_SIGN_OFF
    for kind, fields in (("measures_approved", {}), ("residual_risks_approved", {}),
                         ("advice_decision", {"decision": "accepted"})):
        assert post(approver, path, {"kind": kind, "position": "Chief Superintendent", **fields},
                    token_from=path).status_code == 302
    page = approver.get(path).get_data(as_text=True)
    assert "Current</strong>" in page and "Before this revision can be approved" not in page
    assert post(approver, f"{BASE}/decision", {"outcome": "approve"}, token_from=path).status_code == 302
    assert state(db, people) is RevisionState.APPROVED
    assert db.session.get(Revision, people["revision"].id).approved_by_id == people["approver"].id


def test_approval_with_conditions_needs_each_condition_whole(app, db, people):
    submitted(db, people, send=True)
    factories.sign_all(people["revision"], people)
    db.session.commit()
    path = f"{BASE}/sign-off"
    approver = as_user(app, people["approver"])
    none = post(approver, f"{BASE}/decision", {"outcome": "approve_with_conditions"}, token_from=path)
    assert none.status_code == 400 and "Give at least one condition" in none.get_data(as_text=True)
    typed = {"outcome": "approve_with_conditions", "condition_1_action": "Publish the watchlist criteria",
             "condition_1_owner": ""}
    partial = post(approver, f"{BASE}/decision", typed, token_from=path)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 400 and "Publish the watchlist criteria" in body  # kept as typed
    assert state(db, people) is RevisionState.AWAITING_SIGN_OFF
    whole = {**typed, "condition_1_owner": "Head of LFR", "condition_1_due": ["30", "6", "2027"]}
    assert post(approver, f"{BASE}/decision", whole, token_from=path).status_code == 302
    assert state(db, people) is RevisionState.APPROVED
    task_list = as_user(app, people["author"]).get(BASE).get_data(as_text=True)
    assert "Publish the watchlist criteria" in task_list and "Head of LFR" in task_list


def test_rejecting_needs_reasons(app, db, people):
    submitted(db, people, send=True)
    path = f"{BASE}/sign-off"
    approver = as_user(app, people["approver"])
    bare = post(approver, f"{BASE}/decision", {"outcome": "reject"}, token_from=path)
    assert bare.status_code == 400 and "Give the reasons for rejecting" in bare.get_data(as_text=True)
    assert post(approver, f"{BASE}/decision", {"outcome": "reject", "note": "Necessity not shown"},
                token_from=path).status_code == 302
    assert state(db, people) is RevisionState.REJECTED


def test_reviewer_cannot_give_dpo_advice(app, db, people):
    submitted(db, people, send=True)
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


def test_a_blocker_on_a_table_row_links_to_that_row(app, db, people):
    revision = people["revision"]
    factories.complete(revision, people["author"])
    # An unrated risk, as an add-on's starting risks are (the row form itself insists on a rating).
    definition = load_content(revision).definition
    [risk] = factories.insert_rows(revision, definition.question("later.risks"), [{"description": "Wrongful stop"}],
                                   definition, now=factories.NOW)
    db.session.commit()
    page = as_user(app, people["author"]).get(f"{BASE}/check").get_data(as_text=True)
    assert "Risk R1 is not rated" in page
    assert f'href="{BASE}/tables/later.risks/rows/{risk.row_uid}"' in page
