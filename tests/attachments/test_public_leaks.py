"""Withheld evidence never reaches the public (issue 13: the canary leak test covers file names and contents).

A canary string is put into the names, descriptions and contents of every evidence file the public must
not get: withheld, not yet decided, on a withheld question, in a draft, in a withdrawn publication and in
one scheduled for later. A crawl of everything anonymous users can reach (the register, its JSON and feed,
search, each publication's page, JSON, PDF and Word file, and the file downloads, including a guess at
every stored file's address) finds it zero times, while a control string in a published file's name and
content is found, so the test can fail.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

import docx
import pytest
from sqlalchemy import select

from dpia.attachments.models import Attachment
from dpia.attachments.rules import Choice, PublicationChoice
from dpia.attachments.services import set_publication
from dpia.core.extensions import db
from dpia.publication.rules import Exemption, TargetType
from tests.attachments import samples
from tests.attachments.conftest import attach
from tests.factories import CLOCK, NOW, Publisher, commit
from tests.web import pdf_text

CANARY = "CANARYFILE9c2d"
CONTROL = "CONTROLFILE3b7a"
PAST = CLOCK - timedelta(days=5)

pytestmark = pytest.mark.usefixtures("attachments_dir", "clock")


def secret_files(publisher: Publisher, revision, *, choice: PublicationChoice | None = None) -> None:  # noqa: ANN001
    """A withheld PDF, an undecided CSV and a Word file (with `choice`, else withheld), all carrying the canary."""
    author = publisher.author(revision.assessment.team)
    rows = [attach(author, revision, samples.pdf(f"Withheld {CANARY}"), f"Withheld {CANARY}.pdf",
                   description=f"Described {CANARY}"),
            attach(author, revision, samples.docx(f"Advice {CANARY}"), f"Advice {CANARY}.docx",
                   question_key="basics.aims", description=f"Advice {CANARY}")]
    attach(author, revision, samples.csv(f"Undecided {CANARY}"), f"Undecided {CANARY}.csv",
           description=f"Undecided {CANARY}")
    for row in rows:
        set_publication(actor=publisher.dpo, now=NOW, revision=revision, attachment=row,
                        choice=choice or PublicationChoice(Choice.WITHHOLD, Exemption.S42, "Legal advice"))


@pytest.fixture()
def world(db):  # noqa: ANN001, ANN201
    publisher = Publisher()
    published = PublicationChoice(Choice.PUBLISH)

    # Published: a published file (the control), withheld and undecided ones, and a file marked for
    # publication on a question that is withheld.
    revision = publisher.draft(title="Body worn video", reference="DPIA-2026-801", aims="Public aims")
    author = publisher.author(revision.assessment.team)
    shown = attach(author, revision, samples.pdf(f"Shown {CONTROL}"), f"Shown {CONTROL}.pdf",
                   description=f"Internal description {CANARY}")
    on_withheld = attach(author, revision, samples.csv(f"Names {CANARY}"), f"Officer names {CANARY}.csv",
                         question_key="basics.name", description=f"Names {CANARY}")
    secret_files(publisher, revision)
    publisher.approve(revision)
    for row in (shown, on_withheld):
        set_publication(actor=publisher.dpo, now=NOW, revision=revision, attachment=row, choice=published)
    publisher.redact(revision, TargetType.QUESTION, "basics.name", "Names of officers", Exemption.S40_2)
    publisher.publish(revision, PAST)

    # Files marked for publication where nothing is public: a draft, a withdrawn publication, and a
    # publication scheduled for later.
    draft = publisher.draft(title="Drone trial", reference="DPIA-2026-802", aims="Draft aims")
    secret_files(publisher, draft, choice=published)
    withdrawn = publisher.draft(title="Custody CCTV", reference="DPIA-2026-803", aims="Withdrawn aims")
    secret_files(publisher, withdrawn, choice=published)
    publisher.withdraw(publisher.publish(withdrawn, PAST), "Published in error")
    later = publisher.draft(title="Facial recognition pilot", reference="DPIA-2026-804", aims="Later aims")
    secret_files(publisher, later, choice=published)
    publisher.publish(later, CLOCK + timedelta(days=30))
    commit()
    build_public_files()
    return {"shown": shown.sha256}


def build_public_files() -> None:
    """What the worker does after scheduling: the publications' PDF and Word files."""
    from dpia.documents.tasks import build_next_export

    while build_next_export(worker="attachments-leak-test"):
        pass


HREF = re.compile(r'href="([^"]+)"')


def readable_text(response) -> str:  # noqa: ANN001
    """Everything a response says: its headers, and its body as text (PDF and Word files read back)."""
    text = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    if response.mimetype == "application/pdf":
        return text + "\n" + pdf_text(response.data)
    if response.mimetype.endswith("wordprocessingml.document"):
        word = docx.Document(io.BytesIO(response.data))
        cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        return text + "\n" + "\n".join([p.text for p in word.paragraphs] + cells)
    return text + "\n" + response.get_data(as_text=True)


def links(response) -> list[str]:  # noqa: ANN001
    if response.mimetype == "text/html":
        return [href.replace("&amp;", "&") for href in HREF.findall(response.get_data(as_text=True))]
    if response.mimetype in ("application/json", "application/atom+xml"):
        return re.findall(r"(?:http://localhost)?(/register[^\"'<\s]*)", response.get_data(as_text=True))
    return []


def crawl(client, start: list[str]) -> dict[str, object]:  # noqa: ANN001
    seen: dict[str, object] = {}
    queue = deque(start)
    while queue:
        parts = urlsplit(queue.popleft())
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or not parts.path.startswith("/register") or parts.netloc not in ("", "localhost"):
            continue
        seen[path] = response = client.get(path)
        if response.status_code == 200:
            queue.extend(links(response))
    return seen


def test_withheld_evidence_never_reaches_anonymous_users(client, world) -> None:
    digests = set(db.session.scalars(select(Attachment.sha256)))
    start = ["/register", "/register.json", "/register.atom", "/register/upcoming", f"/register?q={CANARY}",
             "/register?q=withheld"]
    for reference in ("DPIA-2026-801", "DPIA-2026-802", "DPIA-2026-803", "DPIA-2026-804"):
        start += [f"/register/{reference}{suffix}" for suffix in ("", ".json", ".pdf", ".docx")]
        start += [f"/register/{reference}/1{suffix}" for suffix in ("", ".json", ".pdf", ".docx")]
        start += [f"/register/{reference}/1/files/{digest}" for digest in digests]  # every stored file, guessed
    responses = crawl(client, start)

    leaks = {}
    for path, response in responses.items():
        text, raw = readable_text(response), response.data
        if "?q=" in path:  # the search box shows what was typed, and only there
            text = re.sub(r'value="[^"]*"', "", text)
            raw = text.encode()
        if CANARY.lower() in text.lower() or CANARY.encode() in raw:
            leaks[path] = response.status_code
    assert leaks == {}, f"canary found: {leaks}"

    # Only the one published file is served, and the crawl found it by following the page's link.
    served = sorted(path for path, r in responses.items() if "/files/" in path and r.status_code == 200)
    assert served == [f"/register/DPIA-2026-801/1/files/{world['shown']}"]
    assert pdf_text(responses[served[0]].data).count(CONTROL) == 1

    # The control is in every public form of the publication, so the crawl can see a leak.
    for suffix in ("", ".json", ".pdf", ".docx"):
        response = responses[f"/register/DPIA-2026-801/1{suffix}"]
        assert response.status_code == 200, suffix
        assert f"Shown {CONTROL}.pdf" in readable_text(response), suffix
    page = readable_text(responses["/register/DPIA-2026-801/1"])
    assert page.count("Withheld under FOI Act s.42: Legal advice") == 2
    assert "Withheld under FOI Act s.40(2): Names of officers" in page
    stored = json.loads(responses["/register/DPIA-2026-801/1.json"].data)["document"]["files"]
    assert len(stored) == 4 and sum(1 for f in stored if f["withheld"]) == 3  # the undecided file is not listed
