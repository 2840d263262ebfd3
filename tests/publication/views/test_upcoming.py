"""/register/upcoming at ten times the plans, slippages and publications: the same statements, a page
at a time, and nothing published or withdrawn among them."""

import re
from datetime import date, timedelta

from dpia.publication.models import PublicationDecision, Slippage
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.factories import Publisher, commit
from tests.web import table_rows, text_of

CLOCK = factories.CLOCK
PAGINATION = re.compile(r'<nav\b[^>]*\baria-label="Upcoming publication pages"')


def planned(count: int, *, prefix: str) -> None:
    """`count` approved revisions, each decided twice (the later decision counts) with two slippages."""
    dpo = factories.create_user()
    session = factories.db_session()
    for n in range(count):
        revision = factories.create_assessment(reference=f"{prefix}-{n:03d}", state=RevisionState.APPROVED,
                                               title=f"Planned {prefix} {n}").revisions[0]
        for when, plan in ((factories.NOW, "2018-Q1"), (factories.NOW + timedelta(hours=1), "2031-06")):
            decision = PublicationDecision(revision_id=revision.id, decided_on=date(2018, 1, 1), decided_by="DPO",
                                           scope="full", planned=plan, channel="Web", recorded_at=when,
                                           recorded_by_id=dpo.id)
            session.add(decision)
            session.flush()
        session.add_all(Slippage(decision_id=decision.id, previous_planned="2031-06", new_planned=f"203{k}-Q2",
                                 reason="Late", recorded_at=factories.NOW + timedelta(hours=2 + k),
                                 recorded_by_id=dpo.id) for k in (2, 3))
    session.flush()


def test_statements_do_not_grow_with_plans_and_publications(client, db, clock, count_queries):
    publisher = Publisher()
    planned(2, prefix="DPIA-2030")
    done = publisher.draft(title="Already public", reference="DPIA-2017-001", aims="Aims")
    publisher.publish(done, CLOCK - timedelta(days=1))
    soon = publisher.draft(title="Scheduled soon", reference="DPIA-2017-002", aims="Aims")
    publisher.publish(soon, CLOCK + timedelta(days=1))
    commit()
    with count_queries() as few:
        assert client.get("/register/upcoming").status_code == 200
    planned(18, prefix="DPIA-2031")
    gone = publisher.draft(title="Withdrawn one", reference="DPIA-2017-003", aims="Aims")
    publisher.withdraw(publisher.publish(gone, CLOCK + timedelta(days=2)), "Mistake")
    commit()
    with count_queries() as many:
        page = text_of(client.get("/register/upcoming"))
    assert many.count == few.count
    assert "21 publications are planned. This is page 1 of 2." in page
    assert "Already public" not in page and "Withdrawn one" not in page
    assert page.index("Scheduled soon") < page.index("2033-Q2")  # the latest slippage is the plan in force
    assert "2031-06" not in page and "2018-Q1" not in page


def test_the_list_goes_a_page_at_a_time(client, db, clock):
    planned(25, prefix="DPIA-2030")
    commit()
    first = text_of(client.get("/register/upcoming"))
    assert len(table_rows(first)) == 21 and PAGINATION.search(first)
    assert 'href="/register/upcoming?page=2"' in first
    second = text_of(client.get("/register/upcoming?page=2"))
    assert len(table_rows(second)) == 6 and "(page 2)" in second
    assert client.get("/register/upcoming?page=3").status_code == 404
    assert client.get("/register/upcoming?page=nope").status_code == 400


def test_nothing_planned_says_so(client, db, clock):
    page = text_of(client.get("/register/upcoming"))
    assert "No publications are planned at the moment." in page and not PAGINATION.search(page)
