"""Rating risks on a questionnaire's risk model, summarising what is left after measures, and laying
risks out on a heat map.

Pure values only (no Flask, no database) so pages, exports and tests all draw the same picture from
the same rules. Works for any N×M model: the ICO's 3×3 and the CNIL's 4×4 alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dpia.questionnaires.rules.definition import Level, RiskModel

TITLE_LENGTH = 80


@dataclass(frozen=True)
class RatedRisk:
    """A risk as the matrix sees it: a short label to plot, a line of text, and its two ratings.

    Ratings are level keys of the model's scales; None (or a key the model does not know) means
    not rated yet.
    """

    ref: str
    title: str
    likelihood: str | None = None
    severity: str | None = None
    residual_likelihood: str | None = None
    residual_severity: str | None = None


def rated_risk(ref: str, cells: Mapping[str, Any]) -> RatedRisk:
    """A risk row's typed cells as the matrix sees them (blank ratings count as not rated)."""
    return RatedRisk(ref=ref, title=first_line(cells.get("description")),
                     likelihood=cells.get("likelihood") or None, severity=cells.get("severity") or None,
                     residual_likelihood=cells.get("residual_likelihood") or None,
                     residual_severity=cells.get("residual_severity") or None)


def first_line(text: str | None, limit: int = TITLE_LENGTH) -> str:
    """The first non-blank line, shortened: a matrix cell has room for a label, not a paragraph."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    line = " ".join(line.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def rate(model: RiskModel, likelihood: str | None, severity: str | None) -> str | None:
    """The overall level key for a pair of ratings, or None when either is missing or not on the
    model's scales (for example a rating made against an older model).

    The one place a rating is worked out: stored rows, tables, heat maps and summaries all use it.
    """
    severities = _keys(model.severity)
    if likelihood not in _keys(model.likelihood) or severity not in severities:
        return None
    row = model.matrix.get(likelihood)
    level = row[severities.index(severity)] if row is not None and len(row) == len(severities) else None
    return level if level in _keys(model.levels) else None


def residual_level(model: RiskModel, risk: RatedRisk) -> str | None:
    """The level a risk is left at after measures. A risk whose measures are not rated yet stays at
    its before-measures level: nothing has been shown to reduce it."""
    after = rate(model, risk.residual_likelihood, risk.residual_severity)
    return after if after is not None else rate(model, risk.likelihood, risk.severity)


@dataclass(frozen=True)
class LevelCount:
    """How many risks sit at one level before and after measures."""

    key: str
    label: str
    rank: int  # index in `model.levels`, lowest first
    before: int
    after: int


@dataclass(frozen=True)
class ResidualSummary:
    """What the assessment concludes about risk after measures (UK GDPR Art. 36, DPA 2018 s.65)."""

    highest: Level | None  # highest residual level; None when no risk is rated at all
    counts: tuple[LevelCount, ...]  # one per model level, lowest first
    unrated_before: tuple[str, ...]  # refs with no before-measures rating
    unrated_after: tuple[str, ...]  # refs with neither a residual nor a before-measures rating
    high_residual: tuple[str, ...]  # refs whose residual level is high: the reason to consult
    needs_prior_consultation: bool

    def count(self, level_key: str, *, after_measures: bool) -> int:
        entry = next((c for c in self.counts if c.key == level_key), None)
        if entry is None:
            return 0
        return entry.after if after_measures else entry.before


def residual_summary(model: RiskModel, risks: Sequence[RatedRisk]) -> ResidualSummary:
    """Counts per level and whether the ICO must be consulted before processing starts: it must when
    any risk remains high after measures (a risk not yet re-rated counts at its original level)."""
    level_keys = _keys(model.levels)
    before = [rate(model, r.likelihood, r.severity) for r in risks]
    after = [residual_level(model, r) for r in risks]
    counts = tuple(
        LevelCount(key=level.key, label=level.label, rank=rank, before=before.count(level.key),
                   after=after.count(level.key))
        for rank, level in enumerate(model.levels)
    )
    rated_after = [level for level in after if level is not None]
    highest = model.levels[max(level_keys.index(k) for k in rated_after)] if rated_after else None
    high = tuple(r.ref for r, level in zip(risks, after, strict=True) if model.is_high(level))
    return ResidualSummary(
        highest=highest,
        counts=counts,
        unrated_before=tuple(r.ref for r, level in zip(risks, before, strict=True) if level is None),
        unrated_after=tuple(r.ref for r, level in zip(risks, after, strict=True) if level is None),
        high_residual=high,
        needs_prior_consultation=bool(high),
    )


@dataclass(frozen=True)
class HeatCell:
    """One square of the matrix: where it is, the level it stands for, and the risks plotted in it."""

    likelihood: str
    likelihood_label: str
    severity: str
    severity_label: str
    level: str
    level_label: str
    level_rank: int  # index of `level` in `model.levels`: colours custom level keys by position
    risks: tuple[RatedRisk, ...] = ()

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(r.ref for r in self.risks)


@dataclass(frozen=True)
class HeatMap:
    """A risk matrix ready to draw: `rows` run from the highest likelihood (top) down, and each row's
    cells from the lowest severity (left) across, as risk matrices are conventionally drawn."""

    model_key: str
    title: str
    after_measures: bool
    likelihood_axis_label: str
    severity_axis_label: str
    likelihood_levels: tuple[Level, ...]  # top to bottom: same order as `rows`
    severity_levels: tuple[Level, ...]  # left to right: same order as each row's cells
    levels: tuple[Level, ...]  # overall levels, lowest first (for a key)
    rows: tuple[tuple[HeatCell, ...], ...]
    unrated_risks: tuple[RatedRisk, ...] = ()  # not plotted: a rating for this stage is missing

    @property
    def unrated(self) -> tuple[str, ...]:
        return tuple(r.ref for r in self.unrated_risks)

    @property
    def cells(self) -> tuple[HeatCell, ...]:
        return tuple(cell for row in self.rows for cell in row)

    @property
    def occupied(self) -> tuple[HeatCell, ...]:
        """Cells with at least one risk, in reading order (top row first, left to right)."""
        return tuple(cell for cell in self.cells if cell.risks)

    @property
    def plotted_count(self) -> int:
        return sum(len(cell.risks) for cell in self.cells)


def heat_map(model: RiskModel, risks: Sequence[RatedRisk], *, after_measures: bool) -> HeatMap:
    """Place each risk in the cell for its ratings at one stage: before measures, or after them.

    No fallback here (unlike `residual_summary`): a map after measures shows only risks that have
    been re-rated, and lists the rest as unrated so the gap is visible.
    """
    level_keys = _keys(model.levels)
    placed: dict[tuple[str, str], list[RatedRisk]] = {}
    unrated: list[RatedRisk] = []
    for risk in risks:
        likelihood, severity = _stage(risk, after_measures)
        if likelihood is None or severity is None or rate(model, likelihood, severity) is None:
            unrated.append(risk)
        else:
            placed.setdefault((likelihood, severity), []).append(risk)
    likelihood_levels = tuple(reversed(model.likelihood))
    rows = tuple(
        tuple(
            HeatCell(likelihood=lk.key, likelihood_label=lk.label, severity=sv.key, severity_label=sv.label,
                     level=level, level_label=model.levels[level_keys.index(level)].label,
                     level_rank=level_keys.index(level), risks=tuple(placed.get((lk.key, sv.key), ())))
            for sv in model.severity
            for level in (_cell_level(model, lk.key, sv.key),)
        )
        for lk in likelihood_levels
    )
    stage = "after" if after_measures else "before"
    return HeatMap(model_key=model.key, title=f"Risk matrix {stage} measures", after_measures=after_measures,
                   likelihood_axis_label="Likelihood", severity_axis_label="Severity",
                   likelihood_levels=likelihood_levels, severity_levels=model.severity, levels=model.levels,
                   rows=rows, unrated_risks=tuple(unrated))


def _stage(risk: RatedRisk, after_measures: bool) -> tuple[str | None, str | None]:
    if after_measures:
        return risk.residual_likelihood, risk.residual_severity
    return risk.likelihood, risk.severity


def _cell_level(model: RiskModel, likelihood: str, severity: str) -> str:
    level = rate(model, likelihood, severity)
    if level is None:  # the schema rejects such models; fail loudly rather than draw a wrong map
        raise ValueError(f"risk model {model.key!r} has no level for {likelihood} × {severity}")
    return level


def _keys(levels: Iterable[Level]) -> list[str]:
    return [level.key for level in levels]
