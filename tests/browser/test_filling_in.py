"""Filling in an assessment in a real browser: the task list, a section with a validation error and
its fix, questions shown and hidden by app.mjs, table rows, the Markdown preview, the risk matrices,
and axe-core on every kind of page.

The live server's database is shared by the whole browser session, so each test that saves works in
its own section of revision 2 and reads "before" values from the page rather than assuming them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.steps import (
    assert_accessible,
    error_summary,
    error_summary_box,
    sign_in_through_form,
    success_banner,
    task,
)

pytestmark = pytest.mark.browser

REFERENCE = "DPIA-2017-004"
DRAFT = "/assessments/DPIA-2018-011/revisions/1"  # the team's draft: author@demo.test can edit it
APPROVED = f"/assessments/{REFERENCE}/revisions/1"  # approved, read-only for everyone
RATED = f"/assessments/{REFERENCE}/revisions/2"  # awaiting sign-off, with rated risks and measures
REQUIRED_HINT = re.compile(r"(\d+) of (\d+) required answers")


def open_signed_in(page: Page, live_server: str, path: str, email: str) -> None:
    """Go to `path`, sign in on the page it redirects to, and land back on `path`."""
    page.goto(path)
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/sign-in?next=")))
    sign_in_through_form(page, email)
    expect(page).to_have_url(f"{live_server}{path}")


def status_and_hint(item: Locator) -> tuple[str, str]:
    """The item's status and hint, as read out with its link: the texts its aria-describedby names, hint first."""
    hint, status = item.get_by_role("link").evaluate(
        "link => link.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).innerText.trim())")
    return status, hint


def required_counts(hint: str) -> tuple[int, int]:
    match = REQUIRED_HINT.fullmatch(hint)
    assert match, f"unexpected task list hint {hint!r}"
    return int(match.group(1)), int(match.group(2))


# --- 1. The acceptance journey --------------------------------------------------------------------

def test_fill_in_a_section_fix_an_invalid_date_and_see_the_task_list_change(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    page.goto("/sign-in")
    sign_in_through_form(page, "author@demo.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.get_by_role("link", name="Live facial recognition from a mobile van").click()
    page.get_by_role("link", name="Revision 1", exact=True).click()
    expect(page).to_have_url(f"{live_server}{DRAFT}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revision 1")

    title = "Keeping the assessment under review"
    before_status, before_hint = status_and_hint(task(page, title))
    before_answered, before_total = required_counts(before_hint)

    task(page, title).get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(f"{live_server}{DRAFT}/sections/review")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    # "Another schedule" reveals a further required question (app.mjs); answer it, tick a trigger,
    # and give a date that does not exist.
    schedule_text = "Before each deployment and whenever the watchlist rules change"
    page.get_by_label("Another schedule").check()
    expect(page.get_by_label("Describe the review schedule")).to_be_visible()
    page.get_by_label("Describe the review schedule").fill(schedule_text)
    page.get_by_label("An incident or data breach").check()
    next_review = page.get_by_role("group", name="When is the next review due?")
    day = next_review.get_by_label("Day", exact=True)
    month = next_review.get_by_label("Month", exact=True)
    year = next_review.get_by_label("Year", exact=True)
    day.fill("31")
    month.fill("2")
    year.fill("2018")
    page.get_by_role("button", name="Save and return to the task list").click()

    summary = error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    error_link = summary.get_by_role("link", name=re.compile(r"When is the next review due\?.*real date"))
    expect(error_link).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page).to_have_url(f"{live_server}{DRAFT}/sections/review")
    expect(error_summary_box(page)).to_be_focused()
    expect(next_review).to_have_accessible_description(re.compile("real date"))  # its error message
    assert_accessible(page)

    # Nothing typed was lost.
    expect(page.get_by_label("Another schedule")).to_be_checked()
    expect(page.get_by_label("Describe the review schedule")).to_be_visible()
    expect(page.get_by_label("Describe the review schedule")).to_have_value(schedule_text)
    expect(page.get_by_label("An incident or data breach")).to_be_checked()
    expect(day).to_have_value("31")
    expect(month).to_have_value("2")
    expect(year).to_have_value("2018")

    # The error summary's link takes the user to the date (GOV.UK: the first input, the day). Checked
    # at the end, so that a focus problem does not hide whether the rest of the journey works.
    error_href = error_link.get_attribute("href")
    error_link.click()
    focused_after_link = page.evaluate(
        "() => { const e = document.activeElement; return e ? (e.id || e.tagName.toLowerCase()) : null }")

    day.fill("28")
    month.fill("2")
    year.fill("2019")
    page.get_by_role("button", name="Save and return to the task list").click()

    expect(page).to_have_url(f"{live_server}{DRAFT}")
    expect(success_banner(page)).to_contain_text(f"{title} saved")
    after_status, after_hint = status_and_hint(task(page, title))
    assert (after_status, after_hint) != (before_status, before_hint)
    # The revealed question now applies: one more required answer counted, and all of them given.
    answered, total = required_counts(after_hint)
    assert total == before_total + 1 and answered == total > before_answered
    assert after_status == "Completed"

    assert focused_after_link == "f-review--next_date-day", (
        f"clicking the error summary link (href {error_href!r}) left focus on {focused_after_link!r}, "
        "not on the date's day input")
    assert browser_errors == []


# --- 2. A conditional question shown and hidden by app.mjs ---------------------------------------

def test_follow_up_question_appears_and_disappears_without_a_page_load(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    open_signed_in(page, live_server, f"{DRAFT}/sections/consultation", "author@demo.test")
    views_sought = page.get_by_role(
        "group", name="Will you seek the views of the people affected or their representatives?")
    follow_up = page.get_by_label("Why will you not seek their views?")
    expect(views_sought.get_by_label("Yes", exact=True)).to_be_checked()  # the demo's answer
    expect(follow_up).to_be_hidden()

    page.evaluate("() => { window.__samePage = true }")
    views_sought.get_by_label("No", exact=True).check()
    expect(follow_up).to_be_visible()
    views_sought.get_by_label("Yes", exact=True).check()
    expect(follow_up).to_be_hidden()
    assert page.evaluate("() => window.__samePage") is True, "choosing an answer reloaded the page"
    # Nothing was saved: the section still shows the demo's answer.
    page.reload()
    expect(views_sought.get_by_label("Yes", exact=True)).to_be_checked()
    assert browser_errors == []


# --- 3. Table rows ---------------------------------------------------------------------------------

CATEGORIES_LABEL = "Which kinds of personal data will you process?"


def test_add_a_table_row_then_remove_it(page: Page, live_server: str, browser_errors: list[str]) -> None:
    section = f"{DRAFT}/sections/processing"
    open_signed_in(page, live_server, section, "author@demo.test")
    kind = "Vehicle number plates seen by the cameras"
    table = page.locator('[id="processing.data_categories"]')
    expect(table).not_to_contain_text(kind)

    # "Add a row" belongs to the section form: what was typed above it is saved before the row form opens.
    area = page.get_by_label("What area does the processing cover?")
    area_before = area.input_value()
    typed_area = "Typed just before adding a row: the town centre"
    area.fill(typed_area)
    page.get_by_role("button", name=f"Add a row to {CATEGORIES_LABEL}").click()
    expect(page).to_have_url(f"{live_server}{DRAFT}/tables/processing.data_categories/rows/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a row")
    expect(success_banner(page)).to_contain_text("saved")
    page.get_by_label("Kind of data").fill(kind)
    page.get_by_role("group", name="Special category data").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Criminal offence data").get_by_label("No", exact=True).check()
    page.get_by_label("Description").fill("Number plates in the background of **alert images**.")
    page.get_by_role("button", name="Save row").click()

    expect(page).to_have_url(f"{live_server}{section}#processing.data_categories")
    expect(success_banner(page)).to_contain_text("Row added")
    expect(area).to_have_value(typed_area)
    row = table.locator("tbody tr").filter(has_text=kind)
    expect(row).to_have_count(1)
    expect(row.locator("strong")).to_have_text("alert images")  # the description's Markdown
    ref = row.locator("th").inner_text().strip()

    row.get_by_role("link", name=f"Remove row {ref}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove row {ref}?")
    expect(page.get_by_role("definition").filter(has_text=kind)).to_be_visible()
    page.get_by_role("button", name="Remove row").click()

    expect(page).to_have_url(f"{live_server}{section}#processing.data_categories")
    expect(success_banner(page)).to_contain_text(f"Row {ref} removed")
    expect(table).not_to_contain_text(kind)

    area.fill(area_before)  # leave the demo as it was
    page.get_by_role("button", name="Save and return to the task list").click()
    expect(success_banner(page)).to_contain_text("saved")
    assert browser_errors == []


def test_row_without_its_required_column_is_refused_with_an_error_summary(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    new_row = f"{DRAFT}/tables/processing.data_categories/rows/new"
    open_signed_in(page, live_server, new_row, "author@demo.test")
    description = "Typed before the required column was filled in"
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Save row").click()

    expect(page).to_have_url(f"{live_server}{new_row}")
    summary = error_summary(page)
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_contain_text(re.compile("kind of data", re.IGNORECASE))
    expect(page.get_by_label("Description")).to_have_value(description)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Kind of data")).to_be_focused()
    assert_accessible(page)

    kind = "Staff badge numbers"
    page.get_by_label("Kind of data").fill(kind)
    page.get_by_role("button", name="Save row").click()
    table = page.locator('[id="processing.data_categories"]')
    row = table.locator("tbody tr").filter(has_text=kind)
    expect(row).to_have_count(1)
    ref = row.locator("th").inner_text().strip()
    row.get_by_role("link", name=f"Remove row {ref}").click()  # leave the demo as it was
    page.get_by_role("button", name="Remove row").click()
    expect(table).not_to_contain_text(kind)
    assert browser_errors == []


# --- 4. Markdown preview ------------------------------------------------------------------------------

def test_markdown_preview_renders_formatting_and_never_runs_script(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    section = f"{DRAFT}/sections/need"
    open_signed_in(page, live_server, section, "author@demo.test")
    typed = "**bold** <script>window.__x=1</script>"
    aims = page.get_by_label("What does the project aim to achieve")
    aims.fill(typed)
    page.get_by_role("button", name="Preview Markdown").click()

    question = page.locator('[id="need.aims"]')
    preview = question.locator(".dpia-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator("script")).to_have_count(0)
    expect(preview).not_to_contain_text("window.__x")
    assert page.evaluate("() => window.__x") is None
    expect(aims).to_have_value(typed)  # still in the box, not yet saved
    assert browser_errors == []


# --- 5. Accessibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("email", "path"), [
    pytest.param("author@demo.test", DRAFT, id="task-list"),
    pytest.param("author@demo.test", f"{DRAFT}/sections/lfr-risks", id="section-with-risk-table"),
    pytest.param("author@demo.test", f"{DRAFT}/sections/processing", id="section-with-tables"),
    pytest.param("author@demo.test", f"{DRAFT}/check", id="check-your-answers"),
    pytest.param("author@demo.test", f"{RATED}/check", id="check-your-answers-with-risk-matrices"),
    pytest.param("author@demo.test", f"{DRAFT}/tables/processing.data_categories/rows/new", id="row-form"),
    pytest.param("admin@demo.test", "/admin/questionnaires", id="admin-questionnaires"),
])
def test_page_passes_axe(page: Page, live_server: str, browser_errors: list[str], email: str, path: str) -> None:
    open_signed_in(page, live_server, path, email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


def test_reviewer_sees_the_approved_revision_read_only_and_accessible(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    open_signed_in(page, live_server, APPROVED, "reviewer@demo.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revision 1")
    expect(page.locator("main")).to_contain_text("Approved")
    # Read-only: every section opens its part of the check-your-answers page, never a form.
    links = page.get_by_role("main").locator("a[aria-describedby]")  # the task list's links, with their status
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(f"{APPROVED}/check#") for h in hrefs), hrefs
    assert_accessible(page)
    assert browser_errors == []


# --- 6. Risk matrices -----------------------------------------------------------------------------

def test_check_your_answers_shows_both_risk_matrices_with_a_text_alternative(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    open_signed_in(page, live_server, f"{RATED}/check", "author@demo.test")
    for stage in ("before", "after"):
        expect(page.get_by_role("heading", name=f"{stage.capitalize()} measures").first).to_be_visible()
        matrix = page.locator(f"#risk-matrix-{stage}").first
        svg = matrix.locator("svg")
        expect(svg).to_be_visible()
        expect(svg).to_have_attribute("role", "img")
        expect(svg).to_have_accessible_name(re.compile(rf"^Risk matrix {stage} measures\b"))
        alternative = matrix.locator("table")
        expect(alternative.locator("caption")).to_contain_text(f"Risk matrix {stage} measures")
        expect(alternative.locator("tbody")).to_contain_text(re.compile(r"\bR1\b"))
    assert browser_errors == []


def test_risk_matrix_ids_are_unique_on_check_your_answers(
        page: Page, live_server: str, browser_errors: list[str]) -> None:
    """The macro promises ids unique on the page; the SVGs' aria-labelledby relies on it."""
    open_signed_in(page, live_server, f"{RATED}/check", "author@demo.test")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    duplicates = page.evaluate("""() => {
        const seen = {}
        for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1
        return Object.entries(seen).filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`)
    }""")
    assert duplicates == [], f"duplicate ids on {page.url}: {duplicates}"
    assert browser_errors == []
