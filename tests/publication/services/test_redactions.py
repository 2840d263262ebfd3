"""Withholding parts of a revision: the target must exist, a reason is needed, only the DPO may."""

import pytest

from dpia.assessments.services.content import load_content
from dpia.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from dpia.publication.rules import Exemption, TargetType
from dpia.publication.services.redactions import set_redaction
from tests import factories

NOW = factories.NOW


def test_redaction_targets_must_exist_and_need_a_reason(db, setup):
    revision, dpo = setup["revision"], setup["dpo"]
    with pytest.raises(NotFoundError):
        set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                      target_key="no.such", exemption=Exemption.S22, reason="x")
    with pytest.raises(ValidationError):
        set_redaction(actor=dpo, now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                      target_key="basics.name", exemption=Exemption.S40_2, reason="  ")
    with pytest.raises(PermissionDeniedError):
        set_redaction(actor=setup["author"], now=NOW, content=load_content(revision), target_type=TargetType.QUESTION,
                      target_key="basics.name", exemption=Exemption.S40_2, reason="Names")
