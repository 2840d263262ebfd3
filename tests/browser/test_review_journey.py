"""Reviewing and signing off an assessment in a real browser, person by person.

One journey through the review workflow, on an assessment the test starts itself (the live database
is shared by the whole browser session). The author starts it in the browser; the services then write
most of the content (typing a whole live facial recognition assessment would test nothing more), leaving
an answer and a measure out. The author completes it by following the blockers "check your answers"
lists, and submits; the reviewer sends it back with a note; the author answers the comment, resolves it,
fixes an answer and resubmits; the reviewer sends it for sign-off; the DPO advises and cannot decide; an
approver who is not the DPO records their rows and approves with one condition; the condition is on the
team's dashboard until the author marks it done; the author starts revision 2 and adds a retention rule;
the diff and the audit trail show what happened. Each person has their own browser context.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Locator, Page, expect
from sqlalchemy import select

from dpia.accounts.models import User
from dpia.assessments.models import Assessment
from dpia.core.clock import utcnow
from dpia.core.extensions import db
from dpia.demo.live_facial_recognition import STADIUM_REVISION_1
from dpia.demo.services import write_content
from dpia.demo.text import LFR_RISKS
from tests.browser.steps import (
    DEFAULT_TIMEOUT_MS,
    assert_accessible,
    error_summary,
    error_summary_box,
    sign_in_through_form,
    success_banner,
    task,
)

pytestmark = pytest.mark.browser

AUTHOR = "author@demo.test"
REVIEWER = "reviewer@demo.test"
DPO = "dpo@demo.test"
APPROVER = "approver@demo.test"
TEAM = "Live Facial Recognition"
RETENTION_TABLE = "How long will you keep each kind of live facial recognition data?"
DATA_SECTION = "Live facial recognition: data handling"
NEED_SECTION = "Why an assessment is needed"
MEASURES_SECTION = "Measures to reduce risk"
MEASURES_TABLE = "What will you do to reduce or remove each risk?"
CONTROLLER = "Which organisation is the controller?"
FAIR_BALANCE = "Do the benefits of the processing justify its intrusion into people's privacy?"
DECISION = "Alert images are kept for 30 days, then deleted"
CONDITION = "Publish the watchlist criteria on the force's website"
NEW_RULE = "Alert images copied for a complaint"
# The demo's stadium assessment without its fair-balance answer and without the one measure that addresses
# the risk of keeping wrongly matched images too long: what the author completes in the browser.
LEFT_OUT_ANSWER = "necessity.fair_balance"
LEFT_OUT_RISK = (LFR_RISKS, 2)


def write_most_of_it(app: Flask, reference: str) -> None:
    """Write the stadium assessment's content into the new assessment, less one answer and one measure."""
    with app.app_context():
        assessment = db.session.scalar(select(Assessment).where(Assessment.reference == reference))
        author = db.session.scalar(select(User).where(User.email == AUTHOR))
        text = STADIUM_REVISION_1
        content = type(text)(answers={k: v for k, v in text.answers.items() if k != LEFT_OUT_ANSWER},
                             tables=text.tables, ratings=text.ratings,
                             measures=[m for m in text.measures if LEFT_OUT_RISK not in m.risks])
        write_content(assessment.revisions[0], content, by=author, at=utcnow())
        db.session.commit()
        db.session.remove()


def _watch(page: Page, who: str, errors: list[str]) -> None:
    """Collect console errors and uncaught exceptions, as the `page` fixture does for its page."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = (message.location or {}).get("url") or page.url
            # A form shown again with its errors answers 4xx on purpose; Chromium logs that for the page.
            if where == page.url and re.match(r"Failed to load resource: .* status of 4\d\d", message.text):
                return
            errors.append(f"{who}: console error at {where}: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"{who}: page error at {page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)


@pytest.fixture()
def other_errors() -> list[str]:
    """Console errors and uncaught page errors seen by the pages `open_as` opens."""
    return []


@pytest.fixture()
def open_as(browser: Browser, live_server: str, other_errors: list[str]) -> Iterator[Callable[[str], Page]]:
    """Open a separate browser context (its own cookies) for one more person, signed in through the form."""
    contexts: list[BrowserContext] = []

    def open_page(email: str) -> Page:
        context = browser.new_context(base_url=live_server)
        contexts.append(context)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.new_page()
        _watch(page, email, other_errors)
        page.goto("/sign-in")
        sign_in_through_form(page, email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def state_tag(page: Page) -> Locator:
    """The revision's state, shown in bold (a tag) under the task list's heading."""
    return page.locator("main h1 + p > strong")


def check_group_is_named(page: Page, name: str, problems: list[str]) -> None:
    """A set of radios or checkboxes needs its question as the fieldset's legend, for everyone to read."""
    if page.get_by_role("group", name=name, exact=True).count() == 0:
        legends = page.locator("main legend").all_inner_texts()
        problems.append(f"{page.url}: the question {name!r} is not shown: no fieldset has it as its legend "
                        f"(legends on the page: {[t.strip() for t in legends]})")


def summary_row(scope: Locator, key: str) -> Locator:
    """The row of a summary list (a `dl` of terms and their definitions) in `scope` whose term contains `key`."""
    return scope.locator("dl > div").filter(has=scope.page.get_by_role("term").filter(has_text=key))


def block_opening_with(scope: Page | Locator, text: str | re.Pattern[str]) -> Locator:
    """The block (an inset) whose first paragraph holds `text`: that paragraph's parent."""
    return scope.get_by_text(text).locator("xpath=..")


def test_complete_review_advise_approve_with_a_condition_and_revise(
        page: Page, live_server: str, live_app: Flask, browser_errors: list[str], open_as: Callable[[str], Page],
        other_errors: list[str]) -> None:
    # Problems that do not stop the journey are collected here and asserted at the end, so that one of
    # them does not hide whether the rest of the journey works.
    deferred: list[str] = []
    author = page
    title = f"Alert image retention review {uuid.uuid4().hex[:8]}"

    # --- 1. The author starts an assessment, completes what the blockers list, and submits -------------
    author.goto("/sign-in")
    sign_in_through_form(author, AUTHOR)
    author.get_by_role("link", name="Start an assessment").click()
    expect(author).to_have_url(f"{live_server}/assessments/new")
    author.get_by_label("Project title").fill(title)
    author.get_by_role("radio", name=TEAM, exact=True).check()
    author.get_by_role("radio", name="DPA 2018 Part 3 (law enforcement)", exact=True).check()
    expect(author.get_by_role("radio", name="Data Protection Act 1998")).to_have_count(0)  # no longer in force
    author.get_by_role("checkbox", name="Live facial recognition", exact=True).check()
    for question in ("Team", "Which law applies?", "Extra questions"):
        check_group_is_named(author, question, deferred)
    author.get_by_role("button", name="Start the assessment").click()

    expect(author).to_have_url(re.compile(re.escape(live_server) + r"/assessments/DPIA-\d{4}-\d{3}/revisions/1$"))
    ref = re.search(r"/assessments/([^/]+)/revisions/1$", author.url).group(1)
    rev1 = f"/assessments/{ref}/revisions/1"
    rev2 = f"/assessments/{ref}/revisions/2"
    expect(success_banner(author)).to_contain_text(f"{ref} started")
    expect(state_tag(author)).to_have_text("Draft")

    # Submitting an empty assessment is refused, with everything that stops it listed.
    author.get_by_role("link", name="Submit for review").click()
    expect(author).to_have_url(f"{live_server}{rev1}/submit")
    expect(author.locator("#blockers")).to_contain_text(re.compile(r"Before you can submit it, \d+ things need"))
    expect(author.get_by_role("button", name="Submit for review")).to_have_count(0)

    write_most_of_it(live_app, ref)
    author.goto(f"{rev1}/check")
    blockers = author.locator("#blockers")
    expect(blockers).to_contain_text("2 things stop this revision being submitted, sent for sign-off or approved")
    assert_accessible(author)
    blockers.get_by_role("link", name=f"Necessity and proportionality: answer “{FAIR_BALANCE}”").click()
    expect(author).to_have_url(f"{live_server}{rev1}/sections/necessity#{LEFT_OUT_ANSWER}")
    author.get_by_label(FAIR_BALANCE).fill("The brief, announced scan of passers-by is outweighed by finding "
                                          "people wanted for violent offences, and nothing is kept of them.")
    author.get_by_role("button", name="Save and return to the task list").click()
    expect(success_banner(author)).to_contain_text("Necessity and proportionality saved")

    author.goto(f"{rev1}/check")
    measure_link = blockers.get_by_role("link", name=re.compile(r"^Risk R\d+ is High: add a measure that addresses"))
    expect(measure_link).to_have_count(1)
    risk_ref = re.match(r"Risk (R\d+)", measure_link.inner_text()).group(1)
    measure_link.click()
    expect(author).to_have_url(f"{live_server}{rev1}/sections/measures#measures.register")
    author.get_by_role("button", name=f"Add a row to {MEASURES_TABLE}").click()
    risks = author.get_by_role("group", name="Risks it addresses")
    risks.get_by_role("checkbox", name=re.compile(rf"^{risk_ref}: ")).check()
    author.get_by_label("Measure", exact=True).fill("Alert images are deleted automatically after 30 days.")
    author.get_by_role("group", name="Effect on the risk").get_by_role("radio", name="Reduced").check()
    author.get_by_role("button", name="Save row").click()
    expect(success_banner(author)).to_contain_text("Row added")

    author.goto(f"{rev1}/check")
    expect(author.locator("#blockers")).to_have_count(0)
    author.goto(rev1)
    task(author, NEED_SECTION).get_by_role("link", name=NEED_SECTION, exact=True).click()
    author.get_by_label(CONTROLLER).fill("Demonstration Constabulary")
    author.get_by_role("button", name="Save and return to the task list").click()
    expect(author).to_have_url(f"{live_server}{rev1}")
    expect(success_banner(author)).to_contain_text(f"{NEED_SECTION} saved")

    author.get_by_role("link", name="Submit for review").click()
    expect(author).to_have_url(f"{live_server}{rev1}/submit")
    expect(author.get_by_role("heading", level=1)).to_have_text("Submit revision 1 for review")
    expect(author.locator("main")).not_to_contain_text("not resolved yet")
    author.get_by_role("button", name="Submit for review").click()
    expect(author).to_have_url(f"{live_server}{rev1}")
    expect(success_banner(author)).to_contain_text("Revision 1 submitted for review")
    expect(state_tag(author)).to_have_text("Submitted for review")
    expect(author.get_by_role("link", name="Submit for review")).to_have_count(0)

    # --- 2. The reviewer finds it on the dashboard and sends it back with a note ------------------------
    reviewer = open_as(REVIEWER)
    waiting = reviewer.locator("li").filter(has=reviewer.get_by_role("link", name=f"{ref} revision 1", exact=True))
    expect(waiting).to_contain_text("Submitted for review")
    waiting.get_by_role("link", name=f"{ref} revision 1", exact=True).click()
    expect(reviewer).to_have_url(f"{live_server}{rev1}")
    reviewer.get_by_role("link", name="Request changes").click()
    expect(reviewer).to_have_url(f"{live_server}{rev1}/request-changes")

    reviewer.get_by_role("button", name="Send back to the team").click()
    expect(error_summary(reviewer)).to_contain_text("There is a problem")
    expect(error_summary(reviewer).get_by_role("link", name="Say what needs to change")).to_be_visible()
    expect(reviewer).to_have_title(re.compile(r"^Error: "))
    expect(reviewer).to_have_url(f"{live_server}{rev1}/request-changes")
    expect(error_summary_box(reviewer)).to_be_focused()
    assert_accessible(reviewer)
    error_summary(reviewer).get_by_role("link", name="Say what needs to change").click()
    expect(reviewer.get_by_label("What needs to change?")).to_be_focused()

    note = "Name the controller in full, as it appears on the ICO register."
    reviewer.get_by_label("What needs to change?").fill(note)
    reviewer.get_by_role("button", name="Send back to the team").click()
    expect(reviewer).to_have_url(f"{live_server}{rev1}")
    expect(success_banner(reviewer)).to_contain_text("Changes requested on revision 1")
    expect(state_tag(reviewer)).to_have_text("Changes requested")
    expect(reviewer.locator("main")).to_contain_text("1 unresolved")
    reviewer.get_by_role("link", name="Comments", exact=True).click()
    reviewer_thread = reviewer.locator(".dpia-thread").filter(has_text=note)
    expect(reviewer_thread).to_have_count(1)
    expect(reviewer_thread).to_contain_text("Riley Reviewer")

    # --- 3. The author answers the comment, resolves it, fixes the answer and resubmits -----------------
    author.goto("/")
    comments_queue = author.locator("li").filter(has=author.get_by_role("link", name=f"{ref} revision 1", exact=True))
    expect(author.get_by_role("heading", name="Unresolved comments on your team's assessments")).to_be_visible()
    comments_queue.get_by_role("link", name="1 unresolved comment", exact=True).click()
    expect(author).to_have_url(f"{live_server}{rev1}/comments")
    expect(author.locator("main")).to_contain_text("1 unresolved, 0 resolved.")
    thread = author.locator(".dpia-thread").filter(has_text=note)
    expect(thread).to_contain_text("Riley Reviewer")
    expect(thread.get_by_role("heading").get_by_role("strong")).to_have_text("Open")  # the thread's status tag

    reply = "Done: the controller is now named in full."
    thread.locator("summary").filter(has_text="Reply").click()
    thread.get_by_label("Your reply").fill(reply)
    thread.get_by_role("button", name="Reply", exact=True).click()
    expect(success_banner(author)).to_contain_text("Comment added")
    expect(thread.locator(".dpia-thread__reply")).to_contain_text(reply)
    expect(thread.locator(".dpia-thread__reply")).to_contain_text("Alex Author")
    expect(author.locator("main")).to_contain_text("1 unresolved, 0 resolved.")  # a reply resolves nothing

    # While it is open, the submit page warns about it (so the check after resolving means something).
    author.goto(f"{rev1}/submit")
    expect(author.get_by_role("strong").filter(has_text="not resolved yet")).to_contain_text(
        re.compile(r"Warning\s*1 comment is not resolved yet"))  # a warning, announced as one
    author.goto(f"{rev1}/comments")

    thread.get_by_role("button", name=re.compile(r"^Mark comment \d+ as resolved$")).click()
    expect(success_banner(author)).to_contain_text("Comment resolved")
    expect(author.locator("main")).to_contain_text("0 unresolved, 1 resolved.")
    expect(thread.get_by_role("heading").get_by_role("strong")).to_have_text("Resolved")
    expect(thread).to_contain_text("Resolved by Alex Author")

    author.goto(f"{rev1}/sections/need")
    controller = author.get_by_label(CONTROLLER)
    expect(controller).to_have_value("Demonstration Constabulary")
    controller.fill("Chief Constable of the Demonstration Constabulary")
    author.get_by_role("button", name="Save and return to the task list").click()
    expect(author).to_have_url(f"{live_server}{rev1}")
    expect(success_banner(author)).to_contain_text(f"{NEED_SECTION} saved")
    expect(author.locator("main")).not_to_contain_text("unresolved")

    author.get_by_role("link", name="Submit for review").click()
    expect(author).to_have_url(f"{live_server}{rev1}/submit")
    expect(author.locator("main")).not_to_contain_text("not resolved yet")
    expect(author.get_by_role("link", name="Read the comments")).to_have_count(0)
    author.get_by_role("button", name="Submit for review").click()
    expect(success_banner(author)).to_contain_text("Revision 1 submitted for review")
    expect(state_tag(author)).to_have_text("Submitted for review")

    # --- 4. The reviewer sends it for sign-off ---------------------------------------------------------
    reviewer.goto(rev1)
    expect(state_tag(reviewer)).to_have_text("Submitted for review")
    reviewer.get_by_role("button", name="Send for sign-off").click()
    expect(reviewer).to_have_url(f"{live_server}{rev1}")
    expect(state_tag(reviewer)).to_have_text("Awaiting sign-off")
    expect(reviewer.get_by_role("button", name="Send for sign-off")).to_have_count(0)

    # Segregation of duties: the author's team owns it, so nothing on the sign-off page is theirs to do.
    author.goto(rev1)
    expect(state_tag(author)).to_have_text("Awaiting sign-off")
    author.get_by_role("link", name="Sign-off", exact=True).click()
    expect(author).to_have_url(f"{live_server}{rev1}/sign-off")
    expect(author.get_by_role("heading", level=1)).to_have_text("Sign-off")
    sign_off_rows = author.locator("main dl.govuk-summary-list")
    expect(sign_off_rows.get_by_role("link", name=re.compile(r"^(Record|Sign again)\b"))).to_have_count(0)
    expect(author.get_by_role("heading", name="Decision")).to_have_count(0)
    author.goto(f"{rev1}/sign-off?kind=dpo_advice")  # asking for the form directly shows none either
    expect(author.locator("#record")).to_have_count(0)
    expect(author.get_by_role("button", name="Sign", exact=True)).to_have_count(0)

    # The reviewer may record some rows, but not the DPO's advice, and does not decide.
    reviewer.get_by_role("link", name="Sign-off", exact=True).click()
    expect(reviewer.get_by_role("link", name="Record This assessment will be kept under review by")).to_be_visible()
    expect(reviewer.get_by_role("link", name="Record DPO advice provided")).to_have_count(0)
    expect(reviewer.get_by_role("heading", name="Decision")).to_have_count(0)

    # --- 5. The DPO advises, and cannot decide ---------------------------------------------------------
    dpo = open_as(DPO)
    advice_queue = dpo.get_by_role("heading", name="Awaiting your advice").locator("xpath=following-sibling::ul[1]")
    expect(advice_queue.get_by_role("link", name=f"{ref} revision 1", exact=True)).to_be_visible()
    advice_queue.locator("li").filter(has_text=ref).get_by_role("link", name="record the DPO's advice").click()
    expect(dpo).to_have_url(f"{live_server}{rev1}/sign-off")
    expect(dpo.get_by_role("heading", name="Decision")).to_have_count(0)  # the DPO advises; the approver decides
    blockers = block_opening_with(dpo, "Before this revision can be approved")
    expect(blockers).to_contain_text("Record the DPO's advice (UK GDPR Art. 35(2))")
    expect(blockers).to_contain_text("Record “Measures approved by”")
    assert_accessible(dpo)

    dpo.get_by_role("link", name="Record DPO advice provided").click()
    expect(dpo).to_have_url(f"{live_server}{rev1}/sign-off?kind=dpo_advice#record")
    expect(dpo.get_by_role("heading", name="Record: DPO advice provided")).to_be_visible()
    dpo.get_by_label("Your position").fill("Data Protection Officer")
    dpo.get_by_role("radio", name="Proceed with conditions", exact=True).check()
    check_group_is_named(dpo, "The DPO's recommendation", deferred)
    dpo.get_by_role("button", name="Sign", exact=True).click()  # without the summary
    expect(error_summary(dpo).get_by_role("link", name="Summarise the DPO's advice")).to_be_visible()
    expect(dpo.get_by_label("Your position")).to_have_value("Data Protection Officer")  # nothing typed is lost
    expect(dpo.get_by_role("radio", name="Proceed with conditions", exact=True)).to_be_checked()
    dpo.get_by_label("Summary of the DPO's advice").fill("Proceed, once the watchlist criteria are published.")
    dpo.get_by_role("button", name="Sign", exact=True).click()
    expect(dpo).to_have_url(f"{live_server}{rev1}/sign-off")
    expect(success_banner(dpo)).to_contain_text("“DPO advice provided” recorded")
    advice_row = summary_row(dpo.get_by_role("main"), "DPO advice provided")
    expect(advice_row).to_contain_text("Dana Protection")
    expect(advice_row).to_contain_text("Recommendation: Proceed with conditions")
    expect(advice_row.get_by_text("Current", exact=True)).to_be_visible()  # its tag
    expect(blockers).not_to_contain_text("Record the DPO's advice")

    dpo.get_by_role("link", name="Record This assessment will be kept under review by").click()
    dpo.get_by_label("Your position").fill("Data Protection Officer")
    review_date = dpo.get_by_role("group", name="Next review date")
    review_date.get_by_label("Day").fill("30")
    review_date.get_by_label("Month").fill("4")
    review_date.get_by_label("Year").fill("2027")
    dpo.get_by_role("button", name="Sign", exact=True).click()
    expect(success_banner(dpo)).to_contain_text("“This assessment will be kept under review by” recorded")
    expect(summary_row(dpo.get_by_role("main"), "kept under review by")).to_contain_text("Next review: 30 April 2027")

    # --- 6. An approver who is not the DPO records their rows and approves with one condition -----------
    approver = open_as(APPROVER)
    decision_queue = approver.get_by_role("heading", name="Awaiting your decision").locator(
        "xpath=following-sibling::ul[1]")
    decision_queue.locator("li").filter(has_text=ref).get_by_role("link", name="decide on it").click()
    expect(approver).to_have_url(f"{live_server}{rev1}/sign-off")
    for kind, fields in (("Measures approved by", {}), ("Residual risks approved by", {}),
                         ("DPO advice accepted or overruled by", {"radio": "Accepted"}),
                         ("Consultation responses reviewed by", {"radio": "No"})):
        approver.get_by_role("link", name=f"Record {kind}").click()
        expect(approver.get_by_role("heading", name=f"Record: {kind}")).to_be_visible()
        approver.get_by_label("Your position").fill("Assistant Chief Constable")
        if "radio" in fields:
            approver.locator("#record").get_by_role("radio", name=fields["radio"], exact=True).check()
        approver.get_by_role("button", name="Sign", exact=True).click()
        expect(success_banner(approver)).to_contain_text(f"“{kind}” recorded")
    expect(block_opening_with(approver, "Before this revision can be approved")).to_have_count(0)
    expect(approver.get_by_role("heading", name="Decision")).to_be_visible()

    record_decision = approver.get_by_role("button", name="Record the decision on revision 1")
    approver.get_by_role("radio", name="Approve with conditions", exact=True).check()
    record_decision.click()  # no condition given yet
    expect(error_summary(approver)).to_contain_text("Give at least one condition, or choose “Approve”")
    expect(approver.get_by_role("radio", name="Approve with conditions", exact=True)).to_be_checked()
    assert_accessible(approver)
    first = approver.get_by_role("group", name="Condition 1")
    first.get_by_label("What must be done").fill(CONDITION)
    first.get_by_label("Who owns it").fill("Head of the LFR project")
    due = first.get_by_role("group", name="Due by")
    due.get_by_label("Day", exact=True).fill("30")
    due.get_by_label("Month", exact=True).fill("6")
    due.get_by_label("Year", exact=True).fill("2099")
    record_decision.click()
    expect(approver).to_have_url(f"{live_server}{rev1}")
    expect(success_banner(approver)).to_contain_text("Revision 1 approved with 1 condition")
    expect(state_tag(approver)).to_have_text("Approved")

    # --- 7. The condition stays on the team's dashboard until the author marks it done -----------------
    author.goto("/")
    open_conditions = author.get_by_role("heading", name="Conditions of approval still open").locator(
        "xpath=following-sibling::ul[1]")
    expect(open_conditions).to_contain_text(CONDITION)
    expect(open_conditions).to_contain_text(f"{ref} revision 1")
    assert_accessible(author)
    author.goto(rev1)
    author.get_by_role("button", name=re.compile(r"^Mark\s+condition 1\s+as done$")).click()
    expect(success_banner(author)).to_contain_text("Condition marked as done")
    author.goto("/")
    expect(author.get_by_role("main")).not_to_contain_text(CONDITION)

    # --- 8. The author starts revision 2 with the decision behind it and adds a retention rule --------
    author.goto(rev1)
    expect(state_tag(author)).to_have_text("Approved")
    author.get_by_role("link", name="Start a new revision").click()
    expect(author).to_have_url(f"{live_server}/assessments/{ref}/revisions/new")
    expect(author.get_by_role("heading", level=1)).to_have_text("Start revision 2")
    author.get_by_role("button", name="Start revision 2").click()
    summary = error_summary(author)
    expect(summary).to_contain_text("There is a problem")
    for message in ("Explain why the assessment is being revised",
                    "Describe the decision that led to this revision",
                    "Enter the date of the decision as day, month and year",
                    "Enter who made the decision",
                    "Enter where the decision was made"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(author).to_have_title(re.compile(r"^Error: "))
    expect(author).to_have_url(f"{live_server}/assessments/{ref}/revisions/new")
    expect(error_summary_box(author)).to_be_focused()
    summary.get_by_role("link", name="Enter the date of the decision as day, month and year").click()
    expect(author.get_by_role("group", name="Date of the decision").get_by_label("Day", exact=True)).to_be_focused()

    author.get_by_label("Why is the assessment being revised?").fill(
        "The force has decided how long alert images are kept.")
    author.get_by_label("Decision", exact=True).fill(DECISION)
    decided_on = author.get_by_role("group", name="Date of the decision")
    decided_on.get_by_label("Day", exact=True).fill("15")
    decided_on.get_by_label("Month", exact=True).fill("4")
    decided_on.get_by_label("Year", exact=True).fill("2026")
    author.get_by_label("Made by").fill("Assistant Chief Constable")
    author.get_by_label("Where it was made").fill("The live facial recognition project board")
    author.get_by_role("button", name="Start revision 2").click()

    expect(author).to_have_url(f"{live_server}{rev2}")
    expect(success_banner(author)).to_contain_text("Revision 2 started from revision 1")
    expect(author.get_by_role("heading", level=1)).to_have_text("Revision 2")
    expect(state_tag(author)).to_have_text("Draft")
    decision_text = block_opening_with(author.get_by_role("main"), re.compile(r"^Started from revision 1\."))
    expect(decision_text).to_contain_text(
        f"Decision of 15 April 2026 (Assistant Chief Constable, The live facial recognition project board): "
        f"{DECISION}")

    task(author, DATA_SECTION).get_by_role("link", name=DATA_SECTION, exact=True).click()
    expect(author).to_have_url(f"{live_server}{rev2}/sections/lfr-data")
    author.get_by_role("button", name=f"Add a row to {RETENTION_TABLE}").click()
    expect(author).to_have_url(f"{live_server}{rev2}/tables/lfr.retention/rows/new")
    author.get_by_label("Data", exact=True).fill(NEW_RULE)
    author.get_by_label("Kept for").fill("30")
    author.get_by_role("group", name="Counted from").get_by_label("When an alert is raised", exact=True).check()
    author.get_by_label("Why this period").fill(
        "Long enough to deal with complaints about an alert and to check how the system performed.")
    author.get_by_role("group", name="How it is deleted").get_by_label("Automatic", exact=True).check()
    author.get_by_role("button", name="Save row").click()
    expect(author).to_have_url(f"{live_server}{rev2}/sections/lfr-data#lfr.retention")
    expect(success_banner(author)).to_contain_text("Row added")
    new_row = author.locator('[id="lfr.retention"] tbody tr').filter(has_text=NEW_RULE)
    expect(new_row).to_have_count(1)
    expect(new_row).to_contain_text("30 days")
    expect(new_row).to_contain_text("When an alert is raised")

    # --- 9. The diff shows the rule as added --------------------------------------------------------------
    author.goto(f"/assessments/{ref}/diff?from=1&to=2")
    expect(author.get_by_role("heading", level=1)).to_have_text("Changes from revision 1 to revision 2")
    data_section = author.locator(".dpia-diff__section").filter(has=author.locator("#section-lfr-data"))
    expect(data_section.locator(".dpia-diff__summary")).to_have_text("Retention rules: 1 added")
    retention_diff = author.locator('[id="diff-lfr.retention"]')
    expect(retention_diff.get_by_role("heading", level=3)).to_contain_text(RETENTION_TABLE)
    expect(retention_diff).to_contain_text("Retention rules: 1 added; 5 unchanged")
    added_heading = retention_diff.get_by_role("heading", level=4, name=re.compile(rf"^Row \S+ added: {NEW_RULE}$"))
    expect(added_heading).to_be_visible()
    kept_for = summary_row(retention_diff, "Kept for")
    # Marked as inserted, with the words screen readers announce ("added: ").
    expect(kept_for.get_by_role("definition").locator("ins.dpia-diff-ins")).to_have_text("added: 30 days")
    # Nothing else changed between the revisions.
    expect(author.locator(".dpia-diff__summary").filter(has_text=re.compile(r"^(?!No changes$)"))).to_have_count(1)
    assert_accessible(author)

    # --- 10. The audit trail lists the transitions, newest first -----------------------------------------
    author.goto(f"/assessments/{ref}/audit")
    expect(author.get_by_role("heading", level=1)).to_have_text("Audit trail")
    actions = author.locator("#audit-events tbody tr td:nth-child(3)").all_inner_texts()
    transitions = [a.strip() for a in actions if a.strip().startswith("revision.")]
    assert transitions == ["revision.start", "revision.approve", "revision.send_for_sign_off", "revision.submit",
                           "revision.request_changes", "revision.submit"], actions
    assert actions[-1].strip() == "assessment.create", actions
    approve = author.locator("#audit-events tbody tr").filter(has_text="revision.approve")
    expect(approve).to_contain_text("Morgan Approver")
    expect(approve).to_contain_text("to: approved")
    assert_accessible(author)

    assert browser_errors == []
    assert other_errors == []
    assert deferred == [], "\n".join(deferred)
