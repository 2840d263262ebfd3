from datetime import date

import pytest

from dpia.core.partial_dates import PartialDateError, parse_partial_date


@pytest.mark.parametrize(("text", "canonical", "last_day"), [
    ("2018-06-30", "2018-06-30", date(2018, 6, 30)),
    ("30/06/2018", "2018-06-30", date(2018, 6, 30)),
    ("2018-06", "2018-06", date(2018, 6, 30)),
    ("June 2018", "2018-06", date(2018, 6, 30)),
    ("feb 2020", "2020-02", date(2020, 2, 29)),
    ("2018-Q2", "2018-Q2", date(2018, 6, 30)),
    ("Q2 2018", "2018-Q2", date(2018, 6, 30)),
    ("2018 q4", "2018-Q4", date(2018, 12, 31)),
    ("Not yet decided", "undecided", None),
])
def test_forms_people_type(text, canonical, last_day):
    parsed = parse_partial_date(text)
    assert parsed.canonical == canonical
    assert parsed.last_day == last_day
    assert parse_partial_date(parsed.canonical) == parsed  # the stored form reads back the same


@pytest.mark.parametrize("text", ["2018-Q5", "Smarch 2018", "2018-13", "31/02/2018", "next year", "1066-01"])
def test_nonsense_is_refused(text):
    with pytest.raises(PartialDateError):
        parse_partial_date(text)


def test_overdue_only_after_the_last_day_of_the_period():
    quarter = parse_partial_date("2018-Q2")
    assert not quarter.is_overdue(date(2018, 6, 30))
    assert quarter.is_overdue(date(2018, 7, 1))
    assert not parse_partial_date("undecided").is_overdue(date(2099, 1, 1))


def test_labels():
    assert parse_partial_date("2018-Q2").label == "2018-Q2 (the second quarter of 2018)"
    assert parse_partial_date("2018-06").label == "June 2018"
    assert parse_partial_date("2018-06-01").label == "1 June 2018"
