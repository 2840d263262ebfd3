"""Retention periods as the registers filter and show them."""

from __future__ import annotations

import pytest

from dpia.registers.rules import PeriodBand, PeriodFilter, period_filter, period_label


@pytest.mark.parametrize(("band", "low", "high", "expected"), [
    (None, None, None, PeriodFilter()),
    (PeriodBand.IMMEDIATE, None, None, PeriodFilter(0, 0)),
    (PeriodBand.UP_TO_31_DAYS, None, None, PeriodFilter(None, 31)),
    (PeriodBand.UP_TO_1_YEAR, None, None, PeriodFilter(None, 365)),
    (PeriodBand.LONGER, None, None, PeriodFilter(366, None)),
    (PeriodBand.POLICY, 5, 10, PeriodFilter(policy=True)),
    (None, 7, 90, PeriodFilter(7, 90)),
    (PeriodBand.UP_TO_1_YEAR, 30, 400, PeriodFilter(30, 365)),
    (PeriodBand.LONGER, 1000, None, PeriodFilter(1000, None)),
])
def test_a_band_and_typed_bounds_combine(band, low, high, expected):
    assert period_filter(band, min_days=low, max_days=high) == expected


def test_filters_say_whether_they_narrow_anything():
    assert not PeriodFilter().active
    assert PeriodFilter(policy=True).active and PeriodFilter(0, 0).active
    assert period_filter(PeriodBand.IMMEDIATE, min_days=1).empty
    assert not period_filter(PeriodBand.UP_TO_31_DAYS, min_days=31).empty


@pytest.mark.parametrize(("days", "label"), [
    (None, "Set by a policy"), (0, "Deleted immediately"), (1, "1 day"), (30, "30 days"), (2555, "2,555 days"),
])
def test_period_labels(days, label):
    assert period_label(days) == label


def test_every_band_has_a_label():
    assert [band.label for band in PeriodBand] == [
        "Deleted immediately", "Up to 31 days", "Up to 1 year", "Longer than 1 year", "Set by a policy"]
