"""Staff publication pages, and the demo's publication facts end to end."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dpia.core.clock import utcnow
from dpia.demo.services import load_demo
from dpia.publication.models import Publication, PublicationDecision, Redaction
from tests import factories
from tests.conftest import csrf_token
from tests.services.test_publication import approve, make_setup

REF = "DPIA-2026-400"
BASE = f"/assessments/{REF}/revisions/1/publication"


@pytest.fixture()
def approved(db):
    data = make_setup()
    approve(data)
    db.session.commit()
    return data


def as_user(app, user):
    from tests.views.test_auth import sign_in

    client = app.test_client()
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    return client


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


def test_only_the_dpo_changes_publication(app, db, approved):
    author = as_user(app, approved["author"])
    token = csrf_token(author, BASE)
    assert author.get(BASE).status_code == 200  # the team can read the plan
    assert author.post(f"{BASE}/decision", data={"csrf_token": token}).status_code == 403
    assert author.post(f"{BASE}/redactions", data={"csrf_token": token}).status_code == 403
    assert "Record a decision to publish" not in author.get(BASE).get_data(as_text=True)


def test_internal_pdf_is_complete_and_marked_draft_until_approved(app, db, approved):
    from tests.services.test_publication import CANARY

    author = as_user(app, approved["author"])
    response = author.get(f"/assessments/{REF}/revisions/1.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert CANARY in text  # internal: nothing withheld
    assert "DRAFT" not in text  # approved
    approved["revision"].state = approved["revision"].state.SUBMITTED
    db.session.commit()
    draft = author.get(f"/assessments/{REF}/revisions/1.pdf").data
    assert "DRAFT" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(draft)).pages)


class TestDemo:
    @pytest.fixture()
    def demo(self, app, db):
        load_demo(now=utcnow())
        db.session.commit()

    def test_revision_one_is_public_with_the_watchlist_withheld(self, app, demo):
        public = app.test_client()
        page = public.get("/register/DPIA-2017-004").get_data(as_text=True)
        assert "Live facial recognition trial" in page
        assert "Withheld under FOI Act s.31(3)" in page
        assert public.get("/register/DPIA-2017-004/2").status_code == 404
        upcoming = public.get("/register/upcoming").get_data(as_text=True)
        assert "2018-Q2 (the second quarter of 2018)" in upcoming and "Overdue" in upcoming

    def test_s22_page_answers_for_the_2018_request(self, app, demo, db):
        from dpia.accounts.models import User

        dpo = db.session.scalar(select(User).where(User.email == "dpo@demo.test"))
        client = app.test_client()
        from tests.views.test_auth import sign_in

        assert sign_in(client, dpo.email, "demonstration-only").status_code == 302
        foi = client.get("/assessments/DPIA-2017-004/foi").get_data(as_text=True)
        assert "FOI-2018-0412" in foi
        page = client.get("/assessments/DPIA-2017-004/foi/s22?received=2018-03-15").get_data(as_text=True)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Intention to publish on that date Yes" in text
        assert "Revision 2" in text and "11 December 2017 by Data Protection Officer" in text
        assert "2018-Q2 (the second quarter of 2018)" in text
        assert "Overdue now Yes" in text
        # Before any decision to publish was recorded (revision 1's was recorded on 3 May 2017):
        earlier = client.get("/assessments/DPIA-2017-004/foi/s22?received=2017-05-01").get_data(as_text=True)
        assert "section 22 cannot be relied on" in earlier
        assert client.get("/assessments/DPIA-2017-004/foi/s22?received=yesterday").status_code == 400
        pdf = client.get("/assessments/DPIA-2017-004/foi/s22.pdf?received=2018-03-15")
        assert "Overdue now" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)

    def test_dpo_dashboard_shows_the_overdue_publication(self, app, demo, db):
        from tests.views.test_auth import sign_in

        client = app.test_client()
        assert sign_in(client, "dpo@demo.test", "demonstration-only").status_code == 302
        body = client.get("/").get_data(as_text=True)
        overdue = body[body.index("Publications overdue"):]
        assert "DPIA-2017-004 revision 2" in overdue and "2018-Q2" in overdue
        assert date(2018, 4, 30).strftime("%-d %B %Y") in body  # revision 1's review date has passed
