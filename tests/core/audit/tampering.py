"""Building a real audit chain, reading it back, and tampering with it behind the app's back."""

from datetime import timedelta

from sqlalchemy import JSON, String, bindparam, select, text

from dpia.accounts.rules import Role
from dpia.accounts.services.users import create_user
from dpia.core import extensions
from dpia.core.audit.models import AuditEvent
from dpia.core.audit.services import record_event
from tests import factories

EDITED = "entry_hash does not match its content (row edited)"


def dialect(db) -> str:
    return db.session.get_bind().dialect.name


def record_several(count: int = 5) -> list[AuditEvent]:
    """Real events from a service, then more appended directly, one minute apart."""
    admin = factories.create_user(Role.ADMIN)
    events = []
    for n in range(count):
        now = factories.NOW + timedelta(minutes=n)
        if n % 2 == 0:
            user = create_user(actor=admin, now=now, email=f"person{n}@example.test", name=f"Person {n}",
                               password=factories.PASSWORD, roles=[Role.TEAM_MEMBER], team_names=["Records"])
            events.append(audit_rows(object_type="user", object_id=str(user.id))[-1])
        else:
            events.append(record_event(actor=admin, now=now, action="test.step", object_type="thing", object_id=n,
                                       summary={"step": n, "note": f"step {n}"}))
    return events


def audit_rows(**filters: str) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    for name, value in filters.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(extensions.db.session.scalars(query))


def drop_triggers(db) -> None:
    """Remove the append-only triggers for this test only: DDL is transactional on both databases,
    and the `db` fixture rolls the whole test back."""
    if dialect(db) == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
        db.session.execute(text("DROP TRIGGER audit_event_no_truncate ON audit_event"))


def trigger_names(db) -> set[str]:
    if dialect(db) == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
    return set(db.session.scalars(text(query)))


def set_payload(db, seq: int, *, action: str, summary: dict) -> None:
    db.session.execute(
        text("UPDATE audit_event SET action = :action, summary = :summary WHERE seq = :seq")
        .bindparams(bindparam("summary", type_=JSON)),
        {"action": action, "summary": summary, "seq": seq},
    )


def stored_payload(db, seq: int) -> tuple[str, dict]:
    row = db.session.execute(
        text("SELECT action, summary FROM audit_event WHERE seq = :seq").columns(action=String, summary=JSON),
        {"seq": seq},
    ).one()
    return row.action, row.summary
