"""Rating, summarising and mapping risks on the ICO 3×3 model and on a CNIL-style 4×4 one."""

from __future__ import annotations

import pytest
import yaml

from dpia.assessments.rules.risk import (
    HeatMap,
    RatedRisk,
    first_line,
    heat_map,
    rate,
    residual_level,
    residual_summary,
)
from dpia.questionnaires.rules.definition import Level, RiskModel
from dpia.questionnaires.rules.reading import definition_from_dict
from dpia.questionnaires.services import BUILTIN_DIR

UK_DPIA = BUILTIN_DIR / "uk-dpia.yaml"


@pytest.fixture(scope="module")
def ico() -> RiskModel:
    """The model shipped in the UK DPIA questionnaire, read from the file users get."""
    model = definition_from_dict(yaml.safe_load(UK_DPIA.read_text(encoding="utf-8"))).risk_model
    assert model is not None
    return model


def _levels(*pairs: str) -> tuple[Level, ...]:
    return tuple(Level(key=p.lower(), label=p) for p in pairs)


# A CNIL-style 4×4 model. The CNIL scales (severity and likelihood: 1 Negligible, 2 Limited,
# 3 Important, 4 Maximum) have no overall score of their own, so this test chooses one, with custom
# level keys to prove nothing assumes low/medium/high. Rows are likelihood, columns severity:
#
#                 negligible   limited      important     maximum
#   negligible    acceptable   acceptable   monitor       reduce
#   limited       acceptable   monitor      reduce        reduce
#   important     monitor      reduce       unacceptable  unacceptable
#   maximum       reduce       reduce       unacceptable  unacceptable
CNIL_SCALE = _levels("Negligible", "Limited", "Important", "Maximum")
CNIL = RiskModel(
    key="cnil-4x4",
    likelihood=CNIL_SCALE,
    severity=CNIL_SCALE,
    levels=_levels("Acceptable", "Monitor", "Reduce", "Unacceptable"),
    matrix={
        "negligible": ("acceptable", "acceptable", "monitor", "reduce"),
        "limited": ("acceptable", "monitor", "reduce", "reduce"),
        "important": ("monitor", "reduce", "unacceptable", "unacceptable"),
        "maximum": ("reduce", "reduce", "unacceptable", "unacceptable"),
    },
    high_levels=("unacceptable",),
)


Rating = tuple[str | None, str | None]


def risk(ref: str, before: Rating | None = None, after: Rating | None = None, title: str = "") -> RatedRisk:
    likelihood, severity = before or (None, None)
    residual_likelihood, residual_severity = after or (None, None)
    return RatedRisk(ref=ref, title=title or f"Risk {ref}", likelihood=likelihood, severity=severity,
                     residual_likelihood=residual_likelihood, residual_severity=residual_severity)


def cell_refs(hm: HeatMap) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(c.likelihood, c.severity): c.refs for c in hm.cells if c.refs}


# --- rate -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("likelihood", "severity", "expected"),
    [
        ("remote", "minimal", "low"),
        ("remote", "significant", "low"),
        ("remote", "severe", "medium"),
        ("possible", "minimal", "low"),
        ("possible", "significant", "medium"),
        ("possible", "severe", "high"),
        ("probable", "minimal", "medium"),
        ("probable", "significant", "high"),
        ("probable", "severe", "high"),
    ],
)
def test_ico_matrix_gives_the_documented_levels(ico: RiskModel, likelihood: str, severity: str,
                                                expected: str) -> None:
    assert rate(ico, likelihood, severity) == expected


@pytest.mark.parametrize(
    ("likelihood", "severity"),
    [(None, "severe"), ("probable", None), (None, None), ("", "severe"), ("certain", "severe"),
     ("probable", "catastrophic"), ("severe", "probable")],
)
def test_missing_or_unknown_ratings_rate_as_none(ico: RiskModel, likelihood: str | None,
                                                 severity: str | None) -> None:
    assert rate(ico, likelihood, severity) is None


@pytest.mark.parametrize(
    ("likelihood", "severity", "expected"),
    [
        ("negligible", "negligible", "acceptable"),
        ("negligible", "maximum", "reduce"),
        ("limited", "limited", "monitor"),
        ("important", "important", "unacceptable"),
        ("maximum", "negligible", "reduce"),
        ("maximum", "maximum", "unacceptable"),
    ],
)
def test_cnil_model_rates_on_its_own_matrix(likelihood: str, severity: str, expected: str) -> None:
    assert rate(CNIL, likelihood, severity) == expected


# --- heat map -------------------------------------------------------------------------------------

def test_heat_map_puts_highest_likelihood_at_top_and_lowest_severity_on_left(ico: RiskModel) -> None:
    hm = heat_map(ico, [], after_measures=False)

    assert [len(row) for row in hm.rows] == [3, 3, 3]
    assert [row[0].likelihood for row in hm.rows] == ["probable", "possible", "remote"]
    assert [cell.severity for cell in hm.rows[0]] == ["minimal", "significant", "severe"]
    assert [lvl.key for lvl in hm.likelihood_levels] == ["probable", "possible", "remote"]
    assert [lvl.key for lvl in hm.severity_levels] == ["minimal", "significant", "severe"]
    # Corners: bottom-left is the least risky square, top-right the most.
    assert (hm.rows[-1][0].level, hm.rows[0][-1].level) == ("low", "high")
    assert [[c.level for c in row] for row in hm.rows] == [
        ["medium", "high", "high"],
        ["low", "medium", "high"],
        ["low", "low", "medium"],
    ]


def test_heat_map_carries_labels_ranks_and_identity(ico: RiskModel) -> None:
    hm = heat_map(ico, [], after_measures=True)
    top_right = hm.rows[0][-1]

    assert (top_right.likelihood_label, top_right.severity_label) == ("Probable", "Severe")
    assert (top_right.level, top_right.level_label, top_right.level_rank) == ("high", "High", 2)
    assert hm.rows[-1][0].level_rank == 0
    assert hm.model_key == "ico-3x3"
    assert hm.after_measures is True
    assert hm.title == "Risk matrix after measures"
    assert heat_map(ico, [], after_measures=False).title == "Risk matrix before measures"
    assert (hm.likelihood_axis_label, hm.severity_axis_label) == ("Likelihood", "Severity")
    assert [lvl.key for lvl in hm.levels] == ["low", "medium", "high"]
    assert hm.occupied == () and hm.unrated == () and hm.plotted_count == 0


def test_heat_map_places_risks_before_and_after_measures(ico: RiskModel) -> None:
    risks = [
        risk("R1", before=("probable", "severe"), after=("remote", "significant")),
        risk("R2", before=("probable", "severe"), after=("possible", "severe")),
        risk("R3", before=("possible", "minimal")),
    ]

    before = heat_map(ico, risks, after_measures=False)
    after = heat_map(ico, risks, after_measures=True)

    assert cell_refs(before) == {("probable", "severe"): ("R1", "R2"), ("possible", "minimal"): ("R3",)}
    assert before.rows[0][2].refs == ("R1", "R2")
    assert before.unrated == ()
    assert before.plotted_count == 3
    assert [(c.likelihood, c.severity) for c in before.occupied] == [("probable", "severe"), ("possible", "minimal")]

    assert cell_refs(after) == {("remote", "significant"): ("R1",), ("possible", "severe"): ("R2",)}
    assert after.rows[2][1].refs == ("R1",)
    # No residual rating: not plotted after measures (no fallback on the map), listed instead.
    assert after.unrated == ("R3",)
    assert after.unrated_risks[0].title == "Risk R3"


def test_heat_map_lists_unrated_and_half_rated_risks(ico: RiskModel) -> None:
    risks = [
        risk("R1"),
        RatedRisk(ref="R2", title="Only likelihood", likelihood="probable"),
        RatedRisk(ref="R3", title="Old scale", likelihood="likely", severity="severe"),
        risk("R4", before=("remote", "minimal"), after=("remote", None)),
    ]

    before = heat_map(ico, risks, after_measures=False)
    after = heat_map(ico, risks, after_measures=True)

    assert before.unrated == ("R1", "R2", "R3")
    assert cell_refs(before) == {("remote", "minimal"): ("R4",)}
    assert after.unrated == ("R1", "R2", "R3", "R4")
    assert after.occupied == ()


def test_cnil_heat_map_is_four_by_four_and_places_risks() -> None:
    risks = [
        risk("R1", before=("maximum", "important"), after=("limited", "important")),
        risk("R2", before=("negligible", "maximum"), after=("negligible", "limited")),
        risk("R3", before=("important", "negligible")),
    ]

    before = heat_map(CNIL, risks, after_measures=False)
    after = heat_map(CNIL, risks, after_measures=True)

    assert [len(row) for row in before.rows] == [4, 4, 4, 4]
    assert [row[0].likelihood for row in before.rows] == ["maximum", "important", "limited", "negligible"]
    assert [c.severity for c in before.rows[0]] == ["negligible", "limited", "important", "maximum"]
    assert before.rows[0][2].refs == ("R1",)
    assert before.rows[0][2].level == "unacceptable" and before.rows[0][2].level_rank == 3
    assert before.rows[3][3].refs == ("R2",)
    assert before.rows[3][3].level == "reduce"
    assert before.rows[1][0].refs == ("R3",)
    assert cell_refs(after) == {("limited", "important"): ("R1",), ("negligible", "limited"): ("R2",)}
    assert after.rows[2][2].level == "reduce"
    assert after.unrated == ("R3",)


# --- residual summary and prior consultation ------------------------------------------------------

def test_high_risk_reduced_to_medium_does_not_need_prior_consultation(ico: RiskModel) -> None:
    risks = [risk("R1", before=("probable", "severe"), after=("possible", "significant"))]

    summary = residual_summary(ico, risks)

    assert rate(ico, "probable", "severe") == "high"
    assert summary.highest == Level("medium", "Medium")
    assert summary.needs_prior_consultation is False
    assert summary.high_residual == ()


def test_high_residual_risk_needs_prior_consultation(ico: RiskModel) -> None:
    risks = [
        risk("R1", before=("probable", "severe"), after=("remote", "minimal")),
        risk("R2", before=("probable", "severe"), after=("possible", "severe")),
    ]

    summary = residual_summary(ico, risks)

    assert summary.highest == Level("high", "High")
    assert summary.high_residual == ("R2",)
    assert summary.needs_prior_consultation is True


def test_risk_without_residual_rating_counts_at_its_before_level(ico: RiskModel) -> None:
    """Measures that have not been rated have not been shown to work."""
    risks = [risk("R1", before=("probable", "significant")), risk("R2", before=("remote", "minimal"))]

    summary = residual_summary(ico, risks)

    assert residual_level(ico, risks[0]) == "high"
    assert summary.highest == Level("high", "High")
    assert summary.needs_prior_consultation is True
    assert summary.high_residual == ("R1",)


def test_summary_counts_each_level_before_and_after(ico: RiskModel) -> None:
    risks = [
        risk("R1", before=("probable", "severe"), after=("remote", "minimal")),  # high -> low
        risk("R2", before=("possible", "severe"), after=("remote", "severe")),  # high -> medium
        risk("R3", before=("possible", "significant")),  # medium, not re-rated
        risk("R4", after=("remote", "minimal")),  # only a residual rating
        risk("R5"),  # not rated at all
    ]

    summary = residual_summary(ico, risks)

    assert [(c.key, c.label, c.rank, c.before, c.after) for c in summary.counts] == [
        ("low", "Low", 0, 0, 2),
        ("medium", "Medium", 1, 1, 2),
        ("high", "High", 2, 2, 0),
    ]
    assert summary.count("high", after_measures=False) == 2
    assert summary.count("high", after_measures=True) == 0
    assert summary.count("unknown", after_measures=True) == 0
    assert summary.unrated_before == ("R4", "R5")
    assert summary.unrated_after == ("R5",)
    assert summary.highest == Level("medium", "Medium")
    assert summary.needs_prior_consultation is False


def test_summary_of_no_rated_risks(ico: RiskModel) -> None:
    summary = residual_summary(ico, [risk("R1")])

    assert summary.highest is None
    assert summary.needs_prior_consultation is False
    assert all(c.before == c.after == 0 for c in summary.counts)
    assert residual_summary(ico, []).highest is None


def test_cnil_summary_uses_the_models_high_levels() -> None:
    reduced = risk("R1", before=("maximum", "maximum"), after=("limited", "important"))
    still_high = risk("R2", before=("maximum", "maximum"), after=("important", "important"))

    assert residual_summary(CNIL, [reduced]).needs_prior_consultation is False
    assert residual_summary(CNIL, [reduced]).highest == Level("reduce", "Reduce")
    summary = residual_summary(CNIL, [reduced, still_high])
    assert summary.needs_prior_consultation is True
    assert summary.highest == Level("unacceptable", "Unacceptable")


def test_without_high_levels_the_top_level_counts_as_high() -> None:
    model = RiskModel(key="plain", likelihood=CNIL.likelihood, severity=CNIL.severity, levels=CNIL.levels,
                      matrix=CNIL.matrix)

    assert residual_summary(model, [risk("R1", before=("maximum", "maximum"))]).needs_prior_consultation
    assert not residual_summary(model, [risk("R1", before=("maximum", "limited"))]).needs_prior_consultation


def test_first_line_shortens_long_text() -> None:
    assert first_line("x" * 200, limit=10) == "x" * 9 + "…"
    assert first_line(None) == ""
