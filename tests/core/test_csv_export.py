"""The one CSV writer: RFC 4180 text that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from dpia.core.csv_export import attachment, csv_chunks, csv_text, safe_cell


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-3", "'-3"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("'already", "'already"), ("a=b", "a=b"), ("", ""),
    (None, ""), (30, "30"), (-30, "'-30"), (True, "Yes"), (False, "No"),
])
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(value, cell):
    assert safe_cell(value) == cell


def test_quotes_only_where_needed_and_ends_lines_with_crlf():
    text = csv_text(["Name", "=Header"], [["plain", 'has "quotes", a comma'], ["two\nlines", None]])
    assert text == 'Name,\'=Header\r\nplain,"has ""quotes"", a comma"\r\n"two\nlines",\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["Name", "'=Header"], ["plain", 'has "quotes", a comma'], ["two\nlines", ""]]


def test_chunks_join_to_the_whole_document():
    rows = [[str(n), f"=row {n}"] for n in range(7)]
    chunks = list(csv_chunks(["n", "v"], rows, lines=3))
    assert len(chunks) == 3
    assert "".join(chunks) == csv_text(["n", "v"], rows)
    assert chunks[-1].endswith("6,'=row 6\r\n")


def test_non_ascii_text_survives():
    assert csv_text(["Données"], [["Vidéo — caméra"]]).encode("utf-8").decode("utf-8").endswith("Vidéo — caméra\r\n")


def test_the_download_name():
    assert attachment("retention-schedule.csv") == (
        "attachment; filename=\"retention-schedule.csv\"; filename*=UTF-8''retention-schedule.csv")
    assert attachment("année 1.csv") == "attachment; filename=\"ann_e_1.csv\"; filename*=UTF-8''ann%C3%A9e%201.csv"
