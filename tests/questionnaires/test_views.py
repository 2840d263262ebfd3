"""Administrators list, upload and compare questionnaire versions."""

import io
import re
import textwrap

import yaml
from markupsafe import escape
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from dpia.questionnaires.models import Questionnaire, QuestionnaireVersion
from dpia.questionnaires.rules.schema import check_text
from dpia.questionnaires.services import BUILTIN_DIR, latest_version, load_builtin_questionnaires, upload_version
from tests import factories
from tests.factories import RISK_MODEL_YAML
from tests.web import csrf_token

UPLOAD = "/admin/questionnaires/upload"

SMALL = """\
key: small-q
title: Small questionnaire
version: "{version}"
regimes: [uk_gdpr]
""" + RISK_MODEL_YAML + """sections:
  - key: about
    title: About
    questions:
      - {{key: about.name, label: Project name, type: short_text, required: true}}
{extra}"""


def small(version: int, extra: str = "") -> str:
    return SMALL.format(version=version, extra=textwrap.indent(extra, "      "))


def store(text: str, now=factories.NOW):
    return upload_version(actor=factories.create_user(Role.ADMIN), now=now, text=text, filename="q.yaml").version


def post_file(client, content: bytes, filename: str = "q.yaml"):
    return client.post(UPLOAD, data={"file": (io.BytesIO(content), filename), "csrf_token": csrf_token(client, UPLOAD)},
                       content_type="multipart/form-data")


def version_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionnaireVersion))


def admin_client(client, login_as):
    return login_as(factories.create_user(Role.ADMIN))


# -- list ---------------------------------------------------------------------------------------


def test_list_shows_each_questionnaire_with_its_versions(client, db, login_as):
    first = store(small(1))
    second = store(small(2, "- {key: about.more, label: More, type: markdown}\n"))
    admin_client(client, login_as)
    response = client.get("/admin/questionnaires")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Small questionnaire" in body and "small-q" in body
    assert first.content_hash[:12] in body and second.content_hash[:12] in body
    assert "27 November 2026" in body
    assert 'href="/admin/questionnaires/small-q/diff?from=1&amp;to=2"' in body
    assert "from=0" not in body
    assert 'href="/admin/questionnaires/upload"' in body


def test_list_statement_count_does_not_grow_with_versions(client, db, login_as, count_queries):
    store(small(1))
    admin_client(client, login_as)
    with count_queries() as few:
        assert client.get("/admin/questionnaires").status_code == 200
    for number in range(2, 8):
        store(small(number))
    with count_queries() as many:
        body = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "?from=6&amp;to=7" in body
    assert many.count == few.count


def test_non_admins_are_refused(client, db, login_as):
    store(small(1))
    login_as(factories.create_user(Role.DPO))
    for path in ("/admin/questionnaires", UPLOAD, "/admin/questionnaires/small-q/diff?from=1&to=2"):
        assert client.get(path).status_code == 403, path
    response = client.post(UPLOAD, data={"file": (io.BytesIO(small(2).encode()), "q.yaml"),
                                         "csrf_token": csrf_token(client, "/")}, content_type="multipart/form-data")
    assert response.status_code == 403


# -- upload -------------------------------------------------------------------------------------


def test_upload_form_is_shown(client, db, login_as):
    admin_client(client, login_as)
    body = client.get(UPLOAD).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file"' in body and 'name="file"' in body
    assert "Error:" not in body


def test_upload_of_a_changed_builtin_creates_version_2(client, db, login_as):
    load_builtin_questionnaires(now=factories.NOW)
    data = yaml.safe_load((BUILTIN_DIR / "uk-dpia.yaml").read_text(encoding="utf-8"))
    data["version"] = "test-1.1"
    data["sections"][-1]["questions"].append(
        {"key": "test.review_owner", "label": "Who owns the review?", "type": "person"})
    changed = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    admin = factories.create_user(Role.ADMIN)
    login_as(admin)
    response = post_file(client, changed.encode(), "uk-dpia.yaml")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/questionnaires"
    version = latest_version("uk-dpia")
    assert (version.number, version.label) == (2, "test-1.1")
    body = client.get("/admin/questionnaires").get_data(as_text=True)
    assert "Version 2 of UK data protection impact assessment uploaded" in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "questionnaire.upload"))
    assert event.actor_id == admin.id and event.summary["created"] is True


def test_uploading_the_same_definition_again_says_so(client, db, login_as):
    store(small(1))
    admin_client(client, login_as)
    before = version_count(db)
    response = post_file(client, small(1).encode())
    assert response.status_code == 302
    assert version_count(db) == before
    assert "That definition is already stored as version 1" in client.get("/admin/questionnaires").get_data(
        as_text=True)


def test_broken_yaml_shows_every_file_line_problem_and_stores_nothing(client, db, login_as):
    admin_client(client, login_as)
    broken = small(1).replace("type: short_text", "type: essay").replace("title: About", "title: ''")
    expected = check_text(broken, "broken.yaml")
    assert len(expected) >= 2 and all(line.startswith("broken.yaml:") for line in expected)
    questionnaires_before, versions_before = (
        db.session.scalar(select(func.count()).select_from(Questionnaire)), version_count(db))
    response = post_file(client, broken.encode(), "broken.yaml")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'role="alert"[^>]*>\s*<h2\b[^>]*>\s*There is a problem with the file\s*</h2>', body)
    assert "<title>Error:" in body
    for line in expected:
        assert str(escape(line)) in body, line
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == questionnaires_before
    assert version_count(db) == versions_before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "questionnaire.upload")) == 0


def test_unparseable_yaml_is_reported_with_its_line(client, db, login_as):
    admin_client(client, login_as)
    response = post_file(client, b"key: x\ntitle: [unclosed\n", "bad.yml")
    assert response.status_code == 400
    assert "bad.yml:" in response.get_data(as_text=True)


def test_upload_form_checks_the_file(client, db, login_as):
    admin_client(client, login_as)
    cases = [
        ({"csrf_token": csrf_token(client, UPLOAD)}, "Select a questionnaire definition file"),
        ({"file": (io.BytesIO(b"key: x"), "q.txt")}, "The selected file must be a YAML file"),
        ({"file": (io.BytesIO(b"# " + b"x" * (512 * 1024)), "q.yaml")},
         "The selected file must be smaller than 512 KB"),
        ({"file": (io.BytesIO(b"\xff\xfe\x00"), "q.yaml")}, "The selected file must be UTF-8 text"),
        ({"file": (io.BytesIO(b"  \n"), "q.yaml")}, "The selected file is empty"),
    ]
    for data, message in cases:
        data = {"csrf_token": csrf_token(client, UPLOAD), **data}
        response = client.post(UPLOAD, data=data, content_type="multipart/form-data")
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True)


# -- diff ---------------------------------------------------------------------------------------


def test_diff_shows_added_removed_and_changed_questions(client, db, login_as):
    store(small(1, "- {key: about.old, label: Old question, type: markdown}\n"))
    store(small(2, "- {key: about.new, label: Brand new question, type: yes_no, required: true}\n")
          .replace("label: Project name", "label: Name of the project"))
    admin_client(client, login_as)
    response = client.get("/admin/questionnaires/small-q/diff?from=1&to=2")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Brand new question" in body and "about.new" in body
    assert "Old question" in body and "about.old" in body
    added = body.index("Questions added")
    removed = body.index("Questions removed")
    assert added < body.index("Brand new question") < removed < body.index("Old question")
    assert "Name of the project" in body and "Project name" in body
    assert "1 question added, 1 removed, 1 changed" in body


def test_diff_refuses_bad_version_numbers(client, db, login_as):
    store(small(1))
    store(small(2))
    admin_client(client, login_as)
    for query in ("from=2&to=1", "from=1&to=1", "from=one&to=2", "from=1", "to=2"):
        response = client.get(f"/admin/questionnaires/small-q/diff?{query}")
        assert response.status_code == 400, query
        assert "version" in response.get_data(as_text=True), query
    for path in ("/admin/questionnaires/nope/diff?from=1&to=2", "/admin/questionnaires/small-q/diff?from=1&to=9"):
        assert client.get(path).status_code == 404, path
