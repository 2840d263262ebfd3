"""The Nu HTML checker helper the accessibility crawl uses: one run over a folder, errors by page."""

from __future__ import annotations

from pathlib import Path

from tests.browser.html_checker import HtmlPages

VALID = b'<!DOCTYPE html><html lang="en"><head><title>Fine</title></head><body><p id="a">Fine</p></body></html>'
INVALID = (b'<!DOCTYPE html><html lang="en"><head><title>Not fine</title></head><body>'
           b'<p id="a">One</p><p id="a">Two</p><div required>Three</div></body></html>')


def test_errors_are_reported_against_the_page_they_are_on(tmp_path: Path) -> None:
    pages = HtmlPages(tmp_path)
    pages.add("/fine", VALID)
    pages.add("POST /broken", INVALID)
    errors = pages.errors()
    assert set(errors) == {"POST /broken"}
    assert any("Duplicate ID “a”" in error for error in errors["POST /broken"])
    assert any("“required” not allowed on element “div”" in error for error in errors["POST /broken"])


def test_nothing_to_check_starts_no_checker(tmp_path: Path) -> None:
    assert HtmlPages(tmp_path).errors() == {}
