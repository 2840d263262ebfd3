"""How the demonstration's content is written down: answers, whole tables, risk ratings and measures.

The assessments themselves are in `live_facial_recognition` and `body_worn_video`. All wording is ours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# A risk is named by its table and its position in it (0 is the first row), so measures can cite it
# before it has an identity.
RiskRef = tuple[str, int]
LFR_RISKS = "lfr.risks"
CORE_RISKS = "risks.register"


@dataclass(frozen=True)
class Ratings:
    likelihood: str
    severity: str
    residual_likelihood: str
    residual_severity: str

    def cells(self) -> dict[str, str]:
        return {"likelihood": self.likelihood, "severity": self.severity,
                "residual_likelihood": self.residual_likelihood, "residual_severity": self.residual_severity}


@dataclass(frozen=True)
class MeasureText:
    risks: tuple[RiskRef, ...]
    description: str
    effect: str = "reduced"
    approved: bool = True


@dataclass(frozen=True)
class RevisionText:
    """One revision's content. `tables` replace whatever rows those tables start with; `ratings` rate the
    rows already in a risk table (such as the add-on's starting risks)."""

    answers: Mapping[str, Any]
    tables: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    ratings: Mapping[RiskRef, Ratings] = field(default_factory=dict)
    measures: Sequence[MeasureText] = ()

