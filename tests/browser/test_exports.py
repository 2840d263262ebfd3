"""The internal PDF in a real browser: the "being prepared" page checks again by itself and starts
the download once the worker has stored the file, with no page reload on a timer."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from dpia.documents.tasks import build_next_export
from tests.browser.steps import sign_in_through_form

pytestmark = pytest.mark.browser

PDF = "/assessments/DPIA-2018-011/revisions/1.pdf"  # the team's draft: author@demo.test may read it


def test_the_preparing_page_starts_the_download_when_the_worker_is_done(page: Page, live_server: str,
                                                                        live_app: Flask) -> None:
    page.goto(PDF)
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/sign-in?next=")))
    with page.expect_response(lambda response: response.url.endswith(PDF)) as first:
        sign_in_through_form(page, "author@demo.test")
    assert first.value.status == 202
    expect(page.get_by_role("heading", level=1)).to_have_text("Your PDF is being prepared")
    expect(page.get_by_role("status")).to_have_text("Checking every few seconds.")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0

    # The page's own check (every 3 s) finds the stored file and starts the download.
    with page.expect_download(timeout=15_000) as download:
        with live_app.app_context():
            assert build_next_export(worker="browser-test") is True
    assert download.value.suggested_filename == "DPIA-2018-011-revision-1.pdf"
    expect(page.get_by_role("status")).to_have_text("Your file is ready. The download starts now.")
