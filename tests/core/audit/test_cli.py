"""`flask dpia audit verify`: reports an intact chain, or names the first broken row and fails."""

from tests.core.audit.tampering import EDITED, audit_rows, drop_triggers, record_several, set_payload


def run_verify(app):
    return app.test_cli_runner().invoke(args=["dpia", "audit", "verify"])


def test_cli_reports_an_intact_chain(app, db):
    events = record_several(3)
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"ok: {len(audit_rows())} events, chain intact "
                                     f"(last hash {events[-1].entry_hash})")


def test_cli_names_the_first_broken_row_and_fails(app, db):
    events = record_several(4)
    drop_triggers(db)
    set_payload(db, events[1].seq, action="test.forged", summary={})
    result = run_verify(app)
    assert result.exit_code == 1
    assert result.output.strip() == f"broken at seq {events[1].seq}: {EDITED}"
