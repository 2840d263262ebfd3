"""Evidence pages: upload by content type, size limits, safe downloads, who may see and change files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.attachments.models import Attachment
from dpia.attachments.rules import Choice, FileType
from dpia.core.audit.models import AuditEvent
from dpia.publication.rules import Exemption
from dpia.review.rules.states import RevisionState
from tests import factories
from tests.attachments import samples
from tests.web import as_user, csrf_token

pytestmark = pytest.mark.usefixtures("attachments_dir")

NAMES = {"pdf": "policy.pdf", "png": "map.png", "jpeg": "photo.jpg", "docx": "advice.docx", "xlsx": "figures.xlsx",
         "odt": "notes.odt", "csv": "alerts.csv"}


@pytest.fixture()
def world(db):  # noqa: ANN001, ANN201
    team = factories.create_team()
    author = factories.create_user(teams=(team,))
    outsider = factories.create_user(teams=(factories.create_team(),))
    reviewer = factories.create_user(Role.REVIEWER)
    dpo = factories.create_user(Role.DPO)
    assessment = factories.create_assessment(team, version=factories.create_questionnaire_version())
    db.session.commit()
    return {"author": author, "outsider": outsider, "reviewer": reviewer, "dpo": dpo,
            "revision": assessment.revisions[0], "base": f"/assessments/{assessment.reference}/revisions/1/evidence"}


def upload(client, base: str, data: bytes, name: str, **fields: str):  # noqa: ANN001, ANN201
    token = csrf_token(client, base)
    return client.post(base, data={"csrf_token": token, "evidence_file": (io.BytesIO(data), name), "question": "",
                                   "description": "", **fields}, content_type="multipart/form-data")


def rows(db) -> list[Attachment]:  # noqa: ANN001
    return list(db.session.scalars(select(Attachment).order_by(Attachment.id)))


@pytest.mark.parametrize("kind", sorted(samples.ACCEPTED))
def test_each_accepted_type_is_stored_by_its_hash_and_served_as_a_safe_download(app, db, world, kind,
                                                                                attachments_dir: Path) -> None:
    client = as_user(app, world["author"])
    data = samples.ACCEPTED[kind]()
    response = upload(client, world["base"], data, NAMES[kind], description="The force's policy")
    assert response.status_code == 302, response.get_data(as_text=True)
    [row] = rows(db)
    assert (row.file_type, row.size, row.filename, row.description) == (FileType(kind), len(data), NAMES[kind],
                                                                         "The force's policy")
    assert (attachments_dir / row.sha256[:2] / row.sha256).read_bytes() == data
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attachment.upload")) == 1

    download = client.get(f"{world['base']}/{row.id}")
    assert download.status_code == 200
    assert download.data == data
    headers = download.headers
    assert headers["Content-Type"] == FileType(kind).media_type
    assert headers["Content-Disposition"] == f"attachment; filename=\"{NAMES[kind]}\"; filename*=UTF-8''{NAMES[kind]}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    page = client.get(world["base"]).get_data(as_text=True)
    assert NAMES[kind] in page and FileType(kind).label in page


@pytest.mark.parametrize(("data", "name", "message"), [
    (samples.exe(), "report.pdf", "The selected file must be a PDF, DOCX, ODT, XLSX, PNG, JPEG or CSV"),
    (samples.html(), "evidence.pdf", "The selected file must be a PDF, DOCX, ODT, XLSX, PNG, JPEG or CSV"),
    (samples.truncated_zip(), "advice.docx", "The selected file is damaged"),
    (b"", "empty.csv", "The selected file is empty"),
], ids=["renamed-exe", "html-as-pdf", "truncated-zip", "empty"])
def test_wrong_content_is_refused_with_what_to_fix_and_the_description_kept(app, db, world, data, name, message,
                                                                            attachments_dir: Path) -> None:
    client = as_user(app, world["author"])
    response = upload(client, world["base"], data, name, description="Typed description 42")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body and "There is a problem" in body and 'href="#evidence_file"' in body
    assert "Typed description 42" in body
    assert rows(db) == [] and not attachments_dir.exists()


def test_no_file_chosen_says_to_select_one(app, db, world) -> None:
    client = as_user(app, world["author"])
    token = csrf_token(client, world["base"])
    response = client.post(world["base"], data={"csrf_token": token, "question": "", "description": "Kept"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Select a file to upload" in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_with_the_limit(app, db, world, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    client = as_user(app, world["author"])
    # Over the limit but inside the request's allowance: the service refuses it, the description stays.
    response = upload(client, world["base"], samples.csv("x" * 2000), "big.csv", description="Kept text")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "The selected file must be smaller than 1 KB" in body and "Kept text" in body
    # Far over: the request itself is refused before it is read, with the same page and message.
    response = upload(client, world["base"], samples.csv("x" * 200_000), "huge.csv")
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "The selected file must be smaller than 1 KB" in body and "Add an evidence file" in body
    assert rows(db) == []
    # Someone who cannot see the revision learns nothing from an oversized upload either.
    outsider = as_user(app, world["outsider"])
    token = csrf_token(outsider, "/")
    refused = outsider.post(world["base"], data={"csrf_token": token, "evidence_file": (io.BytesIO(b"x" * 200_000),
                                                                                     "a.csv")},
                            content_type="multipart/form-data")
    assert refused.status_code == 404


def test_the_default_limit_is_20_megabytes_and_applies_only_to_the_upload(app, db, world) -> None:
    assert app.config["ATTACHMENT_MAX_BYTES"] == 20 * 1024 * 1024
    client = as_user(app, world["author"])
    page = client.get(world["base"]).get_data(as_text=True)
    assert "smaller than 20.0 MB" in page
    # Elsewhere the app's own, smaller request limit still holds.
    token = csrf_token(client, world["base"])
    big = client.post(f"{world['base']}/1/remove", data={"csrf_token": token, "x": "y" * (6 * 1024 * 1024)})
    assert big.status_code == 413


def test_equal_files_are_stored_once(app, db, world, attachments_dir: Path) -> None:
    client = as_user(app, world["author"])
    data = samples.pdf("Same")
    assert upload(client, world["base"], data, "one.pdf").status_code == 302
    assert upload(client, world["base"], data, "two.pdf").status_code == 302
    first, second = rows(db)
    assert first.sha256 == second.sha256 and first.id != second.id
    assert [p.name for p in attachments_dir.rglob("*") if p.is_file()] == [first.sha256]


def test_evidence_for_one_question(app, db, world) -> None:
    client = as_user(app, world["author"])
    page = client.get(f"{world['base']}?question=basics.aims").get_data(as_text=True)
    assert 'value="basics.aims" selected' in page
    assert upload(client, world["base"], samples.csv(), "a.csv", question="basics.aims").status_code == 302
    assert rows(db)[0].question_key == "basics.aims"
    refused = upload(client, world["base"], samples.csv(), "b.csv", question="no.such.question")
    assert refused.status_code == 400
    assert "Select a question of this revision" in refused.get_data(as_text=True)


def test_the_section_page_links_each_question_to_its_evidence(app, db, world) -> None:
    client = as_user(app, world["author"])
    page = client.get(world["base"].replace("/evidence", "/sections/basics")).get_data(as_text=True)
    assert f"{world['base']}?question=basics.aims#upload" in page
    task_list = client.get(world["base"].replace("/evidence", "")).get_data(as_text=True)
    assert f'href="{world["base"]}"' in task_list


def test_people_who_cannot_see_the_revision_get_404_and_visitors_sign_in(app, db, world) -> None:
    author = as_user(app, world["author"])
    assert upload(author, world["base"], samples.csv(), "a.csv").status_code == 302
    file_url = f"{world['base']}/{rows(db)[0].id}"
    outsider = as_user(app, world["outsider"])
    for url in (world["base"], file_url, f"{world['base']}/999999"):
        assert outsider.get(url).status_code == 404
    token = csrf_token(outsider, "/")
    assert outsider.post(f"{file_url}/remove", data={"csrf_token": token}).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(file_url).status_code == 302
    assert "/sign-in" in anonymous.get(file_url).headers["Location"]
    assert len(rows(db)) == 1


def test_reviewers_see_and_download_but_only_the_team_adds_or_removes(app, db, world) -> None:
    author = as_user(app, world["author"])
    assert upload(author, world["base"], samples.csv(), "a.csv").status_code == 302
    row = rows(db)[0]
    reviewer = as_user(app, world["reviewer"])
    page = reviewer.get(world["base"]).get_data(as_text=True)
    assert "a.csv" in page and "Add an evidence file" not in page and "Remove" not in page
    assert reviewer.get(f"{world['base']}/{row.id}").status_code == 200
    assert upload(reviewer, world["base"], samples.csv(), "b.csv").status_code == 403
    token = csrf_token(reviewer, world["base"])
    assert reviewer.post(f"{world['base']}/{row.id}/remove", data={"csrf_token": token}).status_code == 403
    assert len(rows(db)) == 1


def test_the_team_removes_a_file_while_the_revision_is_editable(app, db, world) -> None:
    author = as_user(app, world["author"])
    assert upload(author, world["base"], samples.csv(), "a.csv").status_code == 302
    row_id = rows(db)[0].id
    token = csrf_token(author, world["base"])
    assert author.post(f"{world['base']}/{row_id}/remove", data={}).status_code == 400  # no CSRF token
    response = author.post(f"{world['base']}/{row_id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert rows(db) == []


def test_nothing_changes_once_the_revision_is_not_editable(app, db, world) -> None:
    author = as_user(app, world["author"])
    assert upload(author, world["base"], samples.csv(), "a.csv").status_code == 302
    world["revision"].state = RevisionState.SUBMITTED
    db.session.commit()
    page = author.get(world["base"]).get_data(as_text=True)
    assert "a.csv" in page and "Add an evidence file" not in page
    assert upload(author, world["base"], samples.csv(), "b.csv").status_code == 403
    token = csrf_token(author, world["base"])
    assert author.post(f"{world['base']}/{rows(db)[0].id}/remove", data={"csrf_token": token}).status_code == 403
    assert len(rows(db)) == 1


def test_the_dpo_publishes_or_withholds_each_file(app, db, world) -> None:
    author = as_user(app, world["author"])
    assert upload(author, world["base"], samples.csv(), "a.csv").status_code == 302
    row = rows(db)[0]
    url = f"{world['base']}/{row.id}/publication"
    assert author.get(url).status_code == 403
    dpo = as_user(app, world["dpo"])
    token = csrf_token(dpo, url)
    missing = dpo.post(url, data={"csrf_token": token, "choice": "withhold", "exemption": "", "reason": "Why"})
    assert missing.status_code == 400
    assert "Select the exemption the file is withheld under" in missing.get_data(as_text=True)
    saved = dpo.post(url, data={"csrf_token": token, "choice": "withhold", "exemption": "s42", "reason": "Advice"})
    assert saved.status_code == 302
    db.session.refresh(row)
    assert (row.publication, row.exemption, row.publication_reason) == (Choice.WITHHOLD, Exemption.S42, "Advice")
    assert "Withheld under FOI Act s.42" in dpo.get(world["base"]).get_data(as_text=True)
    assert dpo.post(url, data={"csrf_token": token, "choice": "publish"}).status_code == 302
    db.session.refresh(row)
    assert (row.publication, row.exemption, row.publication_reason) == (Choice.PUBLISH, None, None)
