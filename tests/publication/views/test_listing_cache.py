"""Rendered listings are kept per register version: a second reader gets the same bytes from one
statement (the version), and anything that changes the register changes what they get."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import Publisher, commit, published
from tests.web import text_of

LISTINGS = ["/register", "/register?q=ferry", "/register.json", "/register.atom"]


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


@pytest.mark.parametrize("path", LISTINGS)
def test_a_second_reader_gets_the_stored_listing_from_one_statement(client, publisher, clock, count_queries,
                                                                    path):
    published(publisher, title="Cameras at the ferry port", aims="Read plates at the ferry")
    commit()
    first = client.get(path)
    with count_queries() as counter:
        second = client.get(path)
    assert second.status_code == 200 and second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert counter.count == 1  # the register's version; no listing query, no template


def test_scheduling_withdrawing_and_the_clock_each_change_the_listing(client, publisher, clock):
    [first] = published(publisher, title="Cameras at the ferry port", aims="Read plates")
    commit()
    assert "Cameras at the ferry port" in text_of(client.get("/register"))

    published(publisher, title="Drones over the harbour", aims="Watch the quay",
              publish_at=clock() + timedelta(hours=1))
    commit()
    page = text_of(client.get("/register"))
    assert "Drones over the harbour" not in page and "Cameras at the ferry port" in page

    clock.set(clock() + timedelta(hours=2))  # the later publication's time comes: no maintenance runs
    assert "Drones over the harbour" in text_of(client.get("/register"))

    publisher.withdraw(first, "Published by mistake")
    commit()
    page = text_of(client.get("/register"))
    assert "Cameras at the ferry port" not in page and "Drones over the harbour" in page


def test_the_host_is_part_of_the_key(client, publisher, clock):
    published(publisher, title="Cameras at the ferry port", aims="Read plates")
    commit()
    here = client.get("/register.json").get_data(as_text=True)
    there = client.get("/register.json", base_url="https://register.example.org").get_data(as_text=True)
    assert "http://localhost/" in here and "https://register.example.org/" in there
