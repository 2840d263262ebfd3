"""`make bench`: time the hot pages through the WSGI stack on a throw-away SQLite database.

Speed targets live here, not in timed tests. Prints median and 95th-percentile milliseconds, and the
median as a multiple of `/healthz`'s (timed first), so runs on machines of different speeds compare.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from dpia.core.clock import utcnow
from dpia.core.extensions import db
from dpia.demo.services import DEMO_PASSWORD, load_demo
from tests.factories import make_app
from tests.web import csrf_token
from tests.web import sign_in as sign_in_with_code

ROUNDS = 200
BASELINE: list[float] = []  # the median of the first page timed, /healthz


def timed(label: str, call, rounds: int = ROUNDS) -> None:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 400, (label, response.status_code)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    median = statistics.median(samples)
    BASELINE[:] = BASELINE or [median]
    print(f"{label:<34} median {median:6.2f} ms   p95 {p95:6.2f} ms   {median / BASELINE[0]:7.1f}x /healthz   "
          f"({rounds} requests)")


def large_pdf() -> None:
    """The PDF of a 200-section assessment, 5 KB of Markdown each: the builder's cost at a real size."""
    from dpia.documents.model import Document, Item, Section
    from dpia.documents.pdf.builder import build_pdf

    text = "Cameras read **number plates** at the *entrance*, under `public task`. " * 70 + "\n\n- one\n- two\n"
    sections = tuple(Section(f"s{n}", f"Section {n}", (Item(f"q{n}", "Question", markdown=f"## Part {n}\n{text}"),))
                     for n in range(200))
    document = Document(organisation="Org", reference="DPIA-1", title="Large", team="Team", regime="UK GDPR",
                        revision=1, status="Approved", written_on="1 June 2018", approved_on=None,
                        content_hash="0" * 64, public=True, scope="In full", sections=sections)
    start = time.perf_counter()
    data = build_pdf(document)
    print(f"{'PDF of 200 sections x 5 KB':<34} {time.perf_counter() - start:6.2f} s     ({len(data) // 1024} KB)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", TESTING=False)
        with app.app_context():
            upgrade()
            load_demo(now=utcnow())
            db.session.commit()
        client = app.test_client()
        timed("GET /healthz", lambda: client.get("/healthz"))
        timed("GET /sign-in", lambda: client.get("/sign-in"))

        def sign_in():
            fresh = app.test_client()
            token = csrf_token(fresh)
            return fresh.post("/sign-in", data={"email": "dpo@demo.test", "password": DEMO_PASSWORD,
                                                "csrf_token": token})

        timed("GET+POST /sign-in (argon2id)", sign_in, rounds=20)
        # The DPO's code step too: without it the pages below would only measure a redirect to sign-in.
        sign_in_response = sign_in_with_code(client, "dpo@demo.test", DEMO_PASSWORD)
        assert sign_in_response.status_code == 302 and sign_in_response.headers["Location"] == "/"
        timed("GET / (dashboard, DPO)", lambda: client.get("/"))
        timed("GET /assessments/DPIA-2017-004", lambda: client.get("/assessments/DPIA-2017-004"))
        timed("GET revision 2 check answers", lambda: client.get("/assessments/DPIA-2017-004/revisions/2/check"))
        timed("GET diff revision 1 to 2", lambda: client.get("/assessments/DPIA-2017-004/diff?from=1&to=2"))
        timed("GET sign-off page", lambda: client.get("/assessments/DPIA-2017-004/revisions/2/sign-off"))
        timed("GET task list (gates run)", lambda: client.get("/assessments/DPIA-2017-004/revisions/2"))
        timed("GET internal PDF (reportlab)", lambda: client.get("/assessments/DPIA-2017-004/revisions/2.pdf"),
              rounds=10)
        author = app.test_client()
        author.post("/sign-in", data={"email": "author@demo.test", "password": DEMO_PASSWORD,
                                      "csrf_token": csrf_token(author)})
        timed("GET section page (author)",
              lambda: author.get("/assessments/DPIA-2018-011/revisions/1/sections/processing"))
        public = app.test_client()
        timed("GET /register (anonymous)", lambda: public.get("/register"))
        timed("GET /register/DPIA-2019-002", lambda: public.get("/register/DPIA-2019-002"))
        timed("GET /register/DPIA-2019-002/1.pdf", lambda: public.get("/register/DPIA-2019-002/1.pdf"))
        with app.app_context():
            db.engine.dispose()
    large_pdf()


if __name__ == "__main__":
    main()
