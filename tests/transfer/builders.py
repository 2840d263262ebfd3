"""Data for the transfer tests: the demo plus published, revised, withdrawn and slipped assessments,
built through the services in a database of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.assessments.services.content import load_content
from dpia.attachments.rules import Choice, PublicationChoice
from dpia.attachments.services import set_publication, upload_attachment
from dpia.cnil.services.imports import import_file
from dpia.core.extensions import db
from dpia.demo.services import DEMO_REFERENCE, PUBLISHED_REFERENCE, load_demo
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.decisions import record_slippage
from dpia.review.services.comments import add_comment, resolve_comment
from dpia.transfer.services.export import export_assessment
from tests import factories
from tests.attachments import samples

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PUBLISHED_TWICE = "DPIA-2026-900"
WITHDRAWN = "DPIA-2026-901"
SLIPPED = "DPIA-2026-902"
EVIDENCE = "DPIA-2026-903"
REFERENCES = (DEMO_REFERENCE, PUBLISHED_REFERENCE, PUBLISHED_TWICE, WITHDRAWN, SLIPPED, EVIDENCE)
CNIL_PIA = Path(__file__).resolve().parent.parent / "fixtures" / "cnil" / "2018-02-21-pia-example.json"


def build_rich_data() -> tuple[str, ...]:
    """The demo, an assessment published twice with a redacted row, a comment thread with a reply and a
    resolution, a slipped plan, a withdrawn publication, evidence files (published and withheld, carried
    into a second revision) and an assessment imported from the CNIL's tool with its annex. Committed;
    every reference, the CNIL one last."""
    load_demo(now=NOW)
    publisher = factories.Publisher()
    factories.published(publisher, title="Number plate cameras", aims="Read plates", reference=PUBLISHED_TWICE,
                        revisions=2)
    withdrawn = factories.published(publisher, title="Drone trial", aims="Fly drones", reference=WITHDRAWN)[0]
    publisher.withdraw(withdrawn, "Published by mistake")
    draft = publisher.draft(title="Slipping plan", reference=SLIPPED,
                            rows=({"data_category": "Footage", "period_days": "31", "trigger": "on_capture",
                                   "justification": "Complaints", "deletion_method": "automatic"},))
    reviewer = factories.create_user(Role.REVIEWER, name="Rowan Reviewer")
    content = load_content(draft)
    question = add_comment(actor=reviewer, now=NOW, content=content, body="Which policy sets this?",
                           question_key="basics.aims")
    add_comment(actor=publisher.author(draft.assessment.team), now=NOW + timedelta(minutes=1), content=content,
                body="The records management policy, section 4.", parent=question)
    resolve_comment(actor=reviewer, now=NOW + timedelta(minutes=5), revision=draft, comment=question)
    publisher.approve(draft)
    decision = publisher.decide(draft, planned="2018-Q2")
    record_slippage(actor=publisher.dpo, now=factories.NOW + timedelta(days=1), decision=decision,
                    reason="Waiting for the board", new_planned="2019-Q1")
    row_uid = load_content(draft).rows["later.retention"][0].uid
    publisher.redact(draft, TargetType.ROW, row_uid, "Would help evade the cameras")
    build_evidence(publisher)
    cnil = import_file(actor=factories.create_user(Role.ADMIN, name="Ada Admin"), now=NOW,
                       raw=CNIL_PIA.read_bytes(), filename=CNIL_PIA.name)
    db.session.commit()
    assert cnil.reference is not None
    return (*REFERENCES, cnil.reference)


def build_evidence(publisher: factories.Publisher, reference: str = EVIDENCE) -> None:
    """An assessment with a published file on the whole revision and a withheld one on a question,
    published, then revised (the second revision's rows point at the same stored bytes)."""
    draft = publisher.draft(title="Body-worn video", reference=reference)
    author = publisher.author(draft.assessment.team)
    policy = upload_attachment(actor=author, now=NOW, revision=draft, filename="policy.pdf",
                               data=samples.pdf("Retention policy"), description="The retention policy")
    names = upload_attachment(actor=author, now=NOW, revision=draft, filename="rota.png", data=samples.png(),
                              question_key="basics.aims")
    set_publication(actor=publisher.dpo, now=NOW, revision=draft, attachment=policy,
                    choice=PublicationChoice(Choice.PUBLISH))
    set_publication(actor=publisher.dpo, now=NOW, revision=draft, attachment=names,
                    choice=PublicationChoice(Choice.WITHHOLD, Exemption.S40_2, "Names of officers"))
    publisher.publish(draft, factories.CLOCK - timedelta(days=10))
    publisher.revise(draft, aims="Record on request only")


def export(reference: str, now: datetime = LATER) -> bytes:
    data = export_assessment(actor=None, now=now, reference=reference)
    db.session.commit()
    return data


def table_counts() -> dict[str, int]:
    """The number of rows in every table: what "the database is unchanged" is checked against."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}
