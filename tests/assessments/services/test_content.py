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
