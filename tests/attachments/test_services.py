"""Evidence files through the services: carried into new revisions, published only when the public
document lists them, in revisions' documents, and out and back in through the export hooks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dpia.assessments.services.content import load_content
from dpia.attachments.rules import Choice, PublicationChoice
from dpia.attachments.services import (
    attachments_of,
    export_attachments,
    import_attachment,
    public_attachment,
    read_content,
    remove_attachment,
    set_publication,
)
from dpia.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.scheduling import document_for
from tests.attachments import samples
from tests.attachments.conftest import attach
from tests.factories import CLOCK, NOW, ORGANISATION, Publisher, commit

pytestmark = pytest.mark.usefixtures("attachments_dir", "clock")

WITHHELD = PublicationChoice(Choice.WITHHOLD, Exemption.S42, "Legal advice")
PUBLISHED = PublicationChoice(Choice.PUBLISH)


def test_a_new_revision_gets_the_files_pointing_at_the_same_content(db, attachments_dir: Path) -> None:
    publisher = Publisher()
    first = publisher.draft()
    author = publisher.author(first.assessment.team)
    kept = attach(author, first, samples.pdf("Policy"), "policy.pdf", question_key="basics.aims", description="Policy")
    set_publication(actor=publisher.dpo, now=NOW, revision=first, attachment=kept, choice=WITHHELD)
    publisher.approve(first)
    second = publisher.revise(first, aims="Changed aims")
    [copy] = attachments_of(second)
    assert copy.id != kept.id and copy.revision_id == second.id
    assert ((copy.sha256, copy.filename, copy.question_key, copy.description, copy.size, copy.file_type)
            == (kept.sha256, kept.filename, kept.question_key, kept.description, kept.size, kept.file_type))
    assert (copy.publication, copy.exemption, copy.publication_reason) == (Choice.WITHHOLD, Exemption.S42,
                                                                           "Legal advice")
    remove_attachment(actor=author, now=NOW, revision=second, attachment=copy)
    assert attachments_of(second) == [] and [a.id for a in attachments_of(first)] == [kept.id]
    assert read_content(kept.sha256) == samples.pdf("Policy")  # the one stored copy is still there
    assert len([p for p in attachments_dir.rglob("*") if p.is_file()]) == 1


def test_the_rules_are_checked_again_in_the_services(db) -> None:
    publisher = Publisher()
    revision = publisher.draft()
    author = publisher.author(revision.assessment.team)
    with pytest.raises(PermissionDeniedError):
        attach(publisher.reviewer, revision, samples.csv(), "a.csv")
    row = attach(author, revision, samples.csv(), "a.csv")
    with pytest.raises(PermissionDeniedError):
        set_publication(actor=author, now=NOW, revision=revision, attachment=row, choice=PUBLISHED)
    with pytest.raises(PermissionDeniedError):
        remove_attachment(actor=publisher.reviewer, now=NOW, revision=revision, attachment=row)


@pytest.fixture()
def published(db):  # noqa: ANN001, ANN201
    """A published revision with a published, a withheld and an undecided file, and a published file on
    a withheld question."""
    publisher = Publisher()
    revision = publisher.draft(reference="DPIA-2026-701")
    author = publisher.author(revision.assessment.team)
    files = {
        "published": attach(author, revision, samples.pdf("Shown"), "shown.pdf"),
        "withheld": attach(author, revision, samples.pdf("Held"), "held.pdf"),
        "undecided": attach(author, revision, samples.csv("Open"), "open.csv"),
        "on_withheld_question": attach(author, revision, samples.png(), "names.png", question_key="basics.name"),
    }
    publisher.approve(revision)
    for key, choice in (("published", PUBLISHED), ("withheld", WITHHELD), ("on_withheld_question", PUBLISHED)):
        set_publication(actor=publisher.dpo, now=NOW, revision=revision, attachment=files[key], choice=choice)
    publisher.redact(revision, TargetType.QUESTION, "basics.name", "Names of officers", Exemption.S40_2)
    publication = publisher.publish(revision, CLOCK - timedelta(days=1))
    commit()  # a 404 rolls the request's session back
    return {"publisher": publisher, "revision": revision, "files": files, "publication": publication}


def test_only_files_the_public_document_lists_as_published_are_served(client, published) -> None:
    files = published["files"]
    url = "/register/DPIA-2026-701/1/files/{}"
    response = client.get(url.format(files["published"].sha256))
    assert response.status_code == 200 and response.data == samples.pdf("Shown")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="shown.pdf"')
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["ETag"] == f'"{files["published"].sha256}"'
    for key in ("withheld", "undecided", "on_withheld_question"):
        assert client.get(url.format(files[key].sha256)).status_code == 404, key
    for wrong in ("/register/DPIA-2026-701/2/files/{}", "/register/DPIA-2026-999/1/files/{}"):
        assert client.get(wrong.format(files["published"].sha256)).status_code == 404
    assert client.get(url.format("../../etc/passwd")).status_code == 404


def test_choices_are_fixed_once_scheduled(published) -> None:
    with pytest.raises(ConflictError):
        set_publication(actor=published["publisher"].dpo, now=NOW, revision=published["revision"],
                        attachment=published["files"]["undecided"], choice=PUBLISHED)


def test_nothing_is_served_before_publish_at_or_after_withdrawal(client, published, clock) -> None:
    sha = published["files"]["published"].sha256
    url = f"/register/DPIA-2026-701/1/files/{sha}"
    clock.set(CLOCK - timedelta(days=2))
    assert client.get(url).status_code == 404
    clock.set(CLOCK)
    assert client.get(url).status_code == 200
    published["publisher"].withdraw(published["publication"], "Published in error")
    commit()
    assert client.get(url).status_code == 404
    assert public_attachment("DPIA-2026-701", 1, sha, now=CLOCK) is None


def test_documents_list_files_as_their_readers_may_see_them(published) -> None:
    content = load_content(published["revision"])
    internal = document_for(content, organisation=ORGANISATION, public=False)
    # The whole revision's files first, then each question's, oldest first.
    assert [f.name for f in internal.files] == ["shown.pdf", "held.pdf", "open.csv", "names.png"]
    public = document_for(content, organisation=ORGANISATION, public=True)
    shown = [f for f in public.files if not f.withheld]
    assert [(f.name, f.type_label) for f in shown] == [("shown.pdf", "PDF")]
    assert shown[0].url == f"/register/DPIA-2026-701/1/files/{published['files']['published'].sha256}"
    notices = sorted(f.withheld.notice for f in public.files if f.withheld)
    assert notices == ["Withheld under FOI Act s.40(2): Names of officers", "Withheld under FOI Act s.42: Legal advice"]
    assert all(f.name == "" and f.size == "" and f.url == "" for f in public.files if f.withheld)


def test_export_and_import_hooks(db, published) -> None:
    revision = published["revision"]
    exported = export_attachments(revision)
    assert [record["filename"] for record in exported] == ["shown.pdf", "held.pdf", "open.csv", "names.png"]
    held = exported[1]
    assert held["publication"] == "withhold" and held["exemption"] == "s42" and held["size"] > 0
    assert read_content(held["sha256"]) == samples.pdf("Held")
    target = published["publisher"].draft()
    restored = import_attachment(revision=target, record=held, data=read_content(held["sha256"]))
    assert (restored.sha256, restored.filename, restored.publication, restored.exemption) == (
        held["sha256"], "held.pdf", Choice.WITHHOLD, Exemption.S42)
    assert export_attachments(target)[0] | {"uploaded_by_id": None, "publication_set_by_id": None} == \
        held | {"uploaded_by_id": None, "publication_set_by_id": None}
    with pytest.raises(ValidationError, match="does not match its SHA-256"):
        import_attachment(revision=target, record=held, data=samples.pdf("Tampered"))
    with pytest.raises(NotFoundError):
        read_content("0" * 64)
    with pytest.raises(NotFoundError):
        read_content("../../etc/passwd")
