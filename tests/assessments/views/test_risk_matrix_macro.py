"""The risk-matrix macro, rendered through the app's own Jinja environment (autoescaping and all):
the SVG must be well-formed, drawn the right way up, and the table after it must say the same."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from flask import Flask

from dpia.assessments.rules.risk import HeatMap, RatedRisk, heat_map
from dpia.questionnaires.rules.definition import Level, RiskModel
from tests.factories import ICO_RISK_MODEL, levels

SVG = "{http://www.w3.org/2000/svg}"
MACRO = '{% from "_macros/risk_matrix.html" import risk_matrix %}{{ risk_matrix(hm, id) }}'


ICO = ICO_RISK_MODEL
# CNIL scales on both axes; the overall levels and matrix are this test's own choice, with level keys
# that have no named colour so the rank classes must do the colouring.
CNIL_SCALE = levels("Negligible", "Limited", "Important", "Maximum")
CNIL = RiskModel(
    key="cnil-4x4", likelihood=CNIL_SCALE, severity=CNIL_SCALE,
    levels=levels("Acceptable", "Monitor", "Reduce", "Unacceptable"),
    matrix={"negligible": ("acceptable", "acceptable", "monitor", "reduce"),
            "limited": ("acceptable", "monitor", "reduce", "reduce"),
            "important": ("monitor", "reduce", "unacceptable", "unacceptable"),
            "maximum": ("reduce", "reduce", "unacceptable", "unacceptable")},
    high_levels=("unacceptable",),
)

NASTY = '<script>alert(1)</script> "onload=alert(2) \'x'


def render(app: Flask, hm: HeatMap, svg_id: str = "before") -> str:
    with app.test_request_context():
        return app.jinja_env.from_string(MACRO).render(hm=hm, id=svg_id)


def svg_of(html: str) -> ET.Element:
    """The SVG part parsed as XML: fails unless it is well-formed."""
    match = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert match, "no <svg> in output"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own output, not untrusted XML


def cells_of(svg: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(g.get("data-likelihood"), g.get("data-severity")): g
            for g in svg.iter(f"{SVG}g") if "dpia-risk-matrix__cell" in (g.get("class") or "").split()}


def refs_drawn_in(g: ET.Element) -> list[str]:
    """Refs in the square's text, one <tspan> per line."""
    return [ref for text in g.iter(f"{SVG}text") if "dpia-risk-matrix__refs" in text.get("class", "")
            for line in text.iter(f"{SVG}tspan") for ref in (line.text or "").split()]


class TableReader(HTMLParser):
    """Collects the text of each table row, the text of every <p>, and all attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.paragraphs: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None
        self._paragraph: list[str] | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append(" ".join("".join(self._paragraph).split()))
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)


def read(html: str) -> TableReader:
    reader = TableReader()
    reader.feed(html)
    reader.close()
    return reader


@pytest.fixture()
def ico_risks() -> list[RatedRisk]:
    return [
        RatedRisk("R1", "Faces kept too long", "probable", "severe", "remote", "significant"),
        RatedRisk("R2", "Watch list wrong", "probable", "severe", "possible", "severe"),
        RatedRisk("R3", "Signs not seen", "possible", "minimal"),
        RatedRisk("R4", "Not yet rated"),
    ]


def test_ico_matrix_draws_nine_squares_with_refs_in_the_right_ones(app: Flask, ico_risks: list[RatedRisk]) -> None:
    svg = svg_of(render(app, heat_map(ICO, ico_risks, after_measures=False)))

    assert len(list(svg.iter(f"{SVG}rect"))) == 9
    cells = cells_of(svg)
    assert len(cells) == 9
    assert refs_drawn_in(cells["probable", "severe"]) == ["R1", "R2"]
    assert refs_drawn_in(cells["possible", "minimal"]) == ["R3"]
    assert all(refs_drawn_in(g) == [] for key, g in cells.items()
               if key not in {("probable", "severe"), ("possible", "minimal")})
    assert "R4" not in "".join(svg.itertext()).split()


def test_after_measures_uses_residual_ratings(app: Flask, ico_risks: list[RatedRisk]) -> None:
    html = render(app, heat_map(ICO, ico_risks, after_measures=True), svg_id="after")
    cells = cells_of(svg_of(html))

    assert refs_drawn_in(cells["remote", "significant"]) == ["R1"]
    assert refs_drawn_in(cells["possible", "severe"]) == ["R2"]
    assert refs_drawn_in(cells["probable", "severe"]) == []
    unrated = [p for p in read(html).paragraphs if p.startswith("Not shown")]
    assert unrated == ["Not shown because likelihood or severity is not rated after measures: "
                       "R3 Signs not seen; R4 Not yet rated."]


def test_squares_are_drawn_highest_likelihood_at_top_and_lowest_severity_on_left(app: Flask) -> None:
    cells = cells_of(svg_of(render(app, heat_map(ICO, [], after_measures=False))))

    def position(likelihood: str, severity: str) -> tuple[float, float]:
        rect = cells[likelihood, severity].find(f"{SVG}rect")
        assert rect is not None
        return float(rect.get("x", "nan")), float(rect.get("y", "nan"))

    assert position("probable", "minimal")[1] < position("possible", "minimal")[1] < position("remote", "minimal")[1]
    assert position("remote", "minimal")[0] < position("remote", "significant")[0] < position("remote", "severe")[0]


def test_squares_carry_level_and_rank_classes_and_name_their_level(app: Flask) -> None:
    cells = cells_of(svg_of(render(app, heat_map(ICO, [], after_measures=False))))

    top_right = cells["probable", "severe"]
    assert {"dpia-risk-level--high", "dpia-risk-level--rank-2"} <= set(top_right.get("class", "").split())
    assert "dpia-risk-level--low" in cells["remote", "minimal"].get("class", "")
    assert "dpia-risk-level--rank-0" in cells["remote", "minimal"].get("class", "")
    # Colour is not the only cue: each square says its level in words.
    level_text = [t for t in top_right.iter(f"{SVG}text") if "dpia-risk-matrix__level" in t.get("class", "")]
    assert [t.text for t in level_text] == ["High"]


def test_svg_is_an_image_labelled_by_its_title_and_description(app: Flask, ico_risks: list[RatedRisk]) -> None:
    svg = svg_of(render(app, heat_map(ICO, ico_risks, after_measures=False)))

    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby", "").split()
    assert ids == ["before-title", "before-desc"]
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert (title.get("id"), desc.get("id")) == ("before-title", "before-desc")
    assert title.text == "Risk matrix before measures"
    assert "3 of 4 risks plotted" in "".join(desc.itertext())
    assert list(svg)[0] is title  # first child, so browsers use it as the tooltip too


def test_axes_are_labelled_with_names_and_levels(app: Flask) -> None:
    svg = svg_of(render(app, heat_map(ICO, [], after_measures=False)))
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]

    for label in ("Likelihood", "Severity", "Remote", "Possible", "Probable", "Minimal", "Significant", "Severe"):
        assert label in texts
    likelihood = next(t for t in svg.iter(f"{SVG}text") if t.text == "Likelihood")
    assert "rotate(-90)" in likelihood.get("transform", "")


def test_text_alternative_lists_each_occupied_square(app: Flask, ico_risks: list[RatedRisk]) -> None:
    html = render(app, heat_map(ICO, ico_risks, after_measures=False))
    reader = read(html)

    assert re.search(r"<caption\b[^>]*>Risk matrix before measures: the risks in each square</caption>", html)
    assert html.index("</svg>") < html.index("<table")
    assert reader.rows == [
        ["Likelihood", "Severity", "Risk level", "Risks"],
        ["Probable", "Severe", "High", "R1 Faces kept too long R2 Watch list wrong"],
        ["Possible", "Minimal", "Low", "R3 Signs not seen"],
    ]
    unrated = "Not shown because likelihood or severity is not rated before measures: R4 Not yet rated."
    assert unrated in reader.paragraphs


def test_cnil_matrix_draws_sixteen_squares(app: Flask) -> None:
    risks = [
        RatedRisk("R1", "Illegitimate access", "maximum", "important"),
        RatedRisk("R2", "Unwanted modification", "negligible", "maximum"),
        RatedRisk("R3", "Disappearance", "maximum", "important"),
    ]
    html = render(app, heat_map(CNIL, risks, after_measures=False))
    svg = svg_of(html)
    cells = cells_of(svg)

    assert len(list(svg.iter(f"{SVG}rect"))) == 16
    assert refs_drawn_in(cells["maximum", "important"]) == ["R1", "R3"]
    assert refs_drawn_in(cells["negligible", "maximum"]) == ["R2"]
    assert {"dpia-risk-level--rank-3", "dpia-risk-level--unacceptable"} <= set(
        cells["maximum", "important"].get("class", "").split())
    rects = [cells[lk, "negligible"].find(f"{SVG}rect") for lk in ("maximum", "important", "limited", "negligible")]
    ys = [float(r.get("y", "nan")) for r in rects if r is not None]
    assert ys == sorted(ys) and len(set(ys)) == 4
    assert read(html).rows[1:] == [
        ["Maximum", "Important", "Unacceptable", "R1 Illegitimate access R3 Disappearance"],
        ["Negligible", "Maximum", "Reduce", "R2 Unwanted modification"],
    ]


def test_crowded_square_shows_a_count_and_the_table_keeps_every_risk(app: Flask) -> None:
    risks = [RatedRisk(f"R{n}", f"Risk {n}", "remote", "minimal") for n in range(1, 13)]
    html = render(app, heat_map(ICO, risks, after_measures=False))
    drawn = refs_drawn_in(cells_of(svg_of(html))["remote", "minimal"])

    assert drawn == ["R1", "R2", "R3", "R4", "R5", "R6", "+6", "more"]
    assert read(html).rows[1][3].split()[::3] == [f"R{n}" for n in range(1, 13)]


def test_no_rated_risks_says_so_instead_of_an_empty_table(app: Flask) -> None:
    html = render(app, heat_map(ICO, [RatedRisk("R1", "Unrated")], after_measures=True), svg_id="after")

    assert "<table" not in html
    assert "No risks are rated after measures yet." in read(html).paragraphs
    assert len(list(svg_of(html).iter(f"{SVG}rect"))) == 9


def test_risk_titles_labels_and_id_are_escaped(app: Flask) -> None:
    nasty_model = RiskModel(
        key="ico-3x3", likelihood=ICO.likelihood, severity=(Level("minimal", NASTY), *ICO.severity[1:]),
        levels=(Level("low", "<b>Low</b>"), *ICO.levels[1:]), matrix=ICO.matrix, high_levels=("high",))
    risks = [RatedRisk("R1", NASTY, "remote", "minimal"), RatedRisk('R"2', NASTY)]
    html = render(app, heat_map(nasty_model, risks, after_measures=False), svg_id='x" onload="alert(3)')

    assert "<script" not in html.lower()
    assert "<b>" not in html
    assert 'onload="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svg = svg_of(html)  # still well-formed with all of that inside
    assert svg.get("aria-labelledby") == 'x" onload="alert(3)-title x" onload="alert(3)-desc'
    assert NASTY in "".join(svg.itertext())
    reader = read(html)
    assert reader.rows[1] == ["Remote", NASTY, "<b>Low</b>", f"R1 {NASTY}"]
    assert any(NASTY in p for p in reader.paragraphs)
    assert ("id", 'x" onload="alert(3)') in reader.attributes
    assert all(name != "onload" for name, _ in reader.attributes)
