"""`dpia attachments-check` finds missing and damaged content; `dpia attachments-prune` removes unused content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dpia.attachments.services import remove_attachment
from tests.attachments import samples
from tests.attachments.conftest import attach
from tests.factories import NOW, Publisher, commit

pytestmark = pytest.mark.usefixtures("attachments_dir")


def test_check_and_prune_the_store(app, db, clock, attachments_dir: Path) -> None:
    publisher = Publisher()
    revision = publisher.draft()
    author = publisher.author(revision.assessment.team)
    kept = attach(author, revision, samples.pdf("Kept"), "kept.pdf")
    dropped = attach(author, revision, samples.csv("Dropped"), "dropped.csv")
    remove_attachment(actor=author, now=NOW, revision=revision, attachment=dropped)
    commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["dpia", "attachments-check"])
    assert result.exit_code == 0, result.output
    assert "1 stored file(s) no longer used" in result.output and "matches its SHA-256" in result.output

    # Just written: the prune leaves it, as it may belong to an upload still being committed.
    clock.set(datetime.now(UTC))
    assert "Removed 0 stored file(s)" in runner.invoke(args=["dpia", "attachments-prune"]).output
    clock.set(datetime.now(UTC) + timedelta(hours=2))
    assert "Removed 1 stored file(s)" in runner.invoke(args=["dpia", "attachments-prune"]).output
    assert [p.name for p in attachments_dir.rglob("*") if p.is_file()] == [kept.sha256]

    (attachments_dir / kept.sha256[:2] / kept.sha256).write_bytes(b"changed")
    result = runner.invoke(args=["dpia", "attachments-check"])
    assert result.exit_code == 1 and f"damaged: {kept.sha256}" in result.output
    (attachments_dir / kept.sha256[:2] / kept.sha256).unlink()
    result = runner.invoke(args=["dpia", "attachments-check"])
    assert result.exit_code == 1 and f"missing: {kept.sha256}" in result.output
