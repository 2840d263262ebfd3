"""Caches never hide a publication past its time.

Public listings and pages may be reused by browsers and shared caches only until the next scheduled
`publish_at` (at most five minutes), and revalidate against a version of the register that moves
the moment anything they show changes. The `clock` fixture moves time; nothing waits for it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from dpia.assessments.models import Revision
from tests import factories
from tests.factories import Publisher, commit, db_session, published
from tests.web import text_of

CLOCK = factories.CLOCK
LISTINGS = ["/register", "/register?q=payroll", "/register.json", "/register.atom", "/register/upcoming"]
VALIDATED_LISTINGS = [path for path in LISTINGS if path != "/register/upcoming"]


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


def _payroll_at(publisher: Publisher, publish_at) -> None:  # noqa: ANN001
    published(publisher, title="Payroll system", aims="Pay staff", reference="DPIA-2026-500", publish_at=publish_at)


# -- freshness --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", LISTINGS)
def test_listings_stay_fresh_only_until_the_next_publish_at(client, publisher, clock, path):
    published(publisher, title="Town centre CCTV upgrade", aims="Replace cameras", reference="DPIA-2018-002")
    _payroll_at(publisher, CLOCK + timedelta(seconds=90))
    commit()
    response = client.get(path)
    assert response.status_code == 200
    assert response.cache_control.public and response.cache_control.max_age == 90
    clock.set(CLOCK + timedelta(seconds=30))
    assert client.get(path).cache_control.max_age == 60


@pytest.mark.parametrize("path", LISTINGS)
def test_freshness_is_capped_at_five_minutes(client, publisher, clock, path):
    published(publisher, title="Town centre CCTV upgrade", aims="Replace cameras", reference="DPIA-2018-002")
    _payroll_at(publisher, CLOCK + timedelta(days=3))
    commit()
    assert client.get(path).cache_control.max_age == 300


@pytest.mark.parametrize("path", LISTINGS)
def test_less_than_a_second_before_publication_a_cache_must_revalidate(client, publisher, clock, path):
    _payroll_at(publisher, CLOCK + timedelta(milliseconds=400))
    commit()
    response = client.get(path)
    assert response.cache_control.no_cache and response.cache_control.max_age is None  # never negative, never 1
    assert "max-age=-" not in response.headers["Cache-Control"]
    assert response.headers["ETag"]  # a cache may still revalidate cheaply


def test_a_withdrawn_schedule_does_not_shorten_freshness(client, publisher, clock):
    scheduled = published(publisher, title="Payroll system", aims="Pay staff", publish_at=CLOCK + timedelta(seconds=90))
    publisher.withdraw(scheduled[0], "Decided against publishing")
    commit()
    assert client.get("/register").cache_control.max_age == 300


# -- revalidation of the listings -------------------------------------------------------------

def test_a_search_made_before_publish_at_finds_the_assessment_after_it(client, publisher, clock):
    _payroll_at(publisher, CLOCK + timedelta(seconds=90))
    commit()
    before = client.get("/register?q=payroll")
    assert "0 assessments found" in text_of(before)
    clock.set(CLOCK + timedelta(seconds=90))
    again = client.get("/register?q=payroll", headers={"If-None-Match": before.headers["ETag"],
                                                       "If-Modified-Since": before.headers["Last-Modified"]})
    assert again.status_code == 200
    assert "1 assessment found" in text_of(again) and "Payroll system" in text_of(again)
    assert again.headers["ETag"] != before.headers["ETag"]
    by_date_only = client.get("/register?q=payroll", headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert by_date_only.status_code == 200 and "Payroll system" in text_of(by_date_only)


@pytest.mark.parametrize("path", VALIDATED_LISTINGS)
def test_an_unchanged_listing_answers_304_to_either_validator(client, publisher, clock, path):
    published(publisher, title="Payroll system", aims="Pay staff")
    _payroll_at(publisher, CLOCK + timedelta(hours=1))
    commit()
    first = client.get(path)
    assert first.headers["Last-Modified"]
    clock.set(CLOCK + timedelta(minutes=59))  # later, but before anything changes
    by_tag = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert by_tag.status_code == 304 and by_tag.data == b""
    assert by_tag.headers["ETag"] == first.headers["ETag"] and by_tag.cache_control.max_age == 60
    by_date = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304


@pytest.mark.parametrize("path", VALIDATED_LISTINGS)
def test_the_validator_moves_when_publication_time_comes(client, publisher, clock, path):
    published(publisher, title="Town centre CCTV upgrade", aims="Replace cameras", reference="DPIA-2018-002")
    _payroll_at(publisher, CLOCK + timedelta(seconds=90))
    commit()
    etag = client.get(path).headers["ETag"]
    clock.set(CLOCK + timedelta(seconds=89))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    clock.set(CLOCK + timedelta(seconds=90))
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200 and "DPIA-2026-500" in after.get_data(as_text=True)


def test_a_withdrawal_changes_the_validator(client, publisher, clock):
    payroll = published(publisher, title="Payroll system", aims="Pay staff")
    commit()
    before = client.get("/register")
    publisher.withdraw(payroll[0], "Published with a mistake")
    commit()
    after = client.get("/register", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Payroll system" not in text_of(after)


def test_a_back_dated_schedule_changes_the_validator(client, publisher, clock):
    published(publisher, title="Town centre CCTV upgrade", aims="Replace cameras")
    commit()
    before = client.get("/register")
    _payroll_at(publisher, CLOCK - timedelta(days=20))  # earlier than anything already public
    commit()
    after = client.get("/register", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Payroll system" in text_of(after)


def test_each_search_has_its_own_validator(client, publisher, clock):
    published(publisher, title="Payroll system", aims="Pay staff")
    commit()
    everything = client.get("/register").headers["ETag"]
    assert client.get("/register?q=payroll", headers={"If-None-Match": everything}).status_code == 200


def test_revalidating_a_listing_costs_the_same_statements_with_10x_the_register(client, publisher, clock,
                                                                              count_queries):
    published(publisher, title="Assessment 0", aims="Aims")
    commit()

    def revalidation_statements() -> int:
        etag = client.get("/register").headers["ETag"]
        with count_queries() as counter:
            assert client.get("/register", headers={"If-None-Match": etag}).status_code == 304
        return counter.count

    one = revalidation_statements()
    for number in range(1, 10):
        published(publisher, title=f"Assessment {number}", aims="Aims")
    commit()
    assert revalidation_statements() == one == 1  # the version alone: no listing query, no template


# -- published pages --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/register/DPIA-2017-004", "/register/DPIA-2017-004/1",
                                  "/register/DPIA-2017-004.pdf", "/register/DPIA-2017-004/1.json"])
def test_a_published_page_stays_fresh_only_until_its_next_revision_is_public(client, publisher, clock, path):
    first = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                      reference="DPIA-2017-004")[0]
    _payroll_at(publisher, CLOCK + timedelta(seconds=30))  # another assessment's time does not matter here
    revision = publisher.revise(db_session().get(Revision, first.revision_id), aims="Revision two aims")
    publisher.publish(revision, CLOCK + timedelta(seconds=120))
    commit()
    assert client.get(path).cache_control.max_age == 120
    clock.set(CLOCK + timedelta(seconds=120))
    assert client.get(path).cache_control.max_age == 300


def test_the_latest_page_shows_the_new_revision_at_its_time(client, publisher, clock):
    first = published(publisher, title="Live facial recognition trial", aims="Revision one aims",
                      reference="DPIA-2017-004")[0]
    revision = publisher.revise(db_session().get(Revision, first.revision_id), aims="Revision two aims")
    publisher.publish(revision, CLOCK + timedelta(seconds=120))
    commit()
    before = client.get("/register/DPIA-2017-004")
    clock.set(CLOCK + timedelta(seconds=120))
    after = client.get("/register/DPIA-2017-004", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Revision two aims" in text_of(after)
