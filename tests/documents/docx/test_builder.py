"""The Word export, read back with python-docx: its structure follows the document model part by part,
withheld parts are boxes holding only their notice, hostile text stays text, and the bytes depend only
on the document.

Documents are built directly: no database and no Flask app."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import docx
import pytest

from dpia.core.markdown import render_markdown
from dpia.documents.docx.builder import build_docx
from dpia.documents.model import Cell, ConditionLine, Item, Row, Section, Table
from dpia.documents.pdf.builder import build_pdf
from tests.documents.docx.reading import docx_text, open_docx, xml_parts
from tests.documents.pdf.test_builder import make_document, withheld
from tests.web import pdf_text

HOSTILE = 'Close </w:t></w:r><w:r><w:t>injected & <![CDATA[x]]> "quoted" \x00\x01\x0b\x1f\x7f\ufffe end'


def headings(data: bytes, style: str) -> list[str]:
    return [p.text for p in open_docx(data).paragraphs if p.style.name == style]


def table_rows(table) -> list[list[str]]:  # noqa: ANN001
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_sections_and_parts_are_headings_in_the_pdfs_order():
    data = build_docx(make_document())

    assert headings(data, "Title") == ["Number plate recognition in council car parks"]
    assert headings(data, "Heading 1") == [
        "Need for a DPIA", "Identify and assess risks", "Security arrangements", "Retention rules", "Access rules",
        "Risk matrix", "Sign-off"]
    assert headings(data, "Heading 2")[:4] == [
        "What does the processing aim to achieve?", "Type of processing", "Risks", "Which sites use covert cameras?"]
    assert "How long we keep data" in headings(data, "Heading 3")  # a heading inside a Markdown answer


def test_the_title_block_gives_the_revisions_facts():
    word = open_docx(build_docx(make_document()))
    facts = dict((row[0], row[1]) for row in table_rows(word.tables[0]))

    assert facts["Reference"] == "DPIA-0042" and facts["Revision"] == "3" and facts["Status"] == "Approved"
    assert facts["Team"] == "Parking services" and facts["Law"] == "UK GDPR and DPA 2018"
    assert facts["Copy"] == "Published copy" and facts["Content fingerprint"] == "3f" * 32
    assert word.paragraphs[0].text == "Northshire County Council"


def test_each_table_answer_is_a_word_table_with_a_repeated_header_row():
    word = open_docx(build_docx(make_document()))
    risks = next(t for t in word.tables if table_rows(t)[0][:2] == ["Ref", "Description"])

    rows = table_rows(risks)
    assert rows[0] == ["Ref", "Description", "Likelihood", "Severity"]
    assert rows[1] == ["R1", "Plates kept after payment", "Probable", "Severe"]
    assert risks.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on each page
    assert [row[1] for row in table_rows(next(t for t in word.tables if table_rows(t)[0] == ["Ref", "Data", "Period"]))
            ] == ["Data", "Plate images"]


def test_the_risk_matrix_before_and_after_measures_is_a_grid_and_a_list():
    data = build_docx(make_document())
    word = open_docx(data)
    grids = [table_rows(t) for t in word.tables if table_rows(t)[0][0] == "Likelihood / Severity"]

    assert headings(data, "Heading 2")[-2:] == ["Risk matrix before measures", "Risk matrix after measures"]
    assert len(grids) == 2
    before, after = grids
    assert before[0] == ["Likelihood / Severity", "Minimal", "Significant", "Severe"]
    assert before[1] == ["Probable", "Medium", "High", "High\nR1"]  # R1: probable and severe
    assert "R1" not in "".join(before[1][:3]) and any("R1" in cell for row in after for cell in row)
    high = next(t for t in word.tables if table_rows(t)[0][0] == "Likelihood / Severity").rows[1].cells[3]
    assert high._tc.tcPr.xpath("./w:shd/@w:fill") == ["D4351C"]  # in the level's colour, as the PDF draws it
    in_words = [table_rows(t) for t in word.tables if table_rows(t)[0] == ["Likelihood", "Severity", "Level", "Risks"]]
    assert in_words[0][1] == ["Probable", "Severe", "High", "R1: Plates kept after payment"]
    assert "Not rated at this stage: R3" in docx_text(data)


def test_the_sign_off_block_and_the_conditions_are_tables():
    document = make_document(conditions=(ConditionLine("Review signage", "Parking manager", "1 June 2025", "Open"),))
    data = build_docx(document)
    word = open_docx(data)
    tables = [table_rows(t) for t in word.tables]

    sign_off = next(rows for rows in tables if rows[0][0] == "Sign-off")
    assert sign_off[0] == ["Sign-off", "Position", "Name", "Date", "Detail"]
    assert sign_off[1] == ["DPO advice", "Data protection officer", "Sam Okafor", "12 May 2025",
                           "Recommendation: proceed"]
    assert ["1", "Review signage", "Parking manager", "1 June 2025", "Open"] in \
        next(rows for rows in tables if rows[0] == ["Ref", "Action", "Owner", "Due", "Status"])
    assert headings(data, "Heading 1")[-1] == "Conditions of approval"


def test_no_name_column_when_no_sign_off_carries_a_name():
    lines = tuple(line.__class__(line.label, line.position, line.signed_on, None, line.detail)
                  for line in make_document().sign_offs)
    rows = next(table_rows(t) for t in open_docx(build_docx(make_document(sign_offs=lines))).tables
                if table_rows(t)[0][0] == "Sign-off")
    assert rows[0] == ["Sign-off", "Position", "Date", "Detail"]


def test_withheld_parts_are_shaded_bordered_boxes_saying_the_notice():
    data = build_docx(make_document())
    word = open_docx(data)
    notice = "Withheld under FOI Act s.31(1)(a): disclosure would prejudice the prevention of crime"
    boxes = [t for t in word.tables if len(t.rows) == 1 and len(t.columns) == 1]

    assert [t.rows[0].cells[0].text for t in boxes] == [
        notice, "Withheld under FOI Act s.31(1)(a): security of the system"]
    for box in boxes:
        assert box.style.name == "Table Grid"  # bordered
        assert box.rows[0].cells[0]._tc.tcPr.xpath("./w:shd/@w:fill") == ["D9D9D9"]  # shaded
    risk_rows = next(table_rows(t) for t in word.tables if table_rows(t)[0][:2] == ["Ref", "Description"])
    assert risk_rows[2][0] == "R2" and set(risk_rows[2][1:]) == {
        "Withheld under FOI Act s.31(1)(a): the camera locations are sensitive"}  # one cell across the row


def test_every_text_of_the_model_appears_in_the_file():
    """The page, the PDF and the Word file are all drawn from one `Document`: nothing it holds is dropped."""
    document = make_document(conditions=(ConditionLine("Review signage", "Parking manager", "1 June 2025", "Open"),),
                             heat_maps=None)
    text = " ".join(docx_text(build_docx(document)).split())
    markdown_sources = {item.markdown for section in document.sections for item in section.items if item.markdown}

    for part in document.text_parts():
        if part in markdown_sources:
            for word in _rendered_words(part):
                assert word in text, word
        else:
            assert " ".join(part.split()) in text, part


def test_the_pdf_and_the_word_file_show_the_same_headings_and_answers():
    document = make_document()
    pdf = " ".join(pdf_text(build_pdf(document)).split())
    word = " ".join(docx_text(build_docx(document)).split())
    shown = [document.title, *(section.title for section in document.sections)]
    shown += [part for section in document.sections for item in section.items
              for part in (item.label, item.text, item.withheld and item.withheld.notice) if part]
    for part in shown:
        part = " ".join(part.split())
        assert part in pdf and part in word, part


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words += data.split()


def _rendered_words(source: str) -> list[str]:
    parser = _Words()
    parser.feed(str(render_markdown(source)))
    return parser.words


def test_markdown_answers_are_paragraphs_and_bullets_not_html():
    data = build_docx(make_document())
    paragraphs = [p for p in open_docx(data).paragraphs]
    texts = [p.text for p in paragraphs]

    assert "•\tPlates of paying drivers" in texts and "1.\tRead the plate" in texts
    assert "See the ICO guidance (https://ico.org.uk/for-organisations/) for more." in texts
    body = next(p for p in paragraphs if p.text.startswith("Cameras read"))
    assert [run.text for run in body.runs if run.bold] == ["number plates"]
    assert [run.text for run in body.runs if run.italic] == ["entrance"]
    assert not re.search(r"<(p|strong|em|ul|li|h2|a)\b", docx_text(data))


def test_raw_html_in_a_markdown_answer_never_reaches_the_file():
    source = '<script>alert(1)</script><img src="file:///etc/passwd"> <b onclick="x()">Bold</b> text'
    document = make_document(sections=(Section("s", "Section", (Item("s.q", "Question", markdown=source),)),))
    data = build_docx(document)
    assert "Bold text" in docx_text(data)
    assert "passwd" not in xml_parts(data) and "onclick" not in xml_parts(data)


@pytest.mark.parametrize("where", ["title", "label", "text", "cell", "markdown", "notice"])
def test_hostile_text_stays_text_and_the_file_opens(where):
    item = {"label": Item("s.q", HOSTILE, text="Answer"), "text": Item("s.q", "Q", text=HOSTILE),
            "markdown": Item("s.q", "Q", markdown=HOSTILE),
            "cell": Item("s.q", "Q", table=Table(("A",), (Row("1", (Cell("A", HOSTILE),)),))),
            "notice": Item("s.q", "Q", withheld=withheld(HOSTILE))}.get(where, Item("s.q", "Q", text="Answer"))
    document = make_document(sections=(Section("s", "Section", (item,)),),
                             **({"title": HOSTILE} if where == "title" else {}))
    data = build_docx(document)

    text = docx_text(data)  # python-docx parses it: the file is well-formed
    # Markdown passes through the sanitiser, which drops the tags; everywhere else they are plain text.
    shown = "injected &" if where == "markdown" else "</w:t></w:r><w:r><w:t>injected &"
    assert shown in text and "end" in text
    assert "\x00" not in text and "\x01" not in text and "\ufffe" not in text
    assert "<w:t>injected" not in xml_parts(data)  # escaped, not markup


def test_a_watermark_heads_every_page_and_the_title_block():
    data = build_docx(make_document(), watermark="DRAFT")
    word = open_docx(data)
    assert word.sections[0].header.paragraphs[0].text == "DPIA-0042 · revision 3 · DRAFT"
    assert word.paragraphs[0].text == "DRAFT"
    assert "DRAFT" not in docx_text(build_docx(make_document()))


def test_the_same_document_gives_the_same_bytes_and_dates_from_the_revision():
    document = make_document()
    first = build_docx(document)
    assert build_docx(document) == first
    assert build_docx(make_document(title="Another title")) != first
    properties = docx.Document(__import__("io").BytesIO(first)).core_properties
    assert properties.created.date().isoformat() == "2025-05-01" == properties.modified.date().isoformat()
    assert properties.author == "Northshire County Council" and properties.last_modified_by == ""


def test_a_wide_table_is_shown_row_by_row():
    columns = tuple(f"Column {n}" for n in range(8))
    table = Table(columns, (Row("1", tuple(Cell(c, f"value {c}") for c in columns)), Row("2", withheld=withheld())))
    document = make_document(sections=(Section("s", "Section", (Item("s.q", "Wide", table=table),)),))
    tables = [table_rows(t) for t in open_docx(build_docx(document)).tables]

    first = next(rows for rows in tables if rows[0][0] == "Row 1")
    assert ["Column 7", "value Column 7"] in first
    second = next(rows for rows in tables if rows[0][0] == "Row 2")
    assert second[1][0].startswith("Withheld under FOI Act s.31(1)(a)")
