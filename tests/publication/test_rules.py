"""Overdue plans, slippage and withheld notices, on plain values."""

from datetime import date

import pytest

from dpia.core.partial_dates import parse_partial_date
from dpia.publication.rules import Exemption, current_plan, is_overdue, withheld_notice


@pytest.mark.parametrize(("plan", "last_on_time", "first_overdue"), [
    ("2018-06-15", date(2018, 6, 15), date(2018, 6, 16)),
    ("2018-06", date(2018, 6, 30), date(2018, 7, 1)),
    ("2018-Q2", date(2018, 6, 30), date(2018, 7, 1)),
    ("2019-Q4", date(2019, 12, 31), date(2020, 1, 1)),
])
def test_overdue_after_the_last_day_of_a_date_month_or_quarter(plan, last_on_time, first_overdue):
    parsed = parse_partial_date(plan)
    assert not is_overdue(parsed, last_on_time, published=False)
    assert is_overdue(parsed, first_overdue, published=False)
    assert not is_overdue(parsed, first_overdue, published=True)


def test_undecided_is_never_overdue():
    assert not is_overdue(parse_partial_date("not yet decided"), date(2099, 1, 1), published=False)


def test_slippage_replaces_the_plan():
    assert current_plan("2018-Q2", []).canonical == "2018-Q2"
    assert current_plan("2018-Q2", ["2018-Q4", "2019-03"]).canonical == "2019-03"


def test_notice_cites_the_section():
    assert withheld_notice(Exemption.S31_1_A, "Tactics") == "Withheld under FOI Act s.31(1)(a): Tactics"


def test_neither_confirm_nor_deny_provisions_are_not_grounds_for_withholding():
    """s.24(2) and s.31(3) let an authority refuse to say whether it holds information; printing one
    beside withheld content would confirm it. Content is withheld under s.24(1) or s.31(1)(a)-(c)."""
    citations = {exemption.citation for exemption in Exemption}
    assert not {"s.24(2)", "s.31(3)"} & citations
    assert {"s.21", "s.22", "s.23(1)", "s.24(1)", "s.26", "s.27", "s.30", "s.31(1)(a)", "s.31(1)(b)", "s.31(1)(c)",
            "s.36", "s.38", "s.40(2)", "s.41", "s.42", "s.43"} == citations
    assert all("neither confirm" not in exemption.label for exemption in Exemption)
