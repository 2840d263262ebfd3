"""Nothing unpublished reaches the public (docs/docs/security.md C4, C5).

Anonymous users get 404 for every revision that is not published, on every channel, and it is
absent from the register, its JSON, the feed and search. A canary string is put into everything
that must stay internal (withheld parts, comments, sign-off notes and advice, officials' names,
decisions, slippage, FOI requests, unpublished revisions); a crawl of everything anonymous users
can reach then finds it zero times, while a control string in published answers is found, so the
test can fail.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own feed in tests
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from dpia.accounts.rules import Role
from dpia.assessments.models import Revision
from dpia.assessments.services.content import load_content
from dpia.foi.rules import Answer as FoiAnswer
from dpia.foi.rules import ItemAnswer, NcndProvision
from dpia.foi.services import ItemInput, answer_item, record_foi_request, record_s22_conclusion
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.decisions import record_slippage
from dpia.publication.services.scheduling import document_for
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import Action, RevisionState
from dpia.review.services.comments import add_comment
from dpia.review.services.sign_off import record_sign_off
from dpia.review.services.workflow import transition
from tests import factories
from tests.documents.docx.reading import docx_text, xml_parts
from tests.factories import CLOCK, NOW, Publisher, commit, db_session
from tests.web import ATOM, feed_entries, pdf_text, register_json, text_of

CANARY = "CANARY-7f3a"
CONTROL = "CONTROL-5e1b"


pytestmark = pytest.mark.usefixtures("clock")  # the public pages see CLOCK


def retention_row(text: str) -> dict[str, str]:
    return {"data_category": f"Category {text}", "period_days": "30", "trigger": "on_alert",
            "justification": f"Justification {text}", "exceptions": f"Exceptions {text}",
            "deletion_method": "automatic"}


@dataclass
class World:
    """What was built: revisions the public must not see, and the published ones."""

    withheld: dict[str, tuple[str, int]] = field(default_factory=dict)  # state -> (reference, number)
    hidden_assessments: set[str] = field(default_factory=set)  # references with nothing public at all
    published: dict[str, int] = field(default_factory=dict)  # reference -> latest public revision number
    search_words: dict[str, str] = field(default_factory=dict)  # state -> a word only its content has


class Builder(Publisher):
    """A publisher whose people carry the canary in their names and addresses, and who writes it
    into every internal field while taking revisions through review."""

    def __init__(self) -> None:
        lower = CANARY.lower()
        super().__init__(
            reviewer=factories.create_user(Role.REVIEWER, name=f"Riley {CANARY}",
                                           email=f"reviewer.{lower}@example.test"),
            dpo=factories.create_user(Role.DPO, name=f"Dana {CANARY}", email=f"dpo.{lower}@example.test"),
            approver=factories.create_user(Role.APPROVER, name=f"Sam {CANARY}", email=f"approver.{lower}@example.test"),
            author_name=f"Alex {CANARY}", author_email=f"author.{lower}@example.test")
        self.advisor = self.approver

    def comment(self, revision: Revision) -> None:
        top = add_comment(actor=self.reviewer, now=NOW, content=load_content(revision), body=f"Reviewer asks {CANARY}",
                          question_key="basics.aims")
        add_comment(actor=self.author(revision.assessment.team), now=NOW, content=load_content(revision),
                    body=f"Author replies {CANARY}", parent=top)

    def sign(self, revision: Revision, *, notes: str | None = None, advice: str = "Go ahead") -> None:
        notes = f"Sign-off note {CANARY}"
        rows = (
            (self.advisor, SignOffKind.MEASURES_APPROVED, {}),
            (self.advisor, SignOffKind.RESIDUAL_RISKS_APPROVED, {}),
            (self.dpo, SignOffKind.DPO_ADVICE, {"recommendation": "proceed", "summary": f"DPO advice {CANARY}"}),
            (self.advisor, SignOffKind.ADVICE_DECISION, {"decision": "accepted", "reasons": f"Reasons {CANARY}"}),
            (self.advisor, SignOffKind.CONSULTATION_REVIEWED,
             {"departs_from_views": "yes", "departure_reasons": f"Departure {CANARY}"}),
            (self.dpo, SignOffKind.KEPT_UNDER_REVIEW, {"next_review_date": "2027-04-30"}),
        )
        for who, kind, raw in rows:
            outcome = record_sign_off(actor=who, now=NOW, content=load_content(revision), kind=kind,
                                      position="Head of Information", notes=notes, raw=raw)
            assert outcome.errors == {}, (kind, outcome.errors)

    def approve(self, revision: Revision) -> None:
        """Through review the long way: comments, changes requested, resubmission, full sign-off."""
        self.comment(revision)
        self.submit(revision)
        transition(actor=self.reviewer, now=NOW, content=load_content(revision), action=Action.REQUEST_CHANGES,
                   note=f"Please change {CANARY}")
        self.submit(revision)
        self.send_for_sign_off(revision)
        self.comment(revision)
        self.sign(revision)
        transition(actor=self.approver, now=NOW, content=load_content(revision), action=Action.APPROVE)

    def decide_internally(self, revision: Revision, *, planned: str = "2018-Q2"):  # noqa: ANN201
        """A decision whose internal fields (who decided, slippage reasons, FOI requests) hold the canary."""
        decision = self.decide(revision, planned="2018-Q1", decided_by=f"Chief Officer {CANARY}")
        record_slippage(actor=self.dpo, now=NOW, decision=decision, reason=f"Slipped {CANARY}",
                        new_planned=planned)
        foi = record_foi_request(
            actor=self.dpo, now=NOW, assessment=revision.assessment, reference=f"FOI-{CANARY}",
            received_at=datetime(2018, 3, 15, 10, tzinfo=UTC), request_text=f"Request about {CANARY}",
            requester_name=f"Requester {CANARY}", revision_number=revision.number,
            items=[ItemInput(f"Item about {CANARY}", ("whole",)), ItemInput(f"Whether {CANARY} is held")])
        # A neither-confirm-nor-deny answer and an exemption's public interest test: never public.
        answer_item(actor=self.dpo, now=NOW, item=foi.items[0], answer=ItemAnswer(
            FoiAnswer.WITHHELD, exemption=Exemption.S22, pit_for=f"For {CANARY}", pit_against=f"Against {CANARY}",
            pit_conclusion=f"Conclusion {CANARY}"))
        answer_item(actor=self.dpo, now=NOW, item=foi.items[1], answer=ItemAnswer(
            FoiAnswer.NCND, ncnd=NcndProvision.S31_3, pit_for=f"NCND for {CANARY}",
            pit_against=f"NCND against {CANARY}", pit_conclusion=f"NCND conclusion {CANARY}"))
        record_s22_conclusion(actor=self.dpo, now=NOW, foi=foi, conclusion=f"Reasonable {CANARY}")
        return decision

    def publish(self, revision: Revision, publish_at, *, planned: str = "2018-Q2"):  # noqa: ANN001, ANN201
        if revision.approved_at is None:
            self.approve(revision)
        self.decide_internally(revision, planned=planned)
        return self.schedule(revision, publish_at)

    def revise(self, revision: Revision, *, aims: str, rationale: str = "", made_by: str = "") -> Revision:
        return super().revise(revision, aims=aims, rationale=f"Rationale {CANARY}", made_by=f"Board {CANARY}")


def secret(word: str) -> str:
    return f"Withheld content {CANARY} {word}"


@pytest.fixture()
def world(db) -> World:  # noqa: ANN001
    builder = Builder()
    world = World()
    past = CLOCK - timedelta(days=30)

    # Published, with a withheld question and a withheld table row.
    revision = builder.draft(title="Body worn video", reference="DPIA-2026-101", aims=f"Published aims {CONTROL}",
                             name=f"Officer name {CANARY}")
    builder.add_row(revision, retention_row("Visible rule"))
    hidden_row = builder.add_row(revision, retention_row(CANARY))
    builder.answer_later(revision, reason=f"Public reason {CONTROL}")
    builder.approve(revision)
    builder.redact(revision, TargetType.QUESTION, "basics.name", "Names of officers", Exemption.S40_2)
    builder.redact(revision, TargetType.ROW, hidden_row, "Police tactics", Exemption.S31_1_A)
    builder.publish(revision, past)
    world.published["DPIA-2026-101"] = 1

    # Published, with a whole section withheld.
    revision = builder.draft(title="Drone trial", reference="DPIA-2026-102", aims=f"Drone aims {CONTROL}")
    builder.add_row(revision, retention_row(CANARY))
    builder.answer_later(revision, reason=secret("sectionword"))
    builder.approve(revision)
    builder.redact(revision, TargetType.SECTION, "later", "Operational details", Exemption.S31_1_B)
    builder.publish(revision, past)
    world.published["DPIA-2026-102"] = 1

    # Superseded but never published: revision 1 was approved and planned, revision 2 was published instead.
    first = builder.draft(title="Automatic number plate recognition", reference="DPIA-2026-103",
                          aims=secret("supersededword"), name=f"Name {CANARY}")
    builder.approve(first)
    builder.decide_internally(first)
    second = builder.revise(first, aims=f"Replacement aims {CONTROL}")
    builder.publish(second, past)
    assert first.state is RevisionState.SUPERSEDED
    world.withheld["superseded, never published"] = ("DPIA-2026-103", 1)
    world.published["DPIA-2026-103"] = 2
    world.search_words["superseded, never published"] = "supersededword"

    # Withdrawn: revision 2 was published, then withdrawn; revision 1 stays.
    first = builder.draft(title="Custody CCTV", reference="DPIA-2026-104", aims=f"Custody aims {CONTROL}")
    builder.publish(first, past)
    second = builder.revise(first, aims=secret("withdrawnword"))
    withdrawn = builder.publish(second, past + timedelta(days=1))
    builder.withdraw(withdrawn, "Published in error")
    world.withheld["withdrawn"] = ("DPIA-2026-104", 2)
    world.published["DPIA-2026-104"] = 1
    world.search_words["withdrawn"] = "withdrawnword"

    # Withdrawn, and the assessment's only publication.
    revision = builder.draft(title="Mobile fingerprint scanners", reference="DPIA-2026-105",
                             aims=secret("onlywithdrawnword"))
    builder.add_row(revision, retention_row(CANARY))  # in a withdrawn publication's rules
    builder.withdraw(builder.publish(revision, past), "Published in error")
    world.withheld["withdrawn, nothing else published"] = ("DPIA-2026-105", 1)
    world.hidden_assessments.add("DPIA-2026-105")
    world.search_words["withdrawn, nothing else published"] = "onlywithdrawnword"

    # Scheduled in the future: a new assessment, and a later revision of a published one.
    revision = builder.draft(title="Facial recognition pilot", reference="DPIA-2026-106", aims=secret("futureword"))
    builder.add_row(revision, retention_row(CANARY))  # in a publication still to come
    builder.publish(revision, CLOCK + timedelta(days=30))
    world.withheld["scheduled in the future"] = ("DPIA-2026-106", 1)
    world.hidden_assessments.add("DPIA-2026-106")
    world.search_words["scheduled in the future"] = "futureword"
    first = builder.draft(title="Control room upgrade", reference="DPIA-2026-107", aims=f"Control room {CONTROL}")
    builder.publish(first, past)
    second = builder.revise(first, aims=secret("futurerevisionword"))
    builder.publish(second, CLOCK + timedelta(minutes=1))
    world.withheld["later revision scheduled in the future"] = ("DPIA-2026-107", 2)
    world.published["DPIA-2026-107"] = 1
    world.search_words["later revision scheduled in the future"] = "futurerevisionword"

    # Never approved: draft, submitted, awaiting sign-off (with a decision to publish already recorded).
    draft = builder.draft(title="Social media monitoring", reference="DPIA-2026-108", aims=secret("draftword"),
                          name=f"Name {CANARY}")
    builder.add_row(draft, retention_row(CANARY))
    builder.comment(draft)
    world.withheld["draft"] = ("DPIA-2026-108", 1)
    submitted = builder.draft(title="Gunshot detection", reference="DPIA-2026-109", aims=secret("submittedword"))
    builder.submit(submitted)
    builder.comment(submitted)
    world.withheld["submitted"] = ("DPIA-2026-109", 1)
    waiting = builder.draft(title="Predictive patrols", reference="DPIA-2026-110", aims=secret("awaitingword"))
    builder.submit(waiting)
    builder.send_for_sign_off(waiting)
    builder.comment(waiting)
    builder.sign(waiting)
    builder.decide_internally(waiting, planned="2030-Q1")
    world.withheld["awaiting sign-off"] = ("DPIA-2026-110", 1)

    # Approved, not scheduled: with a decision to publish, and without one.
    planned = builder.draft(title="Licence plate archive", reference="DPIA-2026-111", aims=secret("plannedword"))
    builder.approve(planned)
    builder.decide_internally(planned)
    world.withheld["approved, decided, not scheduled"] = ("DPIA-2026-111", 1)
    approved = builder.draft(title="Records system", reference="DPIA-2026-112", aims=secret("approvedword"))
    builder.approve(approved)
    world.withheld["approved, not scheduled"] = ("DPIA-2026-112", 1)

    for state, word in (("draft", "draftword"), ("submitted", "submittedword"), ("awaiting sign-off", "awaitingword"),
                        ("approved, decided, not scheduled", "plannedword"),
                        ("approved, not scheduled", "approvedword")):
        world.search_words[state] = word
        world.hidden_assessments.add(world.withheld[state][0])
    commit()
    assert {state: db_session().get(Revision, r.id).state for state, r in
            (("draft", draft), ("submitted", submitted), ("waiting", waiting))} == {
        "draft": RevisionState.DRAFT, "submitted": RevisionState.SUBMITTED, "waiting": RevisionState.AWAITING_SIGN_OFF}
    return world


def test_the_canary_is_in_every_internal_record(world):
    """The crawl below proves something only if the canary really sits in each kind of internal field."""
    from sqlalchemy import func, select

    from dpia.accounts.models import User
    from dpia.assessments.models import Assessment
    from dpia.foi.models import FoiItem, FoiRequest
    from dpia.publication.models import Publication, PublicationDecision, Slippage
    from dpia.review.models import Comment, Decision, SignOff

    session = db_session()

    def count(column) -> int:  # noqa: ANN001
        return session.scalar(select(func.count()).where(column.contains(CANARY))) or 0

    assert count(Comment.body) >= 20
    assert count(SignOff.notes) >= 30 and count(SignOff.signer_name) >= 30
    assert count(User.name) >= 4
    assert session.scalar(select(func.count()).where(User.email.contains(CANARY.lower()))) >= 4  # lower case
    assert count(PublicationDecision.decided_by) >= 5 and count(Slippage.reason) >= 5
    assert count(FoiRequest.request_text) >= 5 and count(FoiRequest.reference) >= 5
    assert count(FoiRequest.requester_name) >= 5 and count(FoiItem.pit_conclusion) >= 10
    assert count(Decision.made_by) >= 3 and count(Revision.rationale) >= 3
    details = [d for (d,) in session.execute(select(SignOff.details))]
    assert sum(CANARY in json.dumps(d) for d in details) >= 10  # DPO advice, reasons, departures
    # Bundles that exist but must not be served (withdrawn, scheduled for later) carry it too.
    stored = session.scalars(select(Publication.html).join(Assessment).where(Publication.withdrawn_at.is_not(None)
                                                                            | (Publication.publish_at > CLOCK)))
    assert sum(CANARY in html for html in stored) == 4
    internal = document_for(
        load_content(session.scalar(select(Revision).join(Assessment).where(Assessment.reference == "DPIA-2026-101"))),
        organisation="Org", public=False)
    assert CANARY in " ".join(internal.text_parts())


# -- C4: every channel answers 404 ----------------------------------------------------------------

DOCX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHANNELS = ("/register/{ref}/{n}", "/register/{ref}/{n}.pdf", "/register/{ref}/{n}.docx", "/register/{ref}/{n}.json")
LATEST_CHANNELS = ("/register/{ref}", "/register/{ref}.pdf", "/register/{ref}.docx", "/register/{ref}.json")


def test_every_unpublished_revision_is_404_on_every_channel(client, world):
    assert len(world.withheld) == 10
    for state, (reference, number) in world.withheld.items():
        for pattern in CHANNELS:
            path = pattern.format(ref=reference, n=number)
            response = client.get(path)
            assert response.status_code == 404, (state, path)
            assert response.headers["Cache-Control"] == "no-store"
        for pattern in LATEST_CHANNELS:
            path = pattern.format(ref=reference)
            response = client.get(path)
            if reference in world.hidden_assessments:
                assert response.status_code == 404, (state, path)
            else:  # the assessment's page shows an earlier published revision instead
                assert response.status_code == 200, (state, path)
                if path.endswith(".json"):
                    assert json.loads(response.data)["publication"]["revision"] == world.published[reference]


def test_published_revisions_answer_200(client, world):
    for reference, number in world.published.items():
        for pattern in CHANNELS + LATEST_CHANNELS:
            path = pattern.format(ref=reference, n=number)
            assert client.get(path).status_code == 200, path


def test_unpublished_revisions_are_absent_from_register_json_feed_and_search(client, world):
    listed = {(item["reference"], item["revision"]) for item in register_json(client)}
    assert listed == set(world.published.items())
    in_feed = {entry["title"].split(":")[0] for entry in feed_entries(client)}
    register_page = text_of(client.get("/register"))
    for state, (reference, number) in world.withheld.items():
        assert f"{reference} revision {number}" not in in_feed, state
        if reference in world.hidden_assessments:
            assert reference not in register_page, state
            assert not any(title.startswith(reference) for title in in_feed), state
        word = world.search_words[state]
        found = text_of(client.get("/register", query_string={"q": word}))
        assert "0 assessments found" in found, (state, word)
    assert "1 assessment found" in text_of(client.get("/register", query_string={"q": "drone"}))


def test_searching_for_the_canary_finds_nothing(client, world):
    for query in (CANARY, CANARY.lower(), "7f3a"):
        page = text_of(client.get("/register", query_string={"q": query}))
        assert "0 assessments found" in page, query


# -- C5: the canary crawl -------------------------------------------------------------------------

HREF = re.compile(r'href="([^"]+)"')


def _links_of(path: str, response) -> list[str]:  # noqa: ANN001
    """Links a visitor (or a feed reader, or a JSON client) could follow from a response."""
    if response.mimetype == "text/html":
        return [href.replace("&amp;", "&") for href in HREF.findall(text_of(response))]
    if response.mimetype == "application/atom+xml":
        root = ET.fromstring(response.data)  # noqa: S314 - the app's own output
        return [link.get("href") for link in root.iter(f"{ATOM}link")]
    if response.mimetype == "application/json":
        found: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str) and value.startswith(("http://localhost/", "/register")):
                found.append(value)

        walk(json.loads(response.data))
        return found
    return []


def crawl(client, start: list[str]) -> dict[str, object]:  # noqa: ANN001
    """Every /register URL reachable from `start` by following links, with its response."""
    seen: dict[str, object] = {}
    queue = deque(start)
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or not parts.path.startswith("/register") or parts.netloc not in ("", "localhost"):
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code == 200:
            queue.extend(_links_of(path, response))
    return seen


def readable_text(response) -> str:  # noqa: ANN001
    """All the text a response carries: headers, body, and the text inside a PDF or a Word file (its
    text as read, and every XML part, document properties included)."""
    text = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    if response.mimetype == "application/pdf":
        return text + "\n" + pdf_text(response.data)
    if response.mimetype == DOCX_MIME_TYPE:
        return text + "\n" + docx_text(response.data) + "\n" + xml_parts(response.data)
    return text + "\n" + response.get_data(as_text=True)


def test_the_canary_never_reaches_anonymous_users(client, world):
    explicit = ["/register", "/register.json", "/register.atom", "/register/upcoming", "/register/retention",
                "/register/retention.json", "/register/retention.csv", "/register/retention?period=up-to-31-days",
                "/register?q=canary",
                f"/register?q={CANARY}", "/register?q=7f3a", "/register?team=Nobody"]
    for reference, number in world.withheld.values():  # the 404 pages, too
        explicit += [p.format(ref=reference, n=number) for p in CHANNELS + LATEST_CHANNELS]
    responses = crawl(client, explicit)

    published_files = [path for path in responses
                       if re.fullmatch(r"/register/DPIA-[0-9-]+(/\d+)?(\.pdf|\.docx|\.json)?", path)
                       and responses[path].status_code == 200]
    # The crawl reached every published revision by following links, in all four forms.
    for reference, number in world.published.items():
        for suffix in ("", ".pdf", ".docx", ".json"):
            assert f"/register/{reference}/{number}{suffix}" in published_files, (reference, suffix)
    assert len(responses) > 40

    leaks = {}
    for path, response in responses.items():
        text = readable_text(response)
        if "?q=" in path:  # the search box shows what was typed, and only there
            text = re.sub(r'value="[^"]*"', "", text)
        count = text.lower().count(CANARY.lower())
        if count:
            leaks[path] = count
    assert leaks == {}, f"canary found: {leaks}"

    # The control string in published answers is found in every form, so the crawl can see leaks.
    for path in published_files:
        assert CONTROL in readable_text(responses[path]), path


RETENTION_CHANNELS = ("/register/retention", "/register/retention?period=up-to-31-days", "/register/retention.json",
                      "/register/retention.csv")


def test_the_retention_register_shows_only_published_rules(client, world):
    """A canary sits in a withheld retention row (DPIA-2026-101), in rules inside a withheld section
    (102), in a draft's rules (108), and in the rules of a withdrawn (105) and a future (106)
    publication: none reaches /register/retention or its JSON and CSV, while the published rule does."""
    for path in RETENTION_CHANNELS:
        response = client.get(path)
        assert response.status_code == 200, path
        text = readable_text(response)
        assert CANARY.lower() not in text.lower(), path
        assert "Category Visible rule" in text, path  # the control: the published rule is listed
        for reference in world.hidden_assessments:
            assert reference not in text, (path, reference)
    rows = json.loads(client.get("/register/retention.json").data)["retention"]
    assert {row["reference"] for row in rows} <= set(world.published) - {"DPIA-2026-102"}  # its rules are withheld
    assert [row["data_category"] for row in rows if row["reference"] == "DPIA-2026-101"] == ["Category Visible rule"]
    assert {(row["reference"], row["revision"]) for row in rows} <= set(world.published.items())


def test_withheld_parts_show_their_notice_in_every_form(client, world):
    page = text_of(client.get("/register/DPIA-2026-101"))
    assert "Withheld under FOI Act s.40(2): Names of officers" in page
    assert "Withheld under FOI Act s.31(1)(a): Police tactics" in page
    assert "Category Visible rule" in page
    section = text_of(client.get("/register/DPIA-2026-102"))
    assert "Withheld under FOI Act s.31(1)(b): Operational details" in section
    pdf = pdf_text(client.get("/register/DPIA-2026-101.pdf").data)
    assert "Names of officers" in pdf and CONTROL in pdf
    body = json.loads(client.get("/register/DPIA-2026-102.json").data)
    assert any(s["withheld"] for s in body["document"]["sections"])


def test_upcoming_names_planned_assessments_but_shows_nothing_of_them(client, world):
    page = text_of(client.get("/register/upcoming"))
    for reference in ("DPIA-2026-110", "DPIA-2026-111", "DPIA-2026-106", "DPIA-2026-107"):
        assert reference in page  # decided or scheduled: the public is told what is planned
    for reference in ("DPIA-2026-108", "DPIA-2026-109", "DPIA-2026-112"):
        assert reference not in page  # nothing decided, nothing said
    for word in world.search_words.values():
        assert word not in page
    assert CANARY.lower() not in page.lower()


def test_a_summary_only_publication_publishes_nothing_outside_the_summary(client, db):
    """Scope "summary": only the summary answers are published. Tables outside the summary (here the
    retention rules) must not reach the page, the PDF, the JSON or the search index.

    Fails at the time of writing: `dpia.documents.model.build_document` replaces the sections
    with the summary section but still fills `Document.retention`, `Document.access` and
    `Document.heat_maps` from every section, so the stored bundle carries the full tables.
    """
    from dpia.publication.rules import Scope

    builder = Publisher()
    revision = builder.draft(title="Summary only", reference="DPIA-2026-120", aims=f"Summary aims {CONTROL}")
    builder.add_row(revision, retention_row(CANARY))
    builder.approve(revision)
    builder.decide(revision, scope=Scope.SUMMARY)
    builder.schedule(revision, CLOCK - timedelta(days=1))
    commit()
    page = client.get("/register/DPIA-2026-120")
    assert "Only a summary of this assessment is published." in text_of(page)
    assert "Summary only" in pdf_text(client.get("/register/DPIA-2026-120.pdf").data)  # the PDF text is readable
    leaks = {path: readable_text(client.get(path)).count(CANARY)
             for path in ("/register/DPIA-2026-120", "/register/DPIA-2026-120.pdf", "/register/DPIA-2026-120.json")}
    leaks["search finds it"] = int("0 assessments found" not in text_of(client.get(f"/register?q={CANARY}")))
    assert leaks == dict.fromkeys(leaks, 0), f"canary found outside the summary: {leaks}"


def test_a_part_withheld_in_revision_1_never_reaches_the_public_from_revision_2(client, db):
    """Carried-over redactions: a row withheld in revision 1 is a proposal in revision 2, which cannot be
    scheduled until the DPO decides; confirmed, it stays out of every public output of revision 2."""
    from dpia.core.errors import ValidationError
    from dpia.publication.services.redactions import confirm_proposal, redactions_for

    builder = Publisher()
    past = CLOCK - timedelta(days=30)
    references = {"proposed": "DPIA-2026-130", "confirmed": "DPIA-2026-131"}
    seconds = {}
    for case, reference in references.items():
        first = builder.draft(title=f"Carried {case}", reference=reference, aims=f"First aims {CONTROL}")
        hidden = builder.add_row(first, retention_row(CANARY))
        builder.add_row(first, retention_row("Visible rule"))
        builder.approve(first)
        builder.redact(first, TargetType.ROW, hidden, "Police tactics")
        builder.publish(first, past)
        seconds[case] = builder.revise(first, aims=f"Second aims {CONTROL}")
        builder.approve(seconds[case])
        builder.decide(seconds[case])
    with pytest.raises(ValidationError, match="1 proposal carried over from revision 1 needs a decision"):
        builder.schedule(seconds["proposed"], past + timedelta(days=1))
    confirmed = seconds["confirmed"]
    for proposal in redactions_for(confirmed):
        confirm_proposal(actor=builder.dpo, now=NOW, content=load_content(confirmed), redaction=proposal,
                         exemption=proposal.exemption, reason=proposal.reason)
    builder.schedule(confirmed, past + timedelta(days=1))
    commit()

    explicit = ["/register", "/register.json", "/register.atom", "/register/upcoming", f"/register?q={CANARY}",
                "/register/retention", "/register/retention.json", "/register/retention.csv"]
    for reference in references.values():
        for number in (1, 2):
            explicit += [p.format(ref=reference, n=number) for p in CHANNELS + LATEST_CHANNELS]
    responses = crawl(client, explicit)
    assert responses["/register/DPIA-2026-130/2"].status_code == 404  # still proposed: never scheduled
    for suffix in ("", ".pdf", ".json"):
        assert responses[f"/register/DPIA-2026-131/2{suffix}"].status_code == 200
        assert CONTROL in readable_text(responses[f"/register/DPIA-2026-131/2{suffix}"])
    assert "Withheld under FOI Act s.31(1)(a): Police tactics" in text_of(responses["/register/DPIA-2026-131/2"])
    assert "Category Visible rule" in text_of(responses["/register/DPIA-2026-131/2"])
    leaks = {}
    for path, response in responses.items():
        text = readable_text(response)
        if "?q=" in path:  # the search box shows what was typed, and only there
            text = re.sub(r'value="[^"]*"', "", text)
        if text.lower().count(CANARY.lower()):
            leaks[path] = text.lower().count(CANARY.lower())
    assert leaks == {}, f"canary found: {leaks}"
