"""The FOI pages on the demo: the request record, the s.22 page (its own form, prefilled from a record), the
response letter as a page and a PDF, recording a request, and who may see any of it."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dpia.demo.services import DEMO_PASSWORD
from tests.web import sign_in

REF = "DPIA-2017-004"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture()
def officer(app, demo, db):
    client = app.test_client()
    assert sign_in(client, "foi@demo.test", DEMO_PASSWORD).status_code == 302
    return client


def demo_request(db):
    from dpia.foi.models import FoiRequest

    return db.session.scalar(select(FoiRequest).where(FoiRequest.reference == "FOI-2018-0412"))


def test_the_demo_request_is_a_record(officer, db):
    foi = demo_request(db)
    index = text(officer.get(f"/assessments/{REF}/foi"))
    assert "FOI-2018-0412" in index and "15 March 2018 at 10:00" in index
    page = text(officer.get(f"/assessments/{REF}/foi/{foi.id}"))
    assert "Jo Applicant" in page and "Revision 2" in page
    assert "Withheld under an exemption s.22" in page and "Neither confirmed nor denied s.31(3)" in page


def test_the_s22_page_without_a_date_shows_its_own_form(officer):
    response = officer.get(f"/assessments/{REF}/foi/s22")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="received-day"' in html and 'name="time"' in html and "Statement" not in text(response)


def test_a_bad_date_shows_the_form_again_with_its_errors(officer):
    response = officer.get(f"/assessments/{REF}/foi/s22?received=31&received=2&received=2018&time=25:00")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#received-day"' in html and 'href="#time"' in html
    assert 'value="31"' in html and 'value="25:00"' in html


def test_the_s22_page_for_a_typed_moment(officer):
    page = text(officer.get(f"/assessments/{REF}/foi/s22?received=15&received=3&received=2018&time=10:00"))
    assert "Intention to publish when the request arrived Yes" in page
    assert "Revision the request concerns Revision 2" in page and "11 December 2017 by Data Protection Officer" in page
    assert "2018-Q2 (the second quarter of 2018)" in page
    earlier = text(officer.get(f"/assessments/{REF}/foi/s22?received=1&received=5&received=2017&time=09:00"))
    assert "section 22 cannot be relied on" in earlier
    pdf = officer.get(f"/assessments/{REF}/foi/s22.pdf?received=15&received=3&received=2018&time=10:00")
    assert "Overdue now" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)


def test_the_s22_page_opened_from_a_record_is_prefilled_with_all_four_limbs(officer, db):
    foi = demo_request(db)
    page = text(officer.get(f"/assessments/{REF}/foi/s22?request={foi.id}"))
    assert "Within the publication: item 1" in page
    assert "Reasonable to withhold until publication (computed)" in page
    assert "conclusion on reasonableness Reasonable: publication was planned" in page
    assert "Item 1: for disclosure Openness about how long" in page


def test_the_response_letter_as_html_and_pdf(officer, db):
    foi = demo_request(db)
    letter = text(officer.get(f"/assessments/{REF}/foi/{foi.id}/letter"))
    assert "Dear Jo Applicant" in letter
    assert "Section 22: information intended for future publication" in letter
    assert "Intention to publish when the request arrived Yes" in letter
    assert "neither confirm nor deny whether we hold this information, under section 31(3)" in letter
    pdf = officer.get(f"/assessments/{REF}/foi/{foi.id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Jo Applicant" in words and "Section 22" in words


@pytest.mark.parametrize("email", ["author@demo.test", "reviewer@demo.test", "approver@demo.test"])
def test_foi_records_are_for_foi_officers_the_dpo_and_administrators(app, demo, db, email):
    foi = demo_request(db)
    client = app.test_client()
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 302
    for path in ("", f"/{foi.id}", f"/{foi.id}/letter", f"/{foi.id}/letter.pdf", "/s22"):
        assert client.get(f"/assessments/{REF}/foi{path}").status_code == 403, path


def test_an_administrator_reads_but_does_not_record(app, demo, db):
    client = app.test_client()
    assert sign_in(client, "admin@demo.test", DEMO_PASSWORD).status_code == 302
    assert client.get(f"/assessments/{REF}/foi").status_code == 200
    assert client.post(f"/assessments/{REF}/foi", data={}).status_code in (400, 403)


def test_recording_a_request_and_mapping_and_answering_an_item(officer, db):
    from tests.web import csrf_token

    token = csrf_token(officer, f"/assessments/{REF}/foi")
    data = {"csrf_token": token, "foi_reference": "FOI-2018-0500", "received_on": ["2", "4", "2018"],
            "received_time": "", "requester_name": "Sam Asker", "request_text": "The retention rules",
            "revision": "2", "item_lines": "Retention of alert images\nWho may see them"}
    missing = officer.post(f"/assessments/{REF}/foi", data=data)
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert 'href="#received_time"' in html and "Sam Asker" in html and "Who may see them" in html
    data["received_time"] = "14:05"
    created = officer.post(f"/assessments/{REF}/foi", data=data)
    assert created.status_code == 302
    from dpia.foi.models import FoiRequest

    foi = db.session.scalar(select(FoiRequest).where(FoiRequest.reference == "FOI-2018-0500"))
    assert foi.received_at.hour == 13 and foi.received_at.minute == 5  # 14:05 British Summer Time
    assert [i.text for i in foi.items] == ["Retention of alert images", "Who may see them"]
    base = f"/assessments/{REF}/foi/{foi.id}/items/1"
    mapped = officer.post(base, data={"csrf_token": token, "item_text": "Retention of alert images",
                                      "parts": ["question:lfr.retention"]})
    assert mapped.status_code == 302
    refused = officer.post(f"{base}/answer", data={"csrf_token": token, "answer": "withheld", "exemption": "s22"})
    assert refused.status_code == 400 and 'href="#pit_for"' in refused.get_data(as_text=True)
    answered = officer.post(f"{base}/answer", data={"csrf_token": token, "answer": "withheld", "exemption": "s22",
                                                    "pit_for": "Openness", "pit_against": "Soon published",
                                                    "pit_conclusion": "Wait"})
    assert answered.status_code == 302
    db.session.expire_all()
    assert demo_ready(db, foi.id)


def demo_ready(db, foi_id):
    from dpia.foi.models import FoiItem

    item = db.session.scalar(select(FoiItem).where(FoiItem.request_id == foi_id, FoiItem.position == 1))
    return item.parts == ["question:lfr.retention"] and item.pit_conclusion == "Wait"
