"""The public schema, and the administrators' export and import page."""

from __future__ import annotations

import io
import json
import re

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from dpia.accounts.rules import Role
from dpia.assessments.models import Assessment
from dpia.demo.services import PUBLISHED_REFERENCE
from tests import factories
from tests.transfer.builders import table_counts

PAGE = "/admin/transfer"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _token(client) -> str:
    match = TOKEN.search(client.get(PAGE).get_data(as_text=True))
    assert match
    return match.group(1)


def _upload(client, data: bytes, new_reference: str = "", *, token: str | None = None):
    return client.post(f"{PAGE}/import", content_type="multipart/form-data", data={
        "export_file": (io.BytesIO(data), "export.json"), "new_reference": new_reference,
        "csrf_token": token if token is not None else _token(client)})


@pytest.fixture()
def admin(client, login_as):
    return login_as(factories.create_user(Role.ADMIN))


def test_the_schema_is_public_and_a_valid_2020_12_schema(client):
    response = client.get("/api/schema/assessment-export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema = json.loads(response.data)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"] == {"const": "dpia-assessment-export"}


def test_the_page_needs_an_administrator(client, login_as):
    assert client.get(PAGE).status_code == 302  # to sign in
    login_as(factories.create_user(Role.DPO))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/export", data={"reference": "x"}).status_code in (400, 403)


def test_the_page_shows_both_forms_with_csrf_tokens(admin):
    page = admin.get(PAGE).get_data(as_text=True)
    forms = {re.search(r'action="([^"]+)"', form).group(1): form for form in page.split("<form")[1:]}
    assert 'name="csrf_token"' in forms[f"{PAGE}/export"] and 'name="csrf_token"' in forms[f"{PAGE}/import"]
    assert 'name="export_file"' in page and 'name="new_reference"' in page and 'name="reference"' in page


def test_export_downloads_the_file(admin, demo):
    response = admin.post(f"{PAGE}/export", data={"reference": PUBLISHED_REFERENCE, "csrf_token": _token(admin)})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{PUBLISHED_REFERENCE}.json"'
    assert json.loads(response.data)["assessment"]["reference"] == PUBLISHED_REFERENCE


def test_export_of_an_unknown_reference_says_so(admin, db):
    response = admin.post(f"{PAGE}/export", data={"reference": "DPIA-0000-000", "csrf_token": _token(admin)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "There is no assessment with the reference DPIA-0000-000" in page


def test_a_form_without_its_csrf_token_is_refused(admin, valid_file):
    before = table_counts()
    assert _upload(admin, valid_file, token="").status_code == 400
    assert admin.post(f"{PAGE}/export", data={"reference": PUBLISHED_REFERENCE}).status_code == 400
    assert table_counts() == before


def test_import_stores_the_assessment_and_shows_it(admin, valid_file, db):
    response = _upload(admin, valid_file)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assessments/{PUBLISHED_REFERENCE}")
    assert db.session.scalar(select(Assessment.id).where(Assessment.reference == PUBLISHED_REFERENCE))
    shown = admin.get(response.headers["Location"])
    assert shown.status_code == 200 and f"Imported as {PUBLISHED_REFERENCE}" in shown.get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "The file is not JSON: Expecting value at line 1, column 1."),
    (b"[" * 100_000, "levels deep"),
    (b'{"format": "dpia-assessment-export", "version": 7}', "Export format version 7 is not supported"),
    (b'{"format": "dpia-assessment-export", "version": 1}', "At $: the key &#34;assessment&#34; is missing."),
])
def test_a_bad_upload_gets_its_message_and_changes_nothing(admin, db, data, message):
    before = table_counts()
    response = _upload(admin, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert table_counts() == before


def test_a_taken_reference_is_shown_on_the_new_reference_field(admin, valid_file):
    assert _upload(admin, valid_file).status_code == 302
    before = table_counts()
    response = _upload(admin, valid_file)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "--as NEW-REFERENCE" in page and 'href="#new_reference"' in page
    assert table_counts() == before
    assert _upload(admin, valid_file, "DPIA-2019-002-B").status_code == 302


def test_an_oversized_upload_gets_the_page_with_the_limit(app, admin, valid_file, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSFER_MAX_BYTES", 1024)
    token = _token(admin)
    before = table_counts()
    response = _upload(admin, b" " * 200_000, token=token)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "files larger than 1.0 KB are refused (TRANSFER_MAX_BYTES)" in page
    assert table_counts() == before


def _audit_rows(body: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row">\s*<td.*?</tr>', body, re.S)


def test_the_audit_page_lists_the_imported_rows_after_its_own_marked_as_imported(client, login_as, valid_file,
                                                                                valid_document, monkeypatch):
    import dpia.assessments.views as assessment_views
    from dpia.transfer.services.importer import import_assessment
    from tests.transfer.builders import LATER

    import_assessment(actor=None, now=LATER, data=valid_file)
    login_as(factories.create_user(Role.DPO))
    url = f"/assessments/{PUBLISHED_REFERENCE}/audit"
    imported = valid_document["audit"]
    body = client.get(url).get_data(as_text=True)
    rows = _audit_rows(body)
    assert len(rows) == 1 + len(imported) and len(imported) >= 3
    assert "transfer.import" in rows[0] and "Imported</strong>" not in rows[0]
    assert all("Imported</strong>" in row for row in rows[1:])
    newest = imported[-1]["record"]
    assert f"<code>{newest['action']}</code>" in rows[1]
    assert f"{len(imported)} events marked <strong>Imported</strong>" in body

    monkeypatch.setattr(assessment_views, "AUDIT_PER_PAGE", 2)  # pages that cross from own rows to imported
    first, second = (_audit_rows(client.get(f"{url}?page={n}").get_data(as_text=True)) for n in (1, 2))
    assert "transfer.import" in first[0] and f"<code>{newest['action']}</code>" in first[1]
    assert [f"<code>{imported[-n]['record']['action']}</code>" in row for n, row in ((2, second[0]),
                                                                                     (3, second[1]))] == [True, True]
    last = (len(imported) + 1 + 1) // 2
    assert len(_audit_rows(client.get(f"{url}?page={last}").get_data(as_text=True))) in (1, 2)
    assert client.get(f"{url}?page={last + 1}").status_code == 404
