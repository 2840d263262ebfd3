"""The section page: comments beside the question they are about, and "Add a row" keeping what was typed."""

import re

import pytest
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Answer
from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from dpia.review.services.comments import add_comment, resolve_comment
from forms.assessments import field_name
from tests import factories
from tests.web import as_user, csrf_token

REF = "DPIA-2026-120"
BASE = f"/assessments/{REF}/revisions/1"
BASICS = f"{BASE}/sections/basics"
LATER = f"{BASE}/sections/later"


@pytest.fixture()
def revision(db):
    team = factories.create_team()
    assessment = factories.create_assessment(team, reference=REF, version=factories.create_questionnaire_version())
    return assessment.revisions[0]


@pytest.fixture()
def author(revision):
    return factories.create_user(teams=(revision.assessment.team,), name="Alex Author")


@pytest.fixture()
def reviewer(db):
    return factories.create_user(Role.REVIEWER, name="Riley Reviewer")


def comment(revision, who, body, question_key=None, parent=None):
    return add_comment(actor=who, now=factories.NOW, content=load_content(revision), body=body,
                       question_key=question_key, parent=parent)


def question_block(body: str, key: str) -> str:
    """The HTML of one question on the section page, up to the next question."""
    start = body.index(f'id="{key}"')
    following = body.find('<div class="dpia-question"', start)
    return body[start:following if following != -1 else len(body)]


def lock_version(body: str) -> str:
    return re.search(r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"', body).group(1)


# -- comments beside their question -------------------------------------------------------------------

def test_each_question_shows_its_open_comments_linked_to_the_comments_page(app, db, revision, author, reviewer):
    about_aims = comment(revision, reviewer, "Say **who** is looked for", "basics.aims")
    reply = comment(revision, author, "Wanted people", parent=about_aims)
    about_name = comment(revision, reviewer, "Is this the *final* name?", "basics.name")
    resolved = comment(revision, reviewer, "Already settled", "basics.name")
    resolve_comment(actor=reviewer, now=factories.NOW, revision=revision, comment=resolved)
    comment(revision, reviewer, "About the whole revision")
    db.session.commit()

    body = as_user(app, author).get(BASICS).get_data(as_text=True)
    aims = question_block(body, "basics.aims")
    assert "Say <strong>who</strong> is looked for" in aims  # through the Markdown renderer
    assert "Riley Reviewer" in aims and "Wanted people" in aims and "Alex Author" in aims
    assert f'href="{BASE}/comments#comment-{about_aims.id}"' in aims
    assert f"comment-{reply.id}" not in aims  # a reply is shown within its thread, which is what is linked
    name = question_block(body, "basics.name")
    assert "Is this the <em>final</em> name?" in name and f"#comment-{about_name.id}" in name
    assert "Already settled" not in body  # resolved: only on the comments page
    assert "About the whole revision" not in body
    assert "Is this the" not in aims and "Say <strong>" not in name


def test_a_comment_made_since_shows_on_a_section_opened_before(app, db, revision, author, reviewer):
    """The section's rendered questions are kept between visits: a new, answered or resolved comment
    must still show at once."""
    client = as_user(app, author)
    assert "Note the new camera" not in client.get(BASICS).get_data(as_text=True)
    first = comment(revision, reviewer, "Note the new camera", "basics.aims")
    db.session.commit()
    assert "Note the new camera" in question_block(client.get(BASICS).get_data(as_text=True), "basics.aims")
    comment(revision, author, "Added to the list", parent=first)
    db.session.commit()
    assert "Added to the list" in client.get(BASICS).get_data(as_text=True)
    resolve_comment(actor=reviewer, now=factories.NOW, revision=revision, comment=first)
    db.session.commit()
    assert "Note the new camera" not in client.get(BASICS).get_data(as_text=True)


def test_the_comments_page_links_each_comment_back_to_its_question(app, db, revision, author, reviewer):
    comment(revision, reviewer, "Say who is looked for", "basics.aims")
    comment(revision, reviewer, "About the whole revision")
    db.session.commit()
    mine = as_user(app, author).get(f"{BASE}/comments").get_data(as_text=True)
    assert f'<a class="govuk-link" href="{BASICS}#basics.aims">Project aims</a>' in mine
    # The reviewer cannot open the section page (it is the team's to edit): the link goes to check-answers.
    theirs = as_user(app, reviewer).get(f"{BASE}/comments").get_data(as_text=True)
    assert f'<a class="govuk-link" href="{BASE}/check#basics.aims">Project aims</a>' in theirs
    assert 'id="basics.aims"' in as_user(app, reviewer).get(f"{BASE}/check").get_data(as_text=True)


def test_a_section_loads_its_comments_in_one_query_however_many(app, db, revision, author, reviewer,
                                                                  count_queries):
    client = as_user(app, author)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(BASICS).status_code == 200
        return counter.count

    comment(revision, reviewer, "One remark", "basics.aims")
    db.session.commit()
    client.get(BASICS)  # warm caches (rendered Markdown, the definition)
    few = statements()
    for number in range(10):
        parent = comment(revision, reviewer, f"Remark {number}", "basics.name" if number % 2 else "basics.aims")
        comment(revision, author, f"Answer {number}", parent=parent)
    db.session.commit()
    client.get(BASICS)
    assert statements() == few
    assert "Remark 9" in client.get(BASICS).get_data(as_text=True)


# -- "Add a row" is a button of the section form --------------------------------------------------------

def test_add_a_row_saves_what_was_typed_then_opens_the_row_form(app, db, revision, author):
    save_section(actor=author, now=factories.NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.children": "no"}, expected_lock=0)
    db.session.commit()
    client = as_user(app, author)
    page = client.get(LATER).get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*>", page)
    assert any('name="add_row"' in b and 'value="later.retention"' in b and 'type="submit"' in b for b in buttons)
    assert f'href="{BASE}/tables/later.retention/rows/new"' not in page  # no longer a link that drops the text
    response = client.post(LATER, data={"csrf_token": csrf_token(client, LATER), "lock_version": lock_version(page),
                                        field_name("later.reason"): "Typed before adding a row",
                                        "add_row": "later.retention"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/tables/later.retention/rows/new"
    stored = db.session.scalar(select(Answer.value).where(Answer.question_key == "later.reason"))
    assert stored == "Typed before adding a row"
    row_form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Later saved. Now add the row to retention." in row_form
    assert "Typed before adding a row" in client.get(LATER).get_data(as_text=True)


def test_add_a_row_with_an_invalid_answer_keeps_the_page_and_the_text(app, db, revision, author):
    client = as_user(app, author)
    page = client.get(BASICS).get_data(as_text=True)
    response = client.post(BASICS, data={"csrf_token": csrf_token(client, BASICS), "lock_version": lock_version(page),
                                         field_name("basics.aims"): "Kept text",
                                         field_name("basics.notice"): "not a web address",
                                         "add_row": "later.retention"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in body and "Kept text" in body
    assert db.session.scalars(select(Answer)).all() == []


def test_add_a_row_after_a_colleague_saved_shows_the_conflict_with_my_text(app, db, revision, author):
    save_section(actor=author, now=factories.NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.children": "no"}, expected_lock=0)
    db.session.commit()
    client = as_user(app, author)
    page = client.get(LATER).get_data(as_text=True)
    colleague = factories.create_user(teams=(revision.assessment.team,), name="Casey Colleague")
    save_section(actor=colleague, now=factories.NOW, content=load_content(revision), section_key="later",
                 raw={"later.reason": "Their reason"}, expected_lock=int(lock_version(page)))
    db.session.commit()
    response = client.post(LATER, data={"csrf_token": csrf_token(client, LATER), "lock_version": lock_version(page),
                                        field_name("later.reason"): "My reason", "add_row": "later.retention"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Casey Colleague saved this section after you opened it" in body
    assert "My reason" in body and "Their reason" in body


def test_enter_in_a_box_saves_rather_than_adding_a_row(app, db, revision, author):
    """The form's first submit button, the one Enter presses, is a Save button."""
    save_section(actor=author, now=factories.NOW, content=load_content(revision), section_key="basics",
                 raw={"basics.children": "no"}, expected_lock=0)
    db.session.commit()
    page = as_user(app, author).get(LATER).get_data(as_text=True)
    form = page[page.rindex("<form", 0, page.index('name="lock_version"')):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="action"' in first_button and 'value="save"' in first_button
