"""The register's entries: kept by scheduling and withdrawal at about one row per assessment, made
current by `publish_at` at query time, rebuilt set-based, and paged from either end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dpia.publication.models import RegisterEntry, RegisterVersion
from dpia.publication.services import register as service
from dpia.publication.services.listing import rebuild_register, refresh_entries
from tests import factories
from tests.factories import Publisher, db_session, published

NOW = factories.NOW  # what scheduling and withdrawal are told
CLOCK = factories.CLOCK  # when the register is read


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


def _entries() -> list[tuple[str, int, object]]:
    return [tuple(row) for row in db_session().execute(
        select(RegisterEntry.reference, RegisterEntry.revision_number, RegisterEntry.public_until)
        .order_by(RegisterEntry.reference, RegisterEntry.revision_number))]


def _listed(now) -> list[tuple[str, int]]:  # noqa: ANN001
    return [(item.reference, item.revision_number) for item in service.register(now).items]


def _version() -> tuple[int, int]:
    row = db_session().execute(select(RegisterVersion.version, RegisterVersion.entries)).one()
    return row.version, row.entries


def test_scheduling_adds_an_entry_with_the_listing_columns(publisher):
    team = factories.create_team("Finance")
    before = _version()
    published(publisher, title="Payroll system", aims="Pay staff", team=team, reference="DPIA-2026-501")
    entry = db_session().scalars(select(RegisterEntry)).one()
    assert (entry.reference, entry.title, entry.team_name, entry.revision_number, entry.public_until) == \
        ("DPIA-2026-501", "Payroll system", "Finance", 1, None)
    assert _version() == (before[0] + 1, before[1] + 1)  # the caches' validator moved, and the count
    assert _listed(CLOCK) == [("DPIA-2026-501", 1)]


def test_a_later_revision_supersedes_the_earlier_at_its_publish_at_without_maintenance(publisher):
    revision = publisher.draft(title="CCTV", aims="Watch", reference="DPIA-2026-502")
    publisher.publish(revision, CLOCK - timedelta(days=5))
    second = publisher.revise(revision, aims="Watch more")
    publisher.publish(second, CLOCK + timedelta(days=1))
    assert _entries() == [("DPIA-2026-502", 1, CLOCK + timedelta(days=1)), ("DPIA-2026-502", 2, None)]
    version = _version()
    assert _listed(CLOCK) == [("DPIA-2026-502", 1)]  # revision 2 is scheduled, not yet public
    assert _listed(CLOCK + timedelta(days=1)) == [("DPIA-2026-502", 2)]  # its time came: it is current
    assert service.register(CLOCK + timedelta(days=1)).total == 1
    assert _version() == version  # nothing ran at the moment of publication


def test_withdrawing_the_current_revision_makes_the_previous_one_current(publisher):
    first, second = published(publisher, title="CCTV", aims="Watch", reference="DPIA-2026-503", revisions=2)
    # Revision 1 ended when revision 2 became public (before NOW): its entry was dropped.
    assert _entries() == [("DPIA-2026-503", 2, None)]
    assert _listed(CLOCK) == [("DPIA-2026-503", 2)]
    publisher.withdraw(second, "Published by mistake")
    assert _entries() == [("DPIA-2026-503", 1, None)]
    assert _listed(CLOCK) == [("DPIA-2026-503", 1)]
    publisher.withdraw(first, "Superseded by events")
    assert _entries() == [] and _listed(CLOCK) == [] and service.register(CLOCK).total == 0


def test_a_revision_that_can_never_be_current_has_no_entry(publisher):
    revision = publisher.draft(title="CCTV", aims="Watch", reference="DPIA-2026-504")
    publisher.publish(revision, CLOCK + timedelta(days=5))
    second = publisher.revise(revision, aims="Watch more")
    publisher.publish(second, CLOCK + timedelta(days=2))  # revision 2 goes public before revision 1 would
    assert _entries() == [("DPIA-2026-504", 2, None)]
    assert _listed(CLOCK + timedelta(days=6)) == [("DPIA-2026-504", 2)]


def test_entries_that_ended_are_dropped_when_any_assessment_is_maintained(publisher):
    revision = publisher.draft(title="CCTV", aims="Watch", reference="DPIA-2026-505")
    publisher.publish(revision, NOW - timedelta(days=5))
    second = publisher.revise(revision, aims="Watch more")
    publisher.publish(second, NOW + timedelta(hours=1))
    assert len(_entries()) == 2
    later = publisher.draft(title="Payroll", aims="Pay", reference="DPIA-2026-506")
    publisher.publish(later, NOW)
    assert len(_entries()) == 3  # at NOW revision 1 of DPIA-2026-505 is still current
    refresh_entries(later.assessment_id, now=NOW + timedelta(hours=2))  # maintaining another assessment
    assert _entries() == [("DPIA-2026-505", 2, None), ("DPIA-2026-506", 1, None)]
    assert _version()[1] == 2


def test_rebuild_gives_the_entries_that_maintenance_keeps(publisher):
    published(publisher, title="One", aims="Aims", reference="DPIA-2026-507", revisions=3)
    second = published(publisher, title="Two", aims="Aims", reference="DPIA-2026-508", revisions=2)
    publisher.withdraw(second[1], "Mistake")
    revision = publisher.draft(title="Three", aims="Aims", reference="DPIA-2026-509")
    publisher.publish(revision, CLOCK + timedelta(days=3))
    kept = _entries()
    version = _version()
    assert rebuild_register(now=NOW) == len(kept) == 3
    assert _entries() == kept
    assert _version() == (version[0] + 1, 3)
    assert db_session().scalar(select(func.count()).select_from(RegisterEntry)) == _version()[1]


def test_every_page_is_the_same_read_from_either_end(publisher):
    for n in range(5):
        published(publisher, title=f"Assessment {n}", aims="Aims", reference=f"DPIA-2026-51{n}",
                  publish_at=CLOCK - timedelta(days=10 - n))
    newest_first = [f"DPIA-2026-51{n}" for n in reversed(range(5))]
    pages = [service.register(CLOCK, page=number, per_page=2) for number in (1, 2, 3, 4)]
    assert [[item.reference for item in page.items] for page in pages] == \
        [newest_first[0:2], newest_first[2:4], newest_first[4:5], []]
    assert [page.total for page in pages] == [5] * 4 and pages[0].pages == 3
    searched = [service.register(CLOCK, query="assessment", page=number, per_page=2) for number in (1, 2, 3)]
    assert [item.reference for page in searched for item in page.items] == newest_first


def test_a_search_counts_up_to_a_cap_and_says_there_are_more(publisher, monkeypatch):
    for n in range(4):
        published(publisher, title=f"Assessment {n}", aims="Aims", reference=f"DPIA-2026-52{n}")
    monkeypatch.setattr(service, "CAP", 2)
    result = service.register(CLOCK, query="assessment", per_page=1)
    assert (result.total, result.more, result.pages, len(result.items)) == (2, True, 2, 1)
    assert service.register(CLOCK).total == 4  # the plain list is counted exactly


def test_the_teams_are_those_with_a_current_entry(publisher):
    published(publisher, title="One", aims="Aims", team=factories.create_team("Finance"))
    estates = factories.create_team("Estates")
    published(publisher, title="Two", aims="Aims", team=estates)
    published(publisher, title="Three", aims="Aims", team=estates)
    future = publisher.draft(title="Four", aims="Aims", team=factories.create_team("Archives"))
    publisher.publish(future, CLOCK + timedelta(days=1))
    assert service.register_teams(CLOCK) == ["Estates", "Finance"]
    assert service.register_teams(CLOCK + timedelta(days=1)) == ["Archives", "Estates", "Finance"]
