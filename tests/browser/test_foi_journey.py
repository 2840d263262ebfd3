"""An FOI officer answers a request in a real browser: records it for the demo assessment with its received
time and items, maps an item to the retention question of revision 2, withholds it under s.22 with its
public interest test, reads the s.22 evidence for the unpublished revision and records their conclusion,
then reads the response letter and downloads it as a PDF."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import assert_accessible, sign_in_through_form, success_banner

pytestmark = pytest.mark.browser

OFFICER = "foi@demo.test"
DEMO = "DPIA-2017-004"


def test_an_foi_officer_answers_a_request_with_s22(page: Page, live_server: str) -> None:
    reference = f"FOI-{uuid.uuid4().hex[:8]}"
    page.goto("/sign-in")
    sign_in_through_form(page, OFFICER)
    expect(page.get_by_role("heading", name="FOI replies due in the next 5 working days or overdue")).to_be_visible()

    page.goto(f"/assessments/{DEMO}/foi")
    assert_accessible(page)
    page.locator("#foi_reference").fill(reference)
    page.locator("#received_on-day").fill("2")
    page.locator("#received_on-month").fill("4")
    page.locator("#received_on-year").fill("2018")
    page.locator("#received_time").fill("14:05")
    page.locator("#requester_name").fill("Pat Enquirer")
    page.locator("#request_text").fill("How long do you keep alert images, and who chooses the watchlist?")
    page.locator("#revision").select_option("2")
    page.locator("#item_lines").fill("How long alert images are kept\nWho chooses the watchlist")
    page.get_by_role("button", name="Record the request").click()
    expect(success_banner(page)).to_contain_text("FOI request recorded")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"FOI request {reference}")
    assert_accessible(page)

    page.get_by_role("link", name="How long alert images are kept").click()
    page.locator('input[name="parts"][value="question:lfr.retention"]').check()
    page.get_by_role("button", name="Save the item").click()
    expect(success_banner(page)).to_contain_text("Item 1 saved")
    page.get_by_label("Withheld under an exemption").check()
    page.get_by_label("Exemption", exact=True).select_option("s22")
    page.get_by_label("Public interest arguments for disclosure").fill("Openness about keeping images of people")
    page.get_by_label("Public interest arguments for withholding").fill("Revision 2 is to be published this quarter")
    page.get_by_label("Conclusion of the public interest test").fill("Wait for the approved publication")
    assert_accessible(page)
    page.get_by_role("button", name="Record the answer").click()
    expect(success_banner(page)).to_contain_text("Answer to item 1 recorded")

    page.get_by_role("link", name="Section 22 evidence for this request").click()
    statement = page.locator(".govuk-summary-list")
    expect(statement).to_contain_text(re.compile(r"Intention to publish when the request arrived\s*Yes"))
    expect(statement).to_contain_text(re.compile(r"Revision the request concerns\s*Revision 2"))
    expect(statement).to_contain_text(re.compile(r"Within the publication: item 1"))
    assert_accessible(page)
    page.get_by_label(re.compile("Your conclusion")).fill("Reasonable: publication is due within the quarter.")
    page.get_by_role("button", name="Record the conclusion").click()
    expect(success_banner(page)).to_contain_text("Conclusion recorded")

    page.get_by_role("link", name=re.compile(f"Back to {reference}")).click()
    page.get_by_role("link", name="Response letter", exact=True).click()
    expect(page.get_by_text("Dear Pat Enquirer,")).to_be_visible()
    expect(page.get_by_role("heading", name="Section 22: information intended for future publication")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Reasonable: publication is due within the quarter.")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this letter as a PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
