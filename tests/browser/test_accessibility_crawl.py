"""An accessibility crawl: for each kind of visitor, follow the links they can see, breadth first, and
check every kind of page they reach with axe-core, its HTTP status and the browser console.

Each person gets one browser context (signed in once, through the form). Links are followed only if
they stay on the live server and are plain pages: PDFs, JSON, the Atom feed, static files, sign-out
and links to another part of the same page are skipped. URLs that differ only in ids (references,
revision numbers, table keys, row ids) and query values are one pattern, and only the first example
of each pattern is visited, up to MAX_PATTERNS patterns per person. Pages the crawl
might not reach by itself (a form shown with its errors, a sign-off form, the FOI s.22 evidence,
publication previews, a register search) are visited explicitly, first.

Every page is also checked at 1280 and 320 pixels wide for sideways scrolling (wide tables scroll
inside their own container instead), and the HTML each page was served with is checked, once for the
whole crawl, by the W3C Nu HTML checker: no errors allowed.

Problems are collected, not raised at once, so the failure lists every URL and everything wrong
with it. The crawl changes nothing: it only follows GET links, and its one POST is a section form
with an invalid web address, which the app refuses (400) without saving.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.html_checker import HtmlPages
from tests.browser.steps import assert_accessible, error_summary, sign_in_through_form

pytestmark = pytest.mark.browser

MAX_PATTERNS = 40
DEMO = "DPIA-2017-004"  # revision 1 approved with conditions, revision 2 awaiting the approver
DRAFT = "DPIA-2018-011"  # revision 1 is a draft the author's team can edit
ADVICE = "DPIA-2018-014"  # sent for sign-off, waiting for the DPO's advice
PUBLISHED = "DPIA-2019-002"  # approved and published, one answer withheld
SKIPPED_SUFFIXES = (".pdf", ".json", ".atom", ".csv", ".docx")  # downloads, not pages
SKIPPED_PREFIXES = ("/static/", "/sign-out")
# Path segments that name one record among many: the segment after these words is an id. Section keys
# are not: each section is its own form, with its own kinds of question.
ID_AFTER = frozenset({"assessments", "register", "revisions", "tables", "rows", "questionnaires",
                      "decisions", "redactions", "comments"})
# Any segment with a digit in it is an id too (references, revision numbers, row uids).
HAS_DIGIT = re.compile(r"\d")
FIXED_SEGMENTS = frozenset({"new", "upcoming", "upload", "s22", "retention"})  # words in a route, not ids

NEED_SECTION = f"/assessments/{DRAFT}/revisions/1/sections/need"
WIDTHS = (1280, 320)  # a desktop, and the narrowest phone WCAG 1.4.10 (reflow) asks for
HEIGHT = 720


@dataclass(frozen=True)
class Person:
    email: str | None
    start: tuple[str, ...]
    explicit: tuple[str, ...] = ()
    error_summary_post: bool = False


PEOPLE = {
    "anonymous": Person(None, ("/register", "/register/upcoming"),
                        explicit=("/register?q=video", f"/register/{PUBLISHED}/1", "/register/retention",
                                  "/register/retention?period=up-to-31-days")),
    # The draft first, so that the author's crawl reaches its sections and table rows.
    "author": Person("author@demo.test", ("/",), explicit=(
        f"/assessments/{DRAFT}/revisions/1",
        f"/assessments/{DRAFT}/revisions/1.pdf",  # "being prepared": no worker runs beside the crawl
        f"/assessments/{DRAFT}/revisions/1.docx",  # the Word file's "being prepared" page
        f"/assessments/{DEMO}/diff?from=1&to=2",
        f"/assessments/{DEMO}/audit",
        "/registers/retention",
        "/registers/access",
    ), error_summary_post=True),
    "reviewer": Person("reviewer@demo.test", ("/",), explicit=(
        f"/assessments/{DEMO}/revisions/2",  # awaiting sign-off: request changes, record sign-offs
        f"/assessments/{DEMO}/revisions/2/sign-off",
        f"/assessments/{DEMO}/revisions/1",  # approved and read-only
        f"/assessments/{DEMO}/revisions/1/sign-off",  # the full sign-off record
        f"/assessments/{DEMO}/revisions/2/check",  # every answer, and the deployment record with its totals
        f"/assessments/{DEMO}/diff?from=1&to=2",
        f"/assessments/{DEMO}/audit",
    )),
    "dpo": Person("dpo@demo.test", ("/",), explicit=(
        f"/assessments/{ADVICE}/revisions/1/sign-off?kind=dpo_advice",
        f"/assessments/{DEMO}/diff?from=1&to=2",
        f"/assessments/{DEMO}/audit",
        f"/assessments/{DEMO}/foi/s22?received=15&received=3&received=2018&time=10:00",
        f"/assessments/{DEMO}/revisions/1/publication",
        f"/assessments/{DEMO}/revisions/1/publication/preview",
        f"/assessments/{DEMO}/revisions/2/publication",
        f"/assessments/{DEMO}/revisions/2/publication/preview",
        f"/assessments/{PUBLISHED}/revisions/1/publication",
        "/register?q=video",
        f"/register/{PUBLISHED}/1",
        "/registers/retention?period=up-to-1-year&approved_only=y",
        "/registers/access?category=images&state=approved",
    )),
    # The FOI officer's queue leads to the demo request, its items, its s.22 evidence and its letter.
    "foi": Person("foi@demo.test", ("/",), explicit=(
        f"/assessments/{DEMO}/foi",
        f"/assessments/{DEMO}/foi/s22",
        f"/assessments/{DEMO}/foi/s22?received=15&received=3&received=2018&time=10:00",
    )),
    # The decision form, its sign-off rows, and the conditions the approver gave.
    "approver": Person("approver@demo.test", ("/",), explicit=(
        f"/assessments/{DEMO}/revisions/2/sign-off",
        f"/assessments/{DEMO}/revisions/2/sign-off?kind=advice_decision",
        f"/assessments/{DEMO}/revisions/1",
    )),
    "admin": Person("admin@demo.test", ("/",), explicit=(
        "/admin/questionnaires",
        "/admin/users",
        "/admin/users/invite",
        "/admin/teams",
        "/account",
        "/account/password",
        "/account/sessions",
        "/account/two-factor",
    )),
}


def pattern(url: str) -> str:
    """The URL with its ids and query values left out: `/assessments/<id>/revisions/<id>?from&to`."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    collapsed = []
    for index, segment in enumerate(segments):
        after = segments[index - 1] if index else ""
        is_id = segment and segment not in FIXED_SEGMENTS and (after in ID_AFTER or HAS_DIGIT.search(segment))
        collapsed.append("<id>" if is_id else segment)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(collapsed) + (f"?{'&'.join(keys)}" if keys else "")


def without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def worth_following(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    return not (parts.path.endswith(SKIPPED_SUFFIXES) or parts.path.startswith(SKIPPED_PREFIXES))


@dataclass
class Crawl:
    origin: str
    page: Page
    browser_errors: list[str]
    visited: dict[str, str] = field(default_factory=dict)  # pattern -> the first URL visited for it
    pages: list[str] = field(default_factory=list)  # every URL visited, in order
    found_on: dict[str, str] = field(default_factory=dict)  # URL -> the first page linking to it
    problems: dict[str, list[str]] = field(default_factory=dict)  # URL -> what is wrong there
    html: HtmlPages | None = None  # where served pages are kept for the Nu HTML checker

    def problem(self, url: str, text: str) -> None:
        self.problems.setdefault(url, []).append(text)

    def check_page(self, url: str) -> None:
        """axe-core, the console and sideways scrolling, for the page as it is now."""
        try:
            assert_accessible(self.page)
        except AssertionError as error:
            self.problem(url, str(error).split("\nassert ")[0])
        self.check_widths(url)
        self.collect_browser_errors(url)

    def check_widths(self, url: str) -> None:
        """The page fits the window at each of WIDTHS: nothing makes the whole page scroll sideways."""
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": HEIGHT})
            scroll, inner, widest = self.page.evaluate("""() => {
                const limit = window.innerWidth;
                const past = e => e.getBoundingClientRect().right > limit + 1;
                const scrolled = e => {  // inside a box that scrolls by itself, like .dpia-table-scroll
                    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                        if (getComputedStyle(a).overflowX !== 'visible') return true;
                    }
                    return false;
                };
                const culprit = e => past(e) && !scrolled(e) && !(e.parentElement && past(e.parentElement)
                                                                   && e.parentElement !== document.body);
                const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '');
                const wide = [...document.body.querySelectorAll('*')].filter(culprit).map(name);
                return [document.documentElement.scrollWidth, limit, wide.slice(0, 3)];
            }""")
            if scroll > inner:
                self.problem(url, f"scrolls sideways at {width} px: the page is {scroll} px wide "
                                  f"(first elements past the edge: {', '.join(widest) or 'none found'})")
        self.page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})

    def keep_html(self, where: str, response: Response | None) -> None:
        """Keep the HTML the server sent for the Nu HTML checker (not the DOM after scripts ran)."""
        if self.html is None or response is None:
            return
        if "text/html" in (response.headers.get("content-type") or ""):
            self.html.add(where, response.body())

    def check_html(self) -> None:
        """One run of the Nu HTML checker over every page kept: each error is a problem of its page."""
        if self.html is None:
            return
        for where, errors in self.html.errors().items():
            for error in errors:
                self.problem(where, error)

    def collect_browser_errors(self, url: str) -> None:
        for error in self.browser_errors:
            self.problem(url, error)
        self.browser_errors.clear()

    def visit(self, url: str) -> list[str]:
        """Open `url`, check it, and return the same-origin links on it worth following."""
        self.visited.setdefault(pattern(url), url)
        self.pages.append(url)
        try:
            response = self.page.goto(url)
        except Exception as error:  # noqa: BLE001 - a page that does not load is a problem to report
            self.problem(url, f"did not load: {error}")
            self.collect_browser_errors(url)
            return []
        status = response.status if response else None
        if status is None or status >= 400:
            linked = f" (linked from {self.found_on[url]})" if url in self.found_on else ""
            self.problem(url, f"HTTP status {status}{linked}")
        self.keep_html(url, response)
        final = without_fragment(self.page.url)
        if final != url:
            self.visited.setdefault(pattern(final), final)
            if urlsplit(final).path == "/sign-in":  # a public page linking to a private one, or a lost session
                self.problem(url, f"redirected to {final.removeprefix(self.origin)}")
        self.check_page(url)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        links = []
        for href in hrefs:
            target = without_fragment(href)
            if target in (url, final) or not worth_following(target, self.origin):
                continue
            self.found_on.setdefault(target, url)
            links.append(target)
        return links

    def run(self, start: tuple[str, ...], explicit: tuple[str, ...]) -> None:
        queue = deque(self.origin + path for path in (*explicit, *start))
        must_visit = {self.origin + path for path in explicit}
        while queue:
            url = queue.popleft()
            key = pattern(url)
            if url not in must_visit and (key in self.visited or len(self.visited) >= MAX_PATTERNS):
                continue
            must_visit.discard(url)
            queue.extend(self.visit(url))


def post_with_an_error_summary(crawl: Crawl) -> str:
    """Save the draft's "need" section with an invalid web address: refused with 400, nothing saved.

    An empty required answer is not an error here (a section may be saved unfinished), so the
    project brief's link, which must be a web address, is what makes validation fail.
    """
    page, url = crawl.page, crawl.origin + NEED_SECTION
    crawl.visit(url)
    page.get_by_label("Link to the project brief").fill("not a web address")
    # Wait for the answer page to load (not just its response), so that axe checks it, not the form before.
    with page.expect_navigation(wait_until="load") as posted:
        page.get_by_role("button", name="Save and return to the task list").click()
    response = posted.value
    where = f"POST {url}"
    status = response.status if response else None
    if response is None or response.request.method != "POST":
        crawl.problem(where, "the form was not posted")
    if status != 400:
        crawl.problem(where, f"HTTP status {status}, expected 400 (the invalid web address should be refused)")
    if not error_summary(page).is_visible():
        crawl.problem(where, "no error summary shown for the invalid web address")
    crawl.keep_html(where, response)
    crawl.visited[f"POST {pattern(url)}"] = where
    crawl.pages.append(where)
    crawl.check_page(where)
    return where


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_kind_of_page_is_accessible_and_works(
        who: str, page: Page, live_server: str, browser_errors: list[str], tmp_path: Path) -> None:
    started = time.monotonic()
    person = PEOPLE[who]
    crawl = Crawl(live_server, page, browser_errors, html=HtmlPages(tmp_path))
    if person.email:
        page.goto("/sign-in")
        sign_in_through_form(page, person.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        crawl.collect_browser_errors(f"{live_server}/sign-in")
    if person.error_summary_post:
        post_with_an_error_summary(crawl)
    crawl.run(person.start, person.explicit)
    crawl.check_html()

    elapsed = time.monotonic() - started
    print(f"\n{who}: {len(crawl.pages)} pages, {len(crawl.visited)} patterns, {elapsed:.1f}s")
    for url in crawl.pages:
        print(f"  {url.replace(live_server, '')}")

    assert not crawl.problems, (
        f"{who}: problems on {len(crawl.problems)} of the {len(crawl.pages)} pages crawled:\n"
        + "\n".join(f"{url.replace(live_server, '')}:\n  " + "\n  ".join(p.replace("\n", "\n  ") for p in problems)
                    for url, problems in crawl.problems.items()))
