"""Protect the audit log: append-only at the database level.

Rows of audit_event may be inserted but never updated or deleted. SQLite gets BEFORE UPDATE and
BEFORE DELETE triggers that abort the statement. PostgreSQL gets a trigger function raising an
exception, fired before any UPDATE or DELETE (per row) and before TRUNCATE (per statement, since
row triggers do not see it), and UPDATE, DELETE and TRUNCATE are revoked from PUBLIC. The grants
are the intended control, for an application role that does not own the table; the trigger is
the backstop, because the owner or a superuser ignores grants. Autogenerate cannot see triggers,
so `flask db check` is unaffected.

Note for later migrations: SQLite batch mode rebuilds a table by copying it, which drops its
triggers. A migration that alters audit_event on SQLite must create these triggers again.

Revision ID: c6926ec2f3e7
Revises: 4123cfa32561
Create Date: 2026-11-27 17:40:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c6926ec2f3e7'
down_revision = '4123cfa32561'
branch_labels = None
depends_on = None

MESSAGE = 'audit_event is append-only'


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event
                BEGIN
                    SELECT RAISE(ABORT, '{MESSAGE}');
                END
            """)
    elif dialect == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END
            $$
        """)
        op.execute("""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """)
        op.execute("""
            CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
        """)
        op.execute('REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC')


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_delete')
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_update')
    elif dialect == 'postgresql':
        # The REVOKE is not undone: PUBLIC held none of these privileges before, and granting
        # them now would leave the table more open than it was.
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event')
        op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS audit_event_append_only()')
