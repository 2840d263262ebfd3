"""Verifying the audit chain (docs/docs/security.md L3, L4): an intact log verifies, each kind of tampering is
found at the right row, the database refuses edits, and an event commits or rolls back with its change.
The `flask dpia audit verify` command is tested in test_cli.py."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, exc, func, select, text
from sqlalchemy.orm import Session

from dpia.accounts.models import User
from dpia.accounts.rules import Role
from dpia.accounts.services.users import create_user
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import GENESIS_HASH, _record_fields, entry_hash, record_event, verify_chain
from tests import factories
from tests.core.audit.tampering import (
    EDITED,
    audit_rows,
    dialect,
    drop_triggers,
    record_several,
    set_payload,
    stored_payload,
    trigger_names,
)


def test_empty_log_verifies_from_the_genesis_hash(db):
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == 0
    result = verify_chain()
    assert (result.ok, result.checked, result.last_seq, result.last_hash) == (True, 0, None, GENESIS_HASH)


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_untouched_chain_verifies(db, batch_size):
    events = record_several(5)
    result = verify_chain(batch_size=batch_size)
    assert result.ok, result.reason
    assert result.checked == result.verified == len(audit_rows()) >= 5
    assert (result.last_seq, result.last_hash) == (events[-1].seq, events[-1].entry_hash)
    assert result.broken_seq is None and result.reason is None


def test_rows_reloaded_in_a_fresh_session_still_verify(db):
    """What is hashed must survive the database: offsets become UTC, microseconds are dropped,
    JSON turns tuples into lists and numeric keys into strings."""
    london_summer = timezone(timedelta(hours=1))
    record_event(actor=None, now=datetime(2026, 6, 1, 13, 30, 15, 987654, tzinfo=london_summer),
                 action="test.offset", object_type="thing", object_id=7,
                 summary={"changed": ("b", "a"), 10: "ten", 9: "nine", "name": "Zoë “quoted”",
                          "nested": {"x": [1, 2.5]}})
    record_event(actor=None, now=datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                 action="test.utc", object_type="thing")
    db.session.flush()
    with Session(bind=db.session.connection()) as fresh:
        rows = fresh.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [r.occurred_at for r in rows[-2:]] == [datetime(2026, 6, 1, 12, 30, 15, tzinfo=UTC),
                                                      datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)]
        assert rows[-2].summary["changed"] == ["b", "a"] and rows[-2].summary["10"] == "ten"
        for row in rows:
            assert entry_hash(row.prev_hash, _record_fields(row)) == row.entry_hash, row.seq
    result = verify_chain()
    assert result.ok, result.reason


def test_naive_times_are_refused():
    naive = AuditEvent(occurred_at=datetime(2026, 1, 1), actor_id=None, action="a", object_type="b",
                       object_id=None, summary={})
    with pytest.raises(ValueError, match="aware"):
        _record_fields(naive)


def test_edited_summary_is_found_at_that_row(db):
    events = record_several(5)
    drop_triggers(db)
    action, summary = stored_payload(db, events[2].seq)
    set_payload(db, events[2].seq, action=action, summary={**summary, "roles": ["admin"]})
    result = verify_chain()
    assert (result.ok, result.broken_seq, result.reason) == (False, events[2].seq, EDITED)
    assert (result.last_seq, result.last_hash) == (events[1].seq, events[1].entry_hash)
    assert result.verified == result.checked - 1


def test_deleted_middle_row_is_found_at_the_next_row(db):
    events = record_several(5)
    drop_triggers(db)
    db.session.execute(text("DELETE FROM audit_event WHERE seq = :seq"), {"seq": events[2].seq})
    result = verify_chain(batch_size=2)
    assert not result.ok
    assert result.broken_seq == events[3].seq
    assert result.reason == f"prev_hash does not match row {events[1].seq} (row deleted or reordered)"


def test_deleted_first_row_is_found(db):
    record_several(3)
    first, second = audit_rows()[:2]
    drop_triggers(db)
    db.session.execute(text("DELETE FROM audit_event WHERE seq = :seq"), {"seq": first.seq})
    result = verify_chain()
    assert (result.broken_seq, result.reason) == (
        second.seq, "prev_hash does not match the start of the chain (row deleted or reordered)")


def test_swapped_payloads_are_found_at_the_first_of_the_two(db):
    events = record_several(5)
    drop_triggers(db)
    one, other = stored_payload(db, events[1].seq), stored_payload(db, events[3].seq)
    set_payload(db, events[1].seq, action=other[0], summary=other[1])
    set_payload(db, events[3].seq, action=one[0], summary=one[1])
    result = verify_chain()
    assert (result.broken_seq, result.reason) == (events[1].seq, EDITED)


def test_reordered_rows_are_found(db):
    events = record_several(4)
    a, b = events[1].seq, events[2].seq
    drop_triggers(db)
    for old, new in ((a, -1), (b, a), (-1, b)):
        db.session.execute(text("UPDATE audit_event SET seq = :new WHERE seq = :old"), {"new": new, "old": old})
    result = verify_chain()
    assert (result.broken_seq, result.reason) == (
        a, f"prev_hash does not match row {events[0].seq} (row deleted or reordered)")


def test_cut_tail_is_found_only_against_a_kept_last_hash(db):
    """The chain cannot show rows missing from its end; the last hash printed earlier can."""
    events = record_several(5)
    checkpoint = verify_chain().last_hash
    drop_triggers(db)
    db.session.execute(text("DELETE FROM audit_event WHERE seq >= :seq"), {"seq": events[3].seq})
    result = verify_chain()
    assert result.ok
    assert result.last_hash != checkpoint and result.last_hash == events[2].entry_hash


def test_database_refuses_update_and_delete(db):
    events = record_several(2)
    statements = [("UPDATE audit_event SET action = 'forged' WHERE seq = :seq", {"seq": events[0].seq}),
                  ("DELETE FROM audit_event WHERE seq = :seq", {"seq": events[0].seq})]
    if dialect(db) == "postgresql":
        statements.append(("TRUNCATE audit_event", {}))
    for statement, params in statements:
        with pytest.raises(exc.DBAPIError, match="audit_event is append-only"):
            with db.session.begin_nested():
                db.session.execute(text(statement), params)
    assert stored_payload(db, events[0].seq)[0] == events[0].action
    assert verify_chain().ok


def test_triggers_are_back_after_a_test_dropped_them(db):
    """Runs after the tampering tests: their DROP TRIGGER was rolled back with them."""
    expected = ({"audit_event_no_update", "audit_event_no_delete"} if dialect(db) == "sqlite"
                else {"audit_event_append_only", "audit_event_no_truncate"})
    assert trigger_names(db) == expected


def test_failure_after_the_event_leaves_no_audit_row(db):
    before = len(audit_rows())
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            create_user(actor=None, now=factories.NOW, email="doomed@example.test", name="Doomed",
                        password=factories.PASSWORD, roles=[Role.TEAM_MEMBER], team_names=())
            assert len(audit_rows()) == before + 1
            raise RuntimeError("the change fails after its event was written")
    assert len(audit_rows()) == before
    assert db.session.scalar(select(User).where(User.email == "doomed@example.test")) is None


def test_failed_commit_leaves_no_audit_row(db):
    before = len(audit_rows())
    session = db.session()

    def refuse(_session):
        raise RuntimeError("commit failed")

    event.listen(session, "before_commit", refuse)
    try:
        create_user(actor=None, now=factories.NOW, email="lost@example.test", name="Lost",
                    password=factories.PASSWORD, roles=[Role.TEAM_MEMBER], team_names=())
        with pytest.raises(RuntimeError, match="commit failed"):
            db.session.commit()
    finally:
        event.remove(session, "before_commit", refuse)
    db.session.rollback()
    assert len(audit_rows()) == before
    assert db.session.scalar(select(User).where(User.email == "lost@example.test")) is None


def test_committed_change_has_exactly_one_audit_row(db):
    before = len(audit_rows())
    user = create_user(actor=None, now=factories.NOW, email="kept@example.test", name="Kept",
                       password=factories.PASSWORD, roles=[Role.TEAM_MEMBER], team_names=())
    db.session.commit()
    rows = audit_rows()
    assert len(rows) == before + 1
    assert (rows[-1].action, rows[-1].object_type, rows[-1].object_id) == ("user.create", "user", str(user.id))
    assert verify_chain().ok
