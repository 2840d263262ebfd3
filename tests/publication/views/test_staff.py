"""Staff publication pages, and the demo's publication facts end to end."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dpia.documents.tasks import build_next_export
from dpia.publication.models import Publication, PublicationDecision, Redaction
from tests import factories
from tests.documents.docx.reading import docx_text, xml_parts
from tests.factories import approve
from tests.web import as_user, csrf_token, pdf_text, sign_in

REF = "DPIA-2026-400"
BASE = f"/assessments/{REF}/revisions/1/publication"


@pytest.fixture()
def approved(db):
    data = factories.create_publication_setup()
    approve(data)
    db.session.commit()
    return data


def test_dpo_decides_redacts_previews_and_schedules(app, db, approved):
    dpo = as_user(app, approved["dpo"])
    token = csrf_token(dpo, BASE)
    bad = dpo.post(f"{BASE}/decision", data={"csrf_token": token, "decided_on": ["11", "12", "2017"],
                                             "decided_by": "DPO", "scope": "redacted", "planned": "soonish",
                                             "channel": "Website"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "quarter like 2018-Q2" in body and 'value="soonish"' in body  # what was typed stays
    ok = dpo.post(f"{BASE}/decision", data={"csrf_token": token, "decided_on": ["11", "12", "2017"],
                                            "decided_by": "DPO", "scope": "redacted", "planned": "2018-Q2",
                                            "channel": "Website"})
    assert ok.status_code == 302
    assert db.session.scalar(select(PublicationDecision.planned)) == "2018-Q2"
    assert dpo.post(f"{BASE}/redactions", data={"csrf_token": token, "target": "question:basics.name",
                                                "exemption": "s40_2", "redaction_reason": "Staff names"}
                    ).status_code == 302
    assert db.session.scalar(select(Redaction.exemption)) == "s40_2"
    preview = dpo.get(f"{BASE}/preview").get_data(as_text=True)
    assert "Withheld under FOI Act s.40(2): Staff names" in preview and "Secret CANARY" not in preview
    scheduled = dpo.post(f"{BASE}/schedule", data={"csrf_token": token, "publish_date": ["1", "6", "2030"],
                                                   "publish_time": "09:30"})
    assert scheduled.status_code == 302
    publication = db.session.scalar(select(Publication))
    assert publication.publish_at.isoformat() == "2030-06-01T08:30:00+00:00"  # 09:30 British Summer Time
    page = dpo.get(BASE).get_data(as_text=True)
    assert "Scheduled</strong>" in page and "Withhold a part" not in page  # frozen once scheduled


def test_scheduling_leaves_the_pdf_and_word_file_to_the_worker(app, db, approved, clock):
    """The scheduling request stores the page and the JSON only; until the worker has built the PDF and
    the Word file the public gets a 503 that says so, then the files, made from the published document."""
    dpo = as_user(app, approved["dpo"])
    token = csrf_token(dpo, BASE)
    assert dpo.post(f"{BASE}/decision", data={"csrf_token": token, "decided_on": ["11", "12", "2017"],
                                              "decided_by": "DPO", "scope": "redacted", "planned": "2018-Q2",
                                              "channel": "Website"}).status_code == 302
    assert dpo.post(f"{BASE}/redactions", data={"csrf_token": token, "target": "question:basics.name",
                                                "exemption": "s40_2", "redaction_reason": "Staff names"}
                    ).status_code == 302
    with spied_builders() as built:
        assert dpo.post(f"{BASE}/schedule", data={"csrf_token": token, "publish_date": ["1", "6", "2030"],
                                                  "publish_time": "09:30"}).status_code == 302
    assert built == []  # no PDF or Word work in the request
    clock.set(datetime(2030, 6, 2, tzinfo=UTC))
    public = app.test_client()
    for suffix in (".pdf", ".docx", "/1.pdf", "/1.docx"):
        waiting = public.get(f"/register/{REF}{suffix}")
        assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "30", suffix
        assert "is being prepared" in waiting.get_data(as_text=True)
        assert waiting.headers["Cache-Control"] == "no-store"
    assert public.get(f"/register/{REF}").status_code == 200  # the page itself is there at once

    with spied_builders() as built:
        while build_next_export(worker="test"):
            pass
    assert sorted(built) == ["docx", "pdf"]
    pdf, word = public.get(f"/register/{REF}.pdf"), public.get(f"/register/{REF}/1.docx")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert word.status_code == 200 and word.headers["Content-Disposition"].startswith("attachment;")
    text = docx_text(word.data)
    assert "Withheld under FOI Act s.40(2): Staff names" in text and "Secret CANARY" not in xml_parts(word.data)
    assert "Secret CANARY" not in pdf_text(pdf.data)
    assert public.get(f"/register/{REF}.docx", headers={"If-None-Match": word.headers["ETag"]}).status_code == 304


@contextmanager
def spied_builders() -> Iterator[list[str]]:
    """Record every PDF and Word file rendered while inside, at reportlab's and python-docx's own entry
    points, so a render by any route is seen."""
    from docx.document import Document as WordDocument
    from reportlab.platypus import BaseDocTemplate

    built: list[str] = []
    real_build, real_save = BaseDocTemplate.build, WordDocument.save
    BaseDocTemplate.build = lambda self, *a, **k: (built.append("pdf"), real_build(self, *a, **k))[1]
    WordDocument.save = lambda self, *a, **k: (built.append("docx"), real_save(self, *a, **k))[1]
    try:
        yield built
    finally:
        BaseDocTemplate.build, WordDocument.save = real_build, real_save


def test_only_the_dpo_changes_publication(app, db, approved):
    author = as_user(app, approved["author"])
    token = csrf_token(author, BASE)
    assert author.get(BASE).status_code == 200  # the team can read the plan
    assert author.post(f"{BASE}/decision", data={"csrf_token": token}).status_code == 403
    assert author.post(f"{BASE}/redactions", data={"csrf_token": token}).status_code == 403
    assert "Record a decision to publish" not in author.get(BASE).get_data(as_text=True)


class TestDemo:
    def test_the_trial_is_not_public_and_its_planned_publication_is_overdue(self, app, demo):
        """Revision 1 of the trial is never public on its own; revision 2 is planned for 2018-Q2."""
        public = app.test_client()
        for path in ("/register/DPIA-2017-004", "/register/DPIA-2017-004/1", "/register/DPIA-2017-004/2"):
            assert public.get(path).status_code == 404, path
        upcoming = public.get("/register/upcoming").get_data(as_text=True)
        assert "Live facial recognition trial" in upcoming
        assert "2018-Q2 (the second quarter of 2018)" in upcoming and "Overdue" in upcoming

    def test_the_body_worn_video_assessment_is_public_with_its_security_answer_withheld(self, app, demo):
        page = app.test_client().get("/register/DPIA-2019-002").get_data(as_text=True)
        assert "Body-worn video for response officers" in page
        assert "Withheld under FOI Act s.31(1)(a)" in page
        assert "encrypted on the camera" not in page

    def test_dpo_dashboard_shows_the_overdue_publication(self, app, demo, db):
        client = app.test_client()
        assert sign_in(client, "dpo@demo.test", "demonstration-only").status_code == 302
        body = client.get("/").get_data(as_text=True)
        overdue = body[body.index("Publications overdue"):]
        assert "DPIA-2017-004 revision 2" in overdue and "2018-Q2" in overdue
        assert date(2018, 4, 30).strftime("%-d %B %Y") in body  # revision 1's review date has passed
