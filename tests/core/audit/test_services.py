"""The audit log is a hash chain, appended in the caller's transaction."""

from sqlalchemy import select

from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import GENESIS_HASH, entry_hash, record_event
from tests import factories


def test_events_chain_to_their_predecessor(db):
    user = factories.create_user()
    first = record_event(actor=user, now=factories.NOW, action="test.one", object_type="thing", object_id=1)
    second = record_event(actor=None, now=factories.NOW, action="test.two", object_type="thing",
                          summary={"changed": ["title"]})
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert events[-2:] == [first, second]
    assert second.prev_hash == first.entry_hash
    assert events[0].prev_hash == GENESIS_HASH
    assert len({e.entry_hash for e in events}) == len(events)


def test_hash_covers_the_content():
    record = {"action": "a", "summary": {"x": 1}}
    assert entry_hash("0" * 64, record) != entry_hash("0" * 64, {**record, "summary": {"x": 2}})
    assert entry_hash("0" * 64, record) != entry_hash("1" * 64, record)


def test_rolled_back_change_leaves_no_audit_row(db):
    count_before = len(db.session.scalars(select(AuditEvent)).all())
    nested = db.session.begin_nested()
    record_event(actor=None, now=factories.NOW, action="test.doomed", object_type="thing")
    nested.rollback()
    assert len(db.session.scalars(select(AuditEvent)).all()) == count_before
