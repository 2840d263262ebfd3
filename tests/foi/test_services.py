"""The s.22 evidence for an assessment, from the decisions recorded before a request."""

from datetime import UTC, date, datetime

import pytest

from dpia.foi.services import s22_evidence
from tests import factories
from tests.factories import approve, decide

NOW = factories.NOW


@pytest.fixture()
def setup(db):
    return factories.create_publication_setup()


def test_s22_evidence_uses_the_recording_time(db, setup):
    approve(setup)
    decide(setup, now=datetime(2017, 12, 12, 9, tzinfo=UTC))
    assessment = setup["revision"].assessment
    before = s22_evidence(assessment, received=date(2017, 12, 11), now=NOW)
    after = s22_evidence(assessment, received=date(2018, 3, 15), now=NOW)
    assert not before.intention_existed
    assert after.intention_existed and after.plan_on_request_date == "2018-Q2" and after.overdue_now
