"""`attachments_dir`: evidence files go to a directory of the test's own (use it in every test that stores files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture()
def attachments_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "attachments"
    saved = app.config["ATTACHMENTS_DIR"]
    app.config["ATTACHMENTS_DIR"] = str(directory)
    yield directory
    app.config["ATTACHMENTS_DIR"] = saved


def attach(author, revision, data: bytes, name: str, *, question_key: str | None = None,  # noqa: ANN001, ANN201
           description: str | None = None):
    """Attach a file through the service as `author` (a member of the revision's team)."""
    from dpia.attachments.services import upload_attachment
    from tests import factories

    return upload_attachment(actor=author, now=factories.NOW, revision=revision, filename=name, data=data,
                             question_key=question_key, description=description)
