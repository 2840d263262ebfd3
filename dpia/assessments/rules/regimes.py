"""The law a revision's processing falls under: the one in force when the revision was written."""

from __future__ import annotations

import enum


class Regime(enum.StrEnum):
    """The law the processing falls under; it drives sign-off rules and deadlines."""

    UK_GDPR = "uk_gdpr"
    DPA_2018_PART_3 = "dpa_2018_part_3"
    BOTH = "both"
    DPA_1998 = "dpa_1998"  # before 25 May 2018: privacy impact assessments under the ICO's code of practice

    @property
    def label(self) -> str:
        return REGIME_LABELS[self]

    @property
    def in_force(self) -> bool:
        """Whether new work can fall under it (the 1998 Act is kept for records written under it)."""
        return self is not Regime.DPA_1998


REGIME_LABELS = {
    Regime.UK_GDPR: "UK GDPR",
    Regime.DPA_2018_PART_3: "DPA 2018 Part 3 (law enforcement)",
    Regime.BOTH: "UK GDPR and DPA 2018 Part 3",
    Regime.DPA_1998: "Data Protection Act 1998",
}
