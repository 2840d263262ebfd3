"""The public retention register's rows: taken at scheduling from the public document, never from
the live rows, so nothing withheld is ever stored there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dpia.assessments.services.content import load_content
from dpia.publication.models import PublicRetentionRule
from dpia.publication.rules import Exemption, Scope, TargetType
from dpia.publication.services.retention import published_rules
from dpia.publication.services.scheduling import document_for
from tests.factories import CLOCK, Publisher, db_session


def rule(category: str, days: str = "30", **extra: str) -> dict[str, str]:
    return {"data_category": category, "period_days": days, "trigger": "on_alert",
            "justification": "Long enough to **answer** complaints", "deletion_method": "automatic", **extra}


@pytest.fixture()
def publisher(db) -> Publisher:  # noqa: ANN001
    return Publisher()


def stored(publication) -> list[PublicRetentionRule]:  # noqa: ANN001
    return list(db_session().scalars(select(PublicRetentionRule).where(
        PublicRetentionRule.publication_id == publication.id).order_by(PublicRetentionRule.position)))


def test_scheduling_stores_the_published_rules_in_order_as_plain_text(publisher):
    revision = publisher.draft(rows=(rule("Alert images", "30", exceptions="Kept as *evidence*"),
                                     rule("Faces that do not match", "0"), rule("Audit trail", "1095"),
                                     rule("Deployment records", "")))
    publication = publisher.publish(revision, CLOCK - timedelta(days=1))
    rows = stored(publication)
    assert [(r.position, r.data_category, r.period_days) for r in rows] == [
        (1, "Alert images", 30), (2, "Faces that do not match", 0), (3, "Audit trail", 1095),
        (4, "Deployment records", None)]
    first = rows[0]
    assert (first.trigger, first.justification, first.exceptions, first.deletion_method) == (
        "When an alert is raised", "Long enough to answer complaints", "Kept as evidence", "Automatic")
    assert rows[1].exceptions is None


@pytest.mark.parametrize("target", ["row", "question", "section"])
def test_a_withheld_row_question_or_section_is_never_stored(publisher, target):
    revision = publisher.draft(rows=(rule("Shown rule"),))
    hidden = publisher.add_row(revision, rule("Withheld rule"))
    publisher.approve(revision)
    key = {"row": hidden, "question": "later.retention", "section": "later"}[target]
    publisher.redact(revision, TargetType(target), key, "Police tactics", Exemption.S31_1_A)
    publication = publisher.publish(revision, CLOCK - timedelta(days=1))
    assert [r.data_category for r in stored(publication)] == ([] if target != "row" else ["Shown rule"])
    assert "Withheld rule" not in {r.data_category for r in db_session().scalars(select(PublicRetentionRule))}


def test_a_summary_only_publication_stores_no_rules(publisher):
    revision = publisher.draft(rows=(rule("Not in the summary"),))
    publisher.approve(revision)
    publisher.decide(revision, scope=Scope.SUMMARY)
    publication = publisher.schedule(revision, CLOCK - timedelta(days=1))
    assert stored(publication) == []


def test_rules_come_from_the_public_document_only(publisher):
    """The internal document (complete, unredacted) is never a source."""
    revision = publisher.draft(rows=(rule("A rule"),))
    internal = document_for(load_content(revision), organisation="Org", public=False)
    assert internal.retention is not None
    assert published_rules(internal) == []
    public = document_for(load_content(revision), organisation="Org", public=True)
    assert [r.data_category for r in published_rules(public)] == ["A rule"]


def _migration():  # noqa: ANN202
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[3] / "migrations/versions/2026-12-01_c9e5a7b32d43_public_retention.py"
    spec = importlib.util.spec_from_file_location("public_retention_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_fills_in_earlier_publications_as_scheduling_would(publisher):
    """Publications scheduled before the table existed get the same rows from their stored JSON."""
    revision = publisher.draft(rows=(rule("Alert images", "30", exceptions="Kept as *evidence*"),
                                     rule("Faces", "0"), rule("Records", ""), rule("Archive", "1095")))
    hidden = publisher.add_row(revision, rule("Withheld rule"))
    publisher.approve(revision)
    publisher.redact(revision, TargetType.ROW, hidden, "Police tactics", Exemption.S31_1_A)
    publication = publisher.publish(revision, CLOCK - timedelta(days=1))
    columns = ("position", "data_category", "period_days", "trigger", "justification", "exceptions",
               "deletion_method")
    at_scheduling = [{name: getattr(row, name) for name in columns} for row in stored(publication)]
    assert len(at_scheduling) == 4
    assert list(_migration()._rows(publication.json)) == at_scheduling
