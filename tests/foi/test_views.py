"""The FOI pages, on the demo: the s.22 answer for a request, as a page and as a PDF."""

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from tests.web import sign_in


class TestDemo:
    def test_s22_page_answers_for_the_2018_request(self, app, demo, db):
        from dpia.accounts.models import User

        dpo = db.session.scalar(select(User).where(User.email == "dpo@demo.test"))
        client = app.test_client()
        assert sign_in(client, dpo.email, "demonstration-only").status_code == 302
        foi = client.get("/assessments/DPIA-2017-004/foi").get_data(as_text=True)
        assert "FOI-2018-0412" in foi
        page = client.get("/assessments/DPIA-2017-004/foi/s22?received=2018-03-15").get_data(as_text=True)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Intention to publish on that date Yes" in text
        assert "Revision 2" in text and "11 December 2017 by Data Protection Officer" in text
        assert "2018-Q2 (the second quarter of 2018)" in text
        assert "Overdue now Yes" in text
        # Before any decision to publish was recorded (the first, on revision 2, was recorded on 12 December 2017):
        earlier = client.get("/assessments/DPIA-2017-004/foi/s22?received=2017-05-01").get_data(as_text=True)
        assert "section 22 cannot be relied on" in earlier
        assert client.get("/assessments/DPIA-2017-004/foi/s22?received=yesterday").status_code == 400
        pdf = client.get("/assessments/DPIA-2017-004/foi/s22.pdf?received=2018-03-15")
        assert "Overdue now" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
