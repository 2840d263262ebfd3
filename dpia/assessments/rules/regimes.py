"""The law an assessment's processing falls under."""

from __future__ import annotations

import enum


class Regime(enum.StrEnum):
    """The law the processing falls under; it drives sign-off rules and deadlines."""

    UK_GDPR = "uk_gdpr"
    DPA_2018_PART_3 = "dpa_2018_part_3"
    BOTH = "both"

    @property
    def label(self) -> str:
        return REGIME_LABELS[self]


REGIME_LABELS = {
    Regime.UK_GDPR: "UK GDPR",
    Regime.DPA_2018_PART_3: "DPA 2018 Part 3 (law enforcement)",
    Regime.BOTH: "UK GDPR and DPA 2018 Part 3",
}
