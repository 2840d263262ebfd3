"""Loading a revision's content in a fixed number of queries, however much it holds."""

from dpia.assessments.services.answers import save_section
from dpia.assessments.services.content import load_content
from dpia.assessments.services.rows import add_row
from tests import factories

NOW = factories.NOW
BASICS = factories.ALL_TYPES_BASICS
RETENTION = factories.ALL_TYPES_RETENTION


def test_loading_content_issues_a_fixed_number_of_queries(db, setup, count_queries):
    author, revision = setup
    db.session.expire_all()
    with count_queries() as few:
        load_content(revision)
    for _ in range(15):
        add_row(actor=author, now=NOW, content=load_content(revision), question_key="later.retention", raw=RETENTION)
    save_section(actor=author, now=NOW,
                 content=load_content(revision), section_key="basics", raw=BASICS, expected_lock=0)
    db.session.expire_all()
    with count_queries() as many:
        load_content(revision)
    assert many.count == few.count


def test_answers_come_back_as_saved_and_the_fingerprint_follows_them(db, setup):
    """Stored JSON is decoded only when used; the fingerprint of the stored text and of the decoded
    answers each change when an answer does."""
    author, revision = setup
    save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=BASICS,
                 expected_lock=0)
    db.session.expire_all()
    content = load_content(revision)
    before = content.answers_fingerprint()
    assert "answers" not in content.__dict__  # nothing decoded yet
    assert content.stored_answers and all(isinstance(text, str) for text in content.stored_answers.values())
    decoded = content.answers
    assert decoded["basics.name"] == "LFR trial" and decoded["basics.start"] == "2017-06-10"
    assert content.answers_fingerprint() != before  # decoded now: the same answers, digested the other way
    key, value = "basics.aims", decoded["basics.aims"]
    changed = {**BASICS, key: value + " (revised)"}
    save_section(actor=author, now=NOW, content=load_content(revision), section_key="basics", raw=changed,
                 expected_lock=1)
    db.session.expire_all()
    after = load_content(revision)
    assert after.answers_fingerprint() != before
    assert after.answers[key] == value + " (revised)"
