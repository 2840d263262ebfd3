"""`flask dpia seed-scale`: the rows it adds, a chain that still verifies, and pages that work on them."""

from sqlalchemy import func, select, text

from dpia.accounts.models import User
from dpia.assessments.models import Answer, Assessment, Revision
from dpia.core.audit.services import verify_chain
from dpia.core.hashing import sha256
from dpia.demo.services import DEMO_PASSWORD, PUBLISHED_REFERENCE
from dpia.publication.models import Publication, PublicRetentionRule, Slippage
from dpia.review.models import Comment, SignOff
from dpia.review.rules.sign_off import SignOffKind
from dpia.review.rules.states import RevisionState
from tests.cli import run

PUBLISHED, ASSESSMENTS = 30, 24
# Of the 30 published, index 11 is withdrawn and index 5 is scheduled ahead (dpia/demo/services/scale.py);
# the demo's own published assessment is listed too.
LISTED = PUBLISHED - 2 + 1


def count(model, *where):  # noqa: ANN001, ANN002, ANN201
    from dpia.core.extensions import db

    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def seed(app):  # noqa: ANN001, ANN201
    result = run(app, "seed-scale", "--published", str(PUBLISHED), "--assessments", str(ASSESSMENTS),
                 "--batch-size", "10")
    assert result.exit_code == 0, result.output
    return result


def test_seed_scale_adds_the_counts_asked_for_and_the_chain_verifies(app, db, demo):
    before = count(Assessment)
    result = seed(app)
    assert "published: 30/30" in result.output and "assessments: 24/24" in result.output
    assert "published: 10/30" in result.output  # progress after each batch
    assert count(Assessment) == before + PUBLISHED + ASSESSMENTS
    seeded_publications = select(Publication.assessment_id).join(Assessment).where(
        Assessment.reference != PUBLISHED_REFERENCE)
    assert db.session.scalar(select(func.count(func.distinct(seeded_publications.subquery().c.assessment_id)))) \
        == PUBLISHED
    states = set(db.session.scalars(select(Revision.state).distinct()))
    assert {RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.AWAITING_SIGN_OFF, RevisionState.APPROVED,
            RevisionState.SUPERSEDED, RevisionState.REJECTED} <= states
    assert count(Answer, Answer.question_key == "need.aims") >= ASSESSMENTS
    assert count(Comment) > 1 and count(Slippage) > 0 and count(SignOff, SignOff.kind == SignOffKind.DPO_ADVICE) > 4
    assert verify_chain().ok
    verified = run(app, "audit", "verify")
    assert verified.exit_code == 0, verified.output


def test_each_bundle_is_the_demo_bundle_with_its_own_reference_title_and_hashes(app, db, demo, client):
    seed(app)
    publication, reference = db.session.execute(
        select(Publication, Assessment.reference).join(Assessment)
        .where(Assessment.reference != PUBLISHED_REFERENCE, Publication.withdrawn_at.is_(None))
        .order_by(Publication.publish_at).limit(1)).one()
    assert reference in publication.html and publication.title in publication.html
    assert PUBLISHED_REFERENCE not in publication.html and PUBLISHED_REFERENCE not in publication.json
    assert publication.html_sha256 == sha256(publication.html) and publication.json_sha256 == sha256(publication.json)
    page = client.get(f"/register/{reference}")
    assert page.status_code == 200 and publication.title in page.get_data(as_text=True)


def test_the_register_lists_the_seeded_assessments(app, db, demo, client):
    seed(app)
    listing = client.get("/register").get_data(as_text=True)
    assert f"{LISTED} assessments" in listing


def test_each_seeded_publication_carries_the_demo_retention_rules_to_the_public_register(app, db, demo, client):
    demo_rules = count(PublicRetentionRule)
    assert demo_rules  # the demo's own publication stored its rules at scheduling
    seed(app)
    # One set per seeded publication: index 7 of the 30 has a second revision (dpia/demo/services/scale.py).
    assert count(PublicRetentionRule) == demo_rules * (1 + PUBLISHED + 1)
    shown = client.get("/register/retention.json").get_json()
    assert shown["total"] == demo_rules * LISTED


def test_the_dpo_dashboard_renders_with_the_seeded_queues(app, db, demo, login_as):
    seed(app)
    waiting = db.session.scalar(
        select(Assessment.title).join(Revision).where(Revision.state == RevisionState.AWAITING_SIGN_OFF,
                                                      ~select(SignOff.id).where(SignOff.revision_id == Revision.id)
                                                      .exists()).order_by(Revision.submitted_at).limit(1))
    dpo = db.session.scalar(select(User).where(User.email == "dpo@demo.test"))
    page = login_as(dpo, DEMO_PASSWORD).get("/")
    assert page.status_code == 200
    assert waiting in page.get_data(as_text=True)


def test_a_second_run_adds_on_top_with_fresh_references(app, db, demo):
    seed(app)
    first = set(db.session.scalars(select(Assessment.reference)))
    seed(app)
    second = set(db.session.scalars(select(Assessment.reference)))
    assert len(second) == len(first) + PUBLISHED + ASSESSMENTS
    assert verify_chain().ok


def test_seed_scale_needs_the_demo(app, db):
    result = run(app, "seed-scale", "--published", "3")
    assert result.exit_code == 1
    assert "Load the demo first" in result.output
    assert count(Assessment) == 0


def test_seed_scale_leaves_the_planner_statistics_up_to_date(app, db, demo):
    """Straight after a load the planner would still plan for the empty tables (measured: /register
    on PostgreSQL 1.5 times as slow until autovacuum caught up)."""
    from dpia.core.extensions import db as database

    result = seed(app)
    # Before the register is rebuilt from the loaded tables, whose old statistics made that crawl.
    assert result.output.index("planner statistics updated: 1/1") < result.output.index("register rebuilt: 1/1")
    for table in ("publication", "register_entry"):
        if database.engine.dialect.name == "sqlite":
            analysed = database.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
        else:
            analysed = database.session.scalar(text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = :t AND last_analyze IS NOT NULL"),
                {"t": table})
        assert analysed, table
