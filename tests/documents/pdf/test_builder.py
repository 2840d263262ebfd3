"""The PDF export, read back with pypdf: what it shows, what it must never show, and that no user string
can turn into reportlab markup (docs/security.md X1) or make the export slow (X3).

Documents are built directly: no database and no Flask app."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.platypus import BaseDocTemplate

from dpia.assessments.rules.risk import HeatMap, RatedRisk, heat_map
from dpia.documents import rich_text
from dpia.documents.model import Cell, Document, Item, Row, Section, SignOffLine, Table, Withheld
from dpia.documents.pdf import builder as builder_module
from dpia.documents.pdf import heatmap as heatmap_module
from dpia.documents.pdf.builder import build_pdf
from dpia.documents.pdf.markup import markdown_blocks
from dpia.questionnaires.rules.definition import Level, RiskModel
from tests.factories import ICO_RISK_MODEL, levels

CANARY = "CANARY-7f3a9e-never-in-any-field"


ICO = ICO_RISK_MODEL

MARKDOWN = """\
Cameras read **number plates** at the *entrance* and the `exit`.

## How long we keep data

- Plates of paying drivers
- Plates of drivers who overstay

1. Read the plate
2. Match the payment

> Quoted guidance from the regulator.

See [the ICO guidance](https://ico.org.uk/for-organisations/) for more.
"""


def withheld(reason: str = "disclosure would prejudice the prevention of crime") -> Withheld:
    """Only the notice reaches the document: the withheld text itself never exists here."""
    return Withheld("s.31(1)(a)", reason, f"Withheld under FOI Act s.31(1)(a): {reason}")


def make_heat_maps(model: RiskModel = ICO, risks: tuple[RatedRisk, ...] | None = None) -> tuple[HeatMap, HeatMap]:
    risks = risks if risks is not None else (
        RatedRisk("R1", "Plates kept after payment", "probable", "severe", "remote", "significant"),
        RatedRisk("R2", "Cameras capture pedestrians", "possible", "significant", "remote", "minimal"),
        RatedRisk("R3", "Unrated risk"),
    )
    return heat_map(model, risks, after_measures=False), heat_map(model, risks, after_measures=True)


def make_document(**overrides: Any) -> Document:
    """A full document: every kind of item, a withheld section, question and row, rules, matrices and
    sign-offs. Keyword arguments replace any field."""
    risk_table = Table(
        ("Description", "Likelihood", "Severity"),
        (Row("R1", (Cell("Description", "Plates kept after payment"), Cell("Likelihood", "Probable"),
                    Cell("Severity", "Severe"))),
         Row("R2", withheld=withheld("the camera locations are sensitive"))),
    )
    sections = (
        Section("need", "Need for a DPIA", (
            Item("need.aims", "What does the processing aim to achieve?", markdown=MARKDOWN),
            Item("need.type", "Type of processing", text="Automated recognition\nLarge scale"),
        )),
        Section("risks", "Identify and assess risks", (
            Item("risks.table", "Risks", table=risk_table),
            Item("risks.secret", "Which sites use covert cameras?", withheld=withheld()),
        )),
        Section("security", "Security arrangements", withheld=withheld("security of the system")),
    )
    values: dict[str, Any] = {
        "organisation": "Northshire County Council",
        "reference": "DPIA-0042",
        "title": "Number plate recognition in council car parks",
        "team": "Parking services",
        "regime": "UK GDPR and DPA 2018",
        "revision": 3,
        "status": "Approved",
        "written_on": "1 May 2025",
        "approved_on": "8 May 2025",
        "published_on": "9 May 2025",
        "content_hash": "3f" * 32,  # a sha256 hex digest, as dpia.core.hashing makes
        "public": True,
        "scope": "Full assessment",
        "notes": ("Names of officials are left out of the published copy.",),
        "sections": sections,
        "sign_offs": (
            SignOffLine("DPO advice", "Data protection officer", "12 May 2025", name="Sam Okafor",
                        detail="Recommendation: proceed"),
            SignOffLine("Measures approved", "Head of parking", "14 May 2025"),
        ),
        "retention": Table(("Data", "Period"), (Row("1", (Cell("Data", "Plate images"), Cell("Period", "30 days"))),)),
        "access": Table(("Who", "What"), (Row("1", (Cell("Who", "Enforcement officers"), Cell("What", "Plates"))),)),
        "heat_maps": make_heat_maps(),
    }
    values.update(overrides)
    return Document(**values)


def read(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in read(data).pages]


def all_text(data: bytes) -> str:
    return "\n".join(page_texts(data))


def first_page_with(texts: list[str], line: str, after: int = 0) -> int:
    """1-based number of the first page after page `after` with `line` as a whole line."""
    return next(n for n, text in enumerate(texts, start=1)
                if n > after and line in (part.strip() for part in text.splitlines()))


def positioned_text(page: Any) -> list[tuple[float, str]]:
    """(baseline y on the page, text) for each piece of text pypdf sees on a page."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        if text.strip():
            found.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return build_pdf(make_document())


@pytest.fixture(scope="module")
def full_texts(full_pdf: bytes) -> list[str]:
    return page_texts(full_pdf)


# --- What the PDF shows ------------------------------------------------------------------------------


def test_build_returns_pdf_bytes(full_pdf: bytes) -> None:
    assert isinstance(full_pdf, bytes)
    assert full_pdf.startswith(b"%PDF-")
    width, height = (float(v) for v in read(full_pdf).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4


def test_cover_page_shows_the_revision(full_texts: list[str]) -> None:
    cover = " ".join(full_texts[0].split())
    for expected in ("Northshire County Council", "Data protection impact assessment", "DPIA-0042",
                     "Number plate recognition in council car parks", "Approved", "1 May 2025", "8 May 2025",
                     "9 May 2025", "Parking services", "UK GDPR and DPA 2018", "Full assessment",
                     "Names of officials are left out of the published copy.", "3f" * 32):
        assert expected in cover
    assert re.search(r"Revision\s+3\b", cover)
    assert re.search(r"Content fingerprint", cover)


def test_cover_leaves_out_dates_that_have_not_happened() -> None:
    cover = page_texts(build_pdf(make_document(approved_on=None, published_on=None, status="Draft")))[0]
    assert "Approved on" not in cover
    assert "Published on" not in cover
    assert "Draft" in cover


def test_every_page_is_numbered_page_x_of_y(full_texts: list[str]) -> None:
    total = len(full_texts)
    assert total >= 4
    for number, text in enumerate(full_texts, start=1):
        assert f"Page {number} of {total}" in text


def test_running_header_on_every_page_after_the_cover(full_texts: list[str]) -> None:
    header = "Northshire County Council · DPIA-0042 · Revision 3"
    assert header not in full_texts[0]
    assert all(header in text for text in full_texts[1:])


def test_long_header_parts_are_shortened_to_fit_the_page() -> None:
    texts = page_texts(build_pdf(make_document(organisation="Council " * 60)))
    header_lines = [line for line in texts[1].splitlines() if "DPIA-0042 · Revision 3" in line]
    assert header_lines and "…" in header_lines[0]


def test_contents_lists_every_part_with_the_page_it_starts_on(full_pdf: bytes, full_texts: list[str]) -> None:
    titles = ["Need for a DPIA", "Identify and assess risks", "Security arrangements", "Retention rules",
              "Access rules", "Risk matrix", "Sign-off"]
    contents_page = first_page_with(full_texts, "Contents")
    assert contents_page == 2
    pieces = positioned_text(read(full_pdf).pages[contents_page - 1])
    for title in titles:
        starts_on = first_page_with(full_texts, title, after=contents_page)
        (y,) = [y for y, text in pieces if text == title]
        numbers = [text for other_y, text in pieces if abs(other_y - y) < 1.5 and text.isdigit()]
        assert numbers == [str(starts_on)], title
    outline = read(full_pdf).outline
    assert [entry.title for entry in outline] == titles
    assert [read(full_pdf).get_destination_page_number(entry) + 1 for entry in outline] == [
        first_page_with(full_texts, title, after=contents_page) for title in titles]


def test_contents_page_numbers_follow_long_sections() -> None:
    long_answer = "\n\n".join(f"Paragraph {n} " + "word " * 120 for n in range(40))
    sections = tuple(Section(f"s{n}", f"Part number {n}", (Item(f"q{n}", "Answer", markdown=long_answer + str(n)),))
                     for n in range(4))
    data = build_pdf(make_document(sections=sections, retention=None, access=None, heat_maps=None, sign_offs=()))
    texts = page_texts(data)
    pieces = positioned_text(read(data).pages[1])
    starts = []
    for n in range(4):
        (y,) = [y for y, text in pieces if text == f"Part number {n}"]
        (number,) = [text for other_y, text in pieces if abs(other_y - y) < 1.5 and text.isdigit()]
        starts.append(int(number))
        assert f"Part number {n}" in texts[int(number) - 1]
    assert starts == sorted(starts) and starts[-1] - starts[0] >= 6


def test_sections_show_markdown_answers_as_formatted_text(full_texts: list[str]) -> None:
    body = "\n".join(full_texts[2:])
    for expected in ("What does the processing aim to achieve?", "number plates", "entrance", "exit",
                     "How long we keep data", "Plates of paying drivers", "Read the plate", "Match the payment",
                     "Quoted guidance from the regulator."):
        assert expected in body
    assert "**" not in body
    assert "## " not in body
    assert "the ICO guidance (https://ico.org.uk/for-organisations/)" in body


def test_plain_answers_and_table_cells(full_texts: list[str]) -> None:
    body = "\n".join(full_texts[2:])
    assert "Automated recognition" in body and "Large scale" in body
    for expected in ("Description", "Likelihood", "Plates kept after payment", "Probable", "R1"):
        assert expected in body
    assert "Plate images" in body and "30 days" in body  # retention rules
    assert "Enforcement officers" in body  # access rules


def test_withheld_parts_show_only_their_notice(full_pdf: bytes) -> None:
    text = all_text(full_pdf)
    assert "Withheld under FOI Act s.31(1)(a): disclosure would prejudice the prevention of crime" in text
    assert "Withheld under FOI Act s.31(1)(a): security of the system" in text
    assert "Withheld under FOI Act s.31(1)(a): the camera locations are sensitive" in text
    assert "Which sites use covert cameras?" in text  # the question keeps its place
    assert CANARY not in text
    assert CANARY.encode() not in full_pdf


def test_canary_never_appears_even_with_everything_withheld() -> None:
    # The builder is given notices only: nothing it could leak is in the document. The canary sits in no
    # field at all, so any appearance would mean text from outside the document got in.
    sections = (Section("a", "Withheld part", withheld=withheld()),
                Section("b", "Part with withheld question", (Item("q", "Label", withheld=withheld()),)))
    data = build_pdf(make_document(sections=sections))
    assert CANARY not in all_text(data)
    assert CANARY.encode() not in data
    assert all_text(data).count("Withheld under FOI Act s.31(1)(a):") >= 2


def test_long_tables_wrap_cells_and_repeat_their_header_row() -> None:
    rows = tuple(Row(f"R{n}", (Cell("Description", f"Row marker {n}. " + "A long description. " * 30),
                               Cell("Owner", "Parking"))) for n in range(1, 61))
    sections = (Section("t", "Big table", (Item("t", "Risks", table=Table(("Description", "Owner"), rows)),)),)
    texts = page_texts(build_pdf(make_document(sections=sections, heat_maps=None, retention=None, access=None)))
    pages_with_rows = [text for text in texts if "Row marker" in text]
    assert len(pages_with_rows) >= 3
    assert all("Description" in text and "Owner" in text for text in pages_with_rows)


def test_risk_matrices_show_levels_refs_and_axes(full_texts: list[str]) -> None:
    start = first_page_with(full_texts, "Risk matrix", after=2)
    text = "\n".join(full_texts[start - 1:start + 1])
    for expected in ("Risk matrix before measures", "Risk matrix after measures", "Low", "Medium", "High",
                     "Likelihood", "Severity", "Remote", "Probable", "Minimal", "Severe", "R1", "R2"):
        assert expected in text
    # The table in words, for readers who cannot see colour.
    assert "R1: Plates kept after payment" in text
    assert "R2: Cameras capture pedestrians" in text
    assert "Not rated at this stage: R3" in text


def test_risk_matrix_is_coloured_by_level() -> None:
    drawing = heatmap_module.heat_map_drawing(make_heat_maps()[0])
    fills = {(shape.fillColor.hexval(), shape.x, shape.y) for shape in drawing.contents
             if shape.__class__.__name__ == "Rect"}
    assert len(fills) == 9
    assert {fill for fill, _x, _y in fills} == {"0x00703c", "0xffdd00", "0xd4351c"}  # low, medium, high


def test_custom_levels_are_coloured_by_rank() -> None:
    scale = levels("Negligible", "Limited", "Important", "Maximum")
    model = RiskModel(key="cnil", likelihood=scale, severity=scale,
                      levels=levels("Acceptable", "Monitor", "Reduce", "Unacceptable"),
                      matrix={"negligible": ("acceptable", "acceptable", "monitor", "reduce"),
                              "limited": ("acceptable", "monitor", "reduce", "reduce"),
                              "important": ("monitor", "reduce", "unacceptable", "unacceptable"),
                              "maximum": ("reduce", "reduce", "unacceptable", "unacceptable")})
    drawing = heatmap_module.heat_map_drawing(heat_map(model, (), after_measures=False))
    fills = {shape.fillColor.hexval() for shape in drawing.contents if shape.__class__.__name__ == "Rect"}
    assert fills == {"0x00703c", "0xffdd00", "0xf47738", "0xd4351c"}
    data = build_pdf(make_document(heat_maps=(heat_map(model, (), after_measures=False),
                                              heat_map(model, (), after_measures=True))))
    assert "Unacceptable" in all_text(data)
    assert "No risk is rated at this stage." in all_text(data)


def test_sign_off_block(full_texts: list[str]) -> None:
    start = first_page_with(full_texts, "Sign-off", after=2)
    text = "\n".join(full_texts[start - 1:])
    for expected in ("DPO advice", "Data protection officer", "Sam Okafor", "12 May 2025", "Recommendation: proceed",
                     "Measures approved", "Head of parking", "14 May 2025"):
        assert expected in text


def test_public_sign_offs_without_names_have_no_name_column() -> None:
    lines = (SignOffLine("DPO advice", "Data protection officer", "12 May 2025"),)
    text = all_text(build_pdf(make_document(sign_offs=lines)))
    assert "Data protection officer" in text
    assert "Name" not in text.split("Sign-off")[-1]


def test_optional_parts_are_left_out_when_absent() -> None:
    data = build_pdf(make_document(retention=None, access=None, heat_maps=None, sign_offs=(), notes=()))
    text = all_text(data)
    for absent in ("Retention rules", "Access rules", "Risk matrix", "Sign-off"):
        assert absent not in text
    assert "Need for a DPIA" in text


def test_watermark_only_when_asked(full_texts: list[str]) -> None:
    assert all("DRAFT" not in text for text in full_texts)
    marked = page_texts(build_pdf(make_document(), watermark="DRAFT"))
    assert len(marked) == len(full_texts)
    assert all("DRAFT" in text for text in marked)


def test_same_document_gives_the_same_bytes(full_pdf: bytes) -> None:
    assert build_pdf(make_document()) == full_pdf  # so a stored snapshot's sha256 can be checked again


def test_each_distinct_markdown_answer_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = rich_text.render_markdown

    def counting(source: str | None) -> Any:
        calls.append(source or "")
        return real(source)

    monkeypatch.setattr(rich_text, "render_markdown", counting)
    items = tuple(Item(f"q{n}", f"Question {n}", markdown=MARKDOWN if n % 2 else "Other **answer**")
                  for n in range(10))
    build_pdf(make_document(sections=(Section("s", "Repeated answers", items),)))
    assert sorted(calls) == sorted([MARKDOWN, "Other **answer**"])


# --- Markdown mapping --------------------------------------------------------------------------------


def markups(source: str) -> list[str]:
    return [block[2] for block in markdown_blocks(source) if block[0] == "p"]


def test_markdown_maps_onto_reportlab_tags_only() -> None:
    (line,) = markups("**bold** *it* `x < y` [text](https://example.org/?a=1&b=2)")
    assert line == ('<b>bold</b> <i>it</i> <font face="Courier">x &lt; y</font> text '
                    "(https://example.org/?a=1&amp;b=2)")


def test_markdown_lists_headings_quotes_and_code_blocks() -> None:
    blocks = markdown_blocks("## Title\n\n- a\n    - b\n\n3. c\n\n> q\n\n```\n<b> & code\n```\n\n---\n")
    assert ("p", "h2", "Title", None, 0, 0) in blocks
    assert ("p", "body", "a", "•", 1, 0) in blocks
    assert ("p", "body", "b", "–", 2, 0) in blocks
    assert ("p", "body", "c", "1.", 1, 0) in blocks
    assert ("p", "body", "q", None, 0, 1) in blocks
    assert ("pre", "<b> & code", 0, 0) in blocks  # drawn by Preformatted, which reads no markup
    assert ("hr",) in blocks


def test_markdown_tables_become_tables() -> None:
    (block,) = markdown_blocks("| a | b |\n|---|---|\n| **1** | 2 |\n")
    assert block[0] == "table"
    assert block[1] == (((True, "a"), (True, "b")), ((False, "<b>1</b>"), (False, "2")))


@pytest.mark.parametrize("source", [
    "<font size=400 color=white>hidden</font>",
    '<font color="[[[getattr(pow, \'x\')]]]">x</font>',
    '<img src="/etc/passwd"/>',
    "![img](http://127.0.0.1:9/x.png)",
    "[click](javascript:alert(1))",
    '<a href="https://evil.example">click</a>',
    '<link href="https://evil.example">x</link>',
    "</para><para>",
    "<b>unclosed",
    "<onDraw name=x/> <seq id=x/> <span style=x>y</span>",
])
def test_markdown_output_never_carries_user_markup(source: str) -> None:
    for block in markdown_blocks(source):
        text = repr(block)
        for forbidden in ("<img", "<a ", "<link", "<font size", "color=", "<para", "<onDraw", "<seq", "<span",
                          "href=", "javascript"):
            assert forbidden not in text, (source, block)


# --- Injection (docs/security.md X1) ----------------------------------------------------------------------

WORD = "W" * 5000
CORPUS = (
    "<b>unclosed",
    '<a href="https://evil.example">click</a>',
    "<font size=400 color=white>hidden</font>",
    '<img src="/etc/passwd"/>',
    '<img src="http://127.0.0.1:9/x.png"/>',
    "<font color=\"[[[getattr(pow, 'x')]]]\">x</font>",
    '<link href="https://evil.example">x</link>',
    "</para><para>",
    "&amp; & < >",
    WORD,
    "[click](javascript:alert(1))",
    "![img](http://127.0.0.1:9/x.png)",
    "Non-Latin: 日本語 ελληνικά 🙂 \x00\x07 control",
)


@pytest.fixture()
def loopback() -> Iterator[tuple[socket.socket, str]]:
    """A listener that should never hear from the export."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server, f"http://127.0.0.1:{server.getsockname()[1]}/x.png"
    server.close()


def hostile_document(probe: str) -> Document:
    """Each corpus string on its own in every kind of field, and all of them together on the cover (the
    long word only in the title there, to keep the test quick)."""
    nasty = " ".join(CORPUS) + " " + probe
    short = " ".join(text for text in CORPUS if text != WORD)
    markdown = "\n\n".join([*CORPUS, f"![probe]({probe})", f'<img src="{probe}"/>'])
    model = RiskModel(key="nasty", likelihood=(Level("l", nasty),), severity=(Level("s", short),),
                      levels=(Level("low", short),), matrix={"l": ("low",)})
    risks = tuple(RatedRisk(text[:40], text, "l", "s", "l", "s") for text in CORPUS)
    maps = (heat_map(model, risks, after_measures=False), heat_map(model, risks, after_measures=True))
    sections = tuple(
        Section(f"s{n}", text, (
            Item(f"m{n}", text, markdown=markdown if n == 0 else text),
            Item(f"t{n}", text, text=text),
            Item(f"w{n}", text, withheld=withheld(text)),
            Item(f"tab{n}", text, table=Table((text, "Other"), (Row(text, (Cell(text, text), Cell("Other", text))),
                                                                Row(text, withheld=withheld(text))))),
        ))
        for n, text in enumerate(CORPUS)
    ) + tuple(Section(f"x{n}", text, withheld=withheld(text)) for n, text in enumerate(CORPUS))
    return make_document(
        organisation=short, reference="<b>unclosed", title=nasty, team=short, regime=short, status=short,
        written_on=short, approved_on=short, published_on=short, content_hash=short, scope=short, notes=CORPUS,
        sections=sections, heat_maps=maps,
        sign_offs=tuple(SignOffLine(short, text, short, name=short, detail=text) for text in CORPUS),
        retention=Table(CORPUS[:3], tuple(Row(text, (Cell(CORPUS[0], text),)) for text in CORPUS)),
        access=Table(CORPUS[:3], tuple(Row(text, withheld=withheld(text)) for text in CORPUS)),
    )


def image_xobjects(resources: Any) -> list[Any]:
    found = []
    xobjects = resources.get("/XObject") if resources else None
    for ref in (xobjects.get_object().values() if xobjects else ()):
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found.append(xobject)
        elif xobject.get("/Subtype") == "/Form":
            found += image_xobjects(xobject.get("/Resources"))
    return found


def test_hostile_strings_in_every_field_stay_text(loopback: tuple[socket.socket, str]) -> None:
    server, probe = loopback
    data = build_pdf(hostile_document(probe), watermark="<b>DRAFT")
    reader = read(data)
    for page in reader.pages:
        for ref in page.get("/Annots") or ():
            annotation = ref.get_object()
            action = annotation.get("/A")
            assert "/URI" not in annotation and not (isinstance(action, DictionaryObject) and "/URI" in action)
            assert annotation.get("/Subtype") == "/Link" and ("/Dest" in annotation or action["/S"] == "/GoTo")
        assert image_xobjects(page.get("/Resources")) == []
    assert b"/URI" not in data
    assert b"/Subtype /Image" not in data
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "<b>unclosed" in text
    assert "evil.example" in text
    assert '<a href="https://evil.example">click</a>' in text
    assert "<font size=400 color=white>hidden</font>" in text
    assert '<img src="/etc/passwd"/>' in text
    assert "&amp; & < >" in text
    assert "</para><para>" in text
    assert "[click](javascript:alert(1))" in text  # a plain answer shows its text as typed
    assert "<b>DRAFT" in text
    with pytest.raises(BlockingIOError):
        server.accept()  # nothing tried to fetch the probe image


def test_trusted_schemes_and_hosts_are_locked_down() -> None:
    from reportlab import rl_config

    assert rl_config.trustedSchemes == []
    assert rl_config.trustedHosts == []


def test_a_5000_character_word_wraps_everywhere() -> None:
    sections = (Section("w", WORD, (Item("w", WORD, markdown=WORD),
                                    Item("t", WORD, table=Table((WORD,), (Row(WORD, (Cell(WORD, WORD),)),))))),)
    data = build_pdf(make_document(title=WORD, sections=sections))
    text = all_text(data).replace("\n", "")
    assert text.count("W" * 100) > 10
    for page in read(data).pages:
        assert float(page.mediabox.width) < 600


# --- Cost (docs/security.md X3) ---------------------------------------------------------------------------


def five_kilobytes(number: int) -> str:
    paragraph = ("The council processes **vehicle registration marks** captured at car park entrances to "
                 "enforce parking charges, under *public task*, with `retention` limits and [guidance]"
                 f"(https://ico.org.uk/{number}). ")
    parts = [f"## Part {number}\n"]
    while sum(len(p) for p in parts) < 5000:
        parts.append(paragraph * 3 + "\n\n- first point\n- second point\n\n")
    return "\n".join(parts)


def test_a_large_document_builds_in_one_layout_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The work is counted, not timed (CI machines are shared): one layout of the story and one Markdown
    mapping per distinct answer, however long the document. `make bench` times the same build."""
    sections = tuple(Section(f"s{n}", f"Section {n}", (Item(f"q{n}", f"Question {n}", markdown=five_kilobytes(n)),))
                     for n in range(200))
    document = make_document(sections=sections)
    assert min(len(s.items[0].markdown or "") for s in sections) >= 5000
    layouts: list[int] = []
    real_build = BaseDocTemplate.build
    monkeypatch.setattr(BaseDocTemplate, "build", lambda self, *a, **k: layouts.append(1) or real_build(self, *a, **k))
    mapped: list[str] = []
    real_blocks = builder_module.markdown_blocks
    monkeypatch.setattr(builder_module, "markdown_blocks", lambda source: mapped.append(source) or real_blocks(source))
    data = build_pdf(document)
    assert layouts == [1]
    assert len(mapped) == 200 == len(set(mapped))
    pages = len(read(data).pages)
    assert pages > 50


def test_markdown_structure_from_raw_html_cannot_break_the_layout() -> None:
    deep = "<ul><li>" * 200 + "deep item" + "</li></ul>" * 200
    quotes = ">" * 60 + " deep quote"
    tables = "<table><tr><td><table><tr><td>inner</td></tr></table>outer</td></tr></table>"
    tags = "<b><i><code>" * 50 + "nested formats" + "<pre>unclosed pre"
    items = tuple(Item(f"q{n}", f"Question {n}", markdown=source)
                  for n, source in enumerate((deep, quotes, tables, tags)))
    text = all_text(build_pdf(make_document(sections=(Section("s", "Odd structure", items),))))
    for expected in ("deep item", "deep quote", "inner", "outer", "nested formats", "unclosed pre"):
        assert expected in text


def test_empty_strings_everywhere_still_build() -> None:
    sections = (Section("a", "", (Item("q", "", markdown=""), Item("r", "", text=""),
                                  Item("t", "", table=Table((), ())))), Section("b", "", ()))
    data = build_pdf(make_document(organisation="", reference="", title="", team="", regime="", status="",
                                   written_on="", content_hash="", scope="", sections=sections,
                                   sign_offs=(SignOffLine("", "", ""),), retention=Table((), (Row("", ()),))))
    assert "Page 1 of" in page_texts(data)[0]


def test_wide_tables_print_row_by_row() -> None:
    """A per-deployment record has a dozen columns: too many for A4, so each row prints as label/value pairs."""
    columns = tuple(f"Column {n}" for n in range(12))
    table = Table(columns, (Row("1", tuple(Cell(c, f"value {n}") for n, c in enumerate(columns))),
                           Row("2", withheld=withheld())))
    section = Section("wide", "Deployments", (Item("wide.q", "Per-deployment records", table=table),))
    text = all_text(build_pdf(make_document(sections=(section,))))
    assert "Column 11" in text and "value 11" in text
    assert "Withheld under FOI Act" in text
