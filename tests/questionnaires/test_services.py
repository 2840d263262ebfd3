"""Uploading questionnaire versions: stored once, audited, for administrators, validated."""

import pytest
from sqlalchemy import func, select

from dpia.accounts.rules import Role
from dpia.core.audit.models import AuditEvent
from dpia.core.errors import PermissionDeniedError, ValidationError
from dpia.questionnaires.models import QuestionnaireVersion
from dpia.questionnaires.rules.schema import DefinitionError, check_text
from tests import factories
from tests.questionnaires.versions import LATER, V1_SECTIONS, V2_SECTIONS, upload, yaml_text


def test_upload_stores_a_new_version_and_audits_it(db):
    admin = factories.create_user(Role.ADMIN)
    first = upload(yaml_text(V1_SECTIONS), actor=admin)
    second = upload(yaml_text(V2_SECTIONS, version="2"), actor=admin, now=LATER)
    assert (first.created, first.version.number) == (True, 1)
    assert (second.created, second.version.number, second.version.label) == (True, 2, "2")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "questionnaire.upload")
                                .order_by(AuditEvent.seq)).all()
    assert [(e.actor_id, e.object_id, e.summary["number"], e.summary["created"]) for e in events] == [
        (admin.id, str(first.version.id), 1, True), (admin.id, str(second.version.id), 2, True)]


def test_identical_upload_returns_the_stored_version(db):
    admin = factories.create_user(Role.ADMIN)
    first = upload(yaml_text(V1_SECTIONS), actor=admin)
    again = upload(yaml_text(V1_SECTIONS), actor=admin, now=LATER)
    assert again.created is False
    assert again.version.id == first.version.id
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)
                             .where(QuestionnaireVersion.questionnaire_id == first.version.questionnaire_id)) == 1


def test_upload_is_for_administrators_only(db):
    with pytest.raises(PermissionDeniedError):
        upload(yaml_text(V1_SECTIONS), actor=factories.create_user(Role.DPO))


def test_upload_of_an_invalid_definition_raises_the_cli_messages(db):
    text = yaml_text(V1_SECTIONS).replace("type: number", "type: nonsense")
    with pytest.raises(DefinitionError) as caught:
        upload(text)
    assert caught.value.messages == check_text(text, "q.yaml")
    assert caught.value.messages[0].startswith("q.yaml:")


def test_upload_may_not_turn_a_core_questionnaire_into_an_add_on(db):
    upload(yaml_text(V1_SECTIONS))
    add_on = yaml_text(V1_SECTIONS, version="2").replace('version: "2"\n', 'version: "2"\nkind: add_on\n')
    with pytest.raises(ValidationError, match="stored as a core questionnaire"):
        upload(add_on)
