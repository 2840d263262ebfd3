"""Full-text search of the register: FTS5 on SQLite and tsvector on PostgreSQL give the same
results (every test runs on both), every word a prefix, all words required, and no query syntax
can get through."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dpia.publication.services import register as service
from dpia.publication.services.listing import search_terms
from tests import factories
from tests.factories import Publisher, published

CLOCK = factories.CLOCK


@pytest.fixture()
def corpus(db) -> None:  # noqa: ANN001
    publisher = Publisher()
    rows = [("DPIA-2026-601", "Café CCTV upgrade", "Town Centre Safety", "Replace the cameras near the café"),
            ("DPIA-2026-602", "Live facial recognition", "Surveillance Unit", "Compare faces with a watchlist"),
            ("DPIA-2026-603", "Payroll system", "Finance", "Pay staff monthly; e-mail payslips"),
            ("DPIA-2026-604", "Body-worn video", "Surveillance Unit", "Record incidents on camera")]
    teams = {name: factories.create_team(name) for name in dict.fromkeys(row[2] for row in rows)}
    for day, (reference, title, team, aims) in enumerate(rows):
        published(publisher, title=title, aims=aims, reference=reference, team=teams[team],
                  publish_at=CLOCK - timedelta(days=10 - day))


def _found(query: str) -> list[str]:
    return [item.reference for item in service.register(CLOCK, query=query).items]


@pytest.mark.parametrize(("query", "expected"), [
    ("camera", ["DPIA-2026-604", "DPIA-2026-601"]),  # a prefix of "cameras" too; newest first
    ("CAFE", ["DPIA-2026-601"]),  # case and diacritics folded on both sides
    ("café cctv", ["DPIA-2026-601"]),
    ("caf upg", ["DPIA-2026-601"]),  # every word a prefix
    ("surveillance", ["DPIA-2026-604", "DPIA-2026-602"]),  # the team
    ("surveillance watchlist", ["DPIA-2026-602"]),  # all words required
    ("dpia-2026-603", ["DPIA-2026-603"]),  # the reference, punctuation as a separator
    ("2026 60", ["DPIA-2026-604", "DPIA-2026-603", "DPIA-2026-602", "DPIA-2026-601"]),
    ("body-worn", ["DPIA-2026-604"]),
    ("e-mail", ["DPIA-2026-603"]),
    ("payslips monthly", ["DPIA-2026-603"]),  # the published text
    ("xylophone", []),
])
def test_the_same_queries_give_the_same_references_in_the_same_order(corpus, query, expected):
    assert _found(query) == expected
    assert service.register(CLOCK, query=query).total == len(expected)


@pytest.mark.parametrize("query", ['"', "&|!:*(", "'", "a:* | b", "NEAR(cafe cctv)", "cafe OR payroll", "-cafe",
                                   "cafe*", "title:cafe", "\\", "%_", "^cafe", "cafe\x00", "(((", "!!", "½ ²"])
def test_query_syntax_is_never_interpreted(corpus, query):
    result = service.register(CLOCK, query=query)  # must not raise on either database
    words = search_terms(query)
    assert all(word.isalnum() for word in words)
    if not words:
        assert result.total == 4  # nothing searchable: the query is ignored
    else:
        assert [item.reference for item in result.items] == _found(" ".join(words))
    assert _found("cafe OR payroll") == []  # OR is a word here (and no entry has it), not an operator


def test_search_terms_are_letters_and_digits_folded(db):  # noqa: ANN001
    assert search_terms('Café "CCTV" & | ! : * ( DPIA-2026-601') == ["cafe", "cctv", "dpia", "2026", "601"]
    assert search_terms("a " * 20) == ["a"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(30)))) == 10
