"""Retention periods as people filter and read them. Pure: the internal registers and the public
retention register share these words and bands."""

from __future__ import annotations

import enum
from dataclasses import dataclass

MAX_DAYS = 36_500  # the longest period a retention rule may record (row_kinds.py)


class PeriodBand(enum.StrEnum):
    """The choices of the period filter. Bands are cumulative ("up to"), as people ask the question:
    "what do we keep for a month or less?" includes what is deleted at once."""

    IMMEDIATE = "immediate"
    UP_TO_31_DAYS = "up-to-31-days"
    UP_TO_1_YEAR = "up-to-1-year"
    LONGER = "longer"
    POLICY = "policy"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]


BAND_LABELS = {
    PeriodBand.IMMEDIATE: "Deleted immediately",
    PeriodBand.UP_TO_31_DAYS: "Up to 31 days",
    PeriodBand.UP_TO_1_YEAR: "Up to 1 year",
    PeriodBand.LONGER: "Longer than 1 year",
    PeriodBand.POLICY: "Set by a policy",
}


@dataclass(frozen=True)
class PeriodFilter:
    """Which periods a register shows: at least `low` and at most `high` days (either may be open), or
    only the rules whose period another policy sets (`policy`). Nothing set: every rule."""

    low: int | None = None
    high: int | None = None
    policy: bool = False

    @property
    def active(self) -> bool:
        return self.policy or self.low is not None or self.high is not None

    @property
    def empty(self) -> bool:
        """The bounds exclude every period (a minimum above the maximum)."""
        return self.low is not None and self.high is not None and self.low > self.high


def period_filter(band: PeriodBand | None = None, *, min_days: int | None = None,
                  max_days: int | None = None) -> PeriodFilter:
    """The filter for a band and typed bounds together: the periods that satisfy both."""
    if band is PeriodBand.POLICY:
        return PeriodFilter(policy=True)
    low, high = {
        None: (None, None),
        PeriodBand.IMMEDIATE: (0, 0),
        PeriodBand.UP_TO_31_DAYS: (None, 31),
        PeriodBand.UP_TO_1_YEAR: (None, 365),
        PeriodBand.LONGER: (366, None),
    }[band]
    if min_days is not None:
        low = min_days if low is None else max(low, min_days)
    if max_days is not None:
        high = max_days if high is None else min(high, max_days)
    return PeriodFilter(low, high)


def period_label(days: int | None) -> str:
    """A period as the registers show it: "Deleted immediately", "1 day", "30 days", or "Set by a policy"
    when the rule leaves it to another policy (named in its justification)."""
    if days is None:
        return "Set by a policy"
    if days == 0:
        return "Deleted immediately"
    return "1 day" if days == 1 else f"{days:,} days"
