"""The evidence pages are valid HTML (the W3C Nu checker), in their plain, error and oversized states,
and so is a public page that lists evidence files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from dpia.attachments.rules import Choice, PublicationChoice
from dpia.attachments.services import set_publication
from dpia.publication.rules import Exemption
from tests.attachments import samples
from tests.attachments.conftest import attach
from tests.browser.html_checker import HtmlPages
from tests.factories import CLOCK, NOW, Publisher, commit
from tests.web import as_user, csrf_token

pytestmark = pytest.mark.usefixtures("attachments_dir", "clock")


def test_evidence_pages_are_valid_html(app, db, client, tmp_path: Path, monkeypatch) -> None:
    publisher = Publisher()
    draft = publisher.draft(reference="DPIA-2026-901")
    author = publisher.author(draft.assessment.team)
    attach(author, draft, samples.pdf(), "policy.pdf", description="The policy")
    attach(author, draft, samples.csv(), "alerts.csv", question_key="basics.aims")
    published = publisher.draft(reference="DPIA-2026-902")
    shown = attach(publisher.author(published.assessment.team), published, samples.pdf(), "shown.pdf")
    held = attach(publisher.author(published.assessment.team), published, samples.png(), "held.png",
                  question_key="basics.aims")
    publisher.approve(published)
    set_publication(actor=publisher.dpo, now=NOW, revision=published, attachment=shown,
                    choice=PublicationChoice(Choice.PUBLISH))
    set_publication(actor=publisher.dpo, now=NOW, revision=published, attachment=held,
                    choice=PublicationChoice(Choice.WITHHOLD, Exemption.S42, "Legal advice"))
    publisher.publish(published, CLOCK - timedelta(days=1))
    commit()

    pages = HtmlPages(tmp_path / "pages")
    (tmp_path / "pages").mkdir()
    base = "/assessments/DPIA-2026-901/revisions/1/evidence"
    team = as_user(app, author)
    for url in (base, f"{base}?question=basics.aims", "/assessments/DPIA-2026-901/revisions/1",
                "/assessments/DPIA-2026-901/revisions/1/sections/basics"):
        response = team.get(url)
        assert response.status_code == 200, url
        pages.add(url, response.data)
    token = csrf_token(team, base)
    refused = team.post(base, data={"csrf_token": token, "evidence_file": (io.BytesIO(samples.html()), "x.pdf"),
                                    "question": "", "description": "Kept"}, content_type="multipart/form-data")
    assert refused.status_code == 400
    pages.add(f"POST {base}", refused.data)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    too_big = team.post(base, data={"csrf_token": token, "evidence_file": (io.BytesIO(b"x" * 100_000), "x.csv")},
                        content_type="multipart/form-data")
    assert too_big.status_code == 413
    pages.add(f"POST {base} (too large)", too_big.data)
    dpo = as_user(app, publisher.dpo)
    url = f"/assessments/DPIA-2026-902/revisions/1/evidence/{held.id}"
    assert dpo.get(f"{url}/publication").status_code == 409  # scheduled: the choice is fixed
    unscheduled = f"/assessments/DPIA-2026-901/revisions/1/evidence/{draft_file_id(draft)}/publication"
    for page in (unscheduled, "/assessments/DPIA-2026-902/revisions/1/evidence"):
        response = dpo.get(page)
        assert response.status_code == 200, page
        pages.add(page, response.data)
    scheduled = dpo.get("/assessments/DPIA-2026-902/revisions/1/evidence").get_data(as_text=True)
    assert "Fixed when the revision was scheduled" in scheduled and f"{url}/publication" not in scheduled
    invalid = dpo.post(unscheduled, data={"csrf_token": csrf_token(dpo, unscheduled), "choice": "withhold"})
    assert invalid.status_code == 400
    pages.add(f"POST {unscheduled}", invalid.data)
    public = client.get("/register/DPIA-2026-902/1")
    assert public.status_code == 200 and b"shown.pdf" in public.data and b"held.png" not in public.data
    pages.add("/register/DPIA-2026-902/1", public.data)
    assert pages.errors() == {}


def draft_file_id(revision) -> int:  # noqa: ANN001
    from dpia.attachments.services import attachments_of

    return attachments_of(revision)[0].id
