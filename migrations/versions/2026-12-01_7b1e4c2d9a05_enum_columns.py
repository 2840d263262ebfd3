"""Store the publication scope, redaction target and exemption, and questionnaire kind as enums.

The columns already hold exactly the enums' values, so the data stays as it is: each column only gains
the CHECK constraint that every other enum column has (`ck_<table>_<column>`), so a value outside the
enum can no longer be written. The allowed values are written out here as they are at this revision;
a later change to an enum is a migration of its own. SQLite rebuilds each table to add a constraint
(batch mode); none of these tables has triggers to recreate.

Revision ID: 7b1e4c2d9a05
Revises: 6440aa011f4a
Create Date: 2026-12-01 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b1e4c2d9a05'
down_revision = '6440aa011f4a'
branch_labels = None
depends_on = None

ENUMS = (  # (table, column, allowed values)
    ("publication_decision", "scope", ("full", "redacted", "summary")),
    ("redaction", "target_type", ("section", "question", "row")),
    ("redaction", "exemption", ("s22", "s23", "s24_2", "s27", "s31_1", "s31_3", "s38", "s40_2", "s41", "s43")),
    ("questionnaire", "kind", ("core", "add_on")),
)


def _condition(column, values):
    return sa.column(column).in_(values)


def upgrade():
    for table, column, values in ENUMS:
        stray = op.get_bind().execute(
            sa.select(sa.func.count()).select_from(sa.table(table, sa.column(column)))
            .where(sa.not_(_condition(column, values)))).scalar()
        if stray:
            raise RuntimeError(f"{table}.{column} holds {stray} value(s) outside {values}; fix them first")
    for table in dict.fromkeys(table for table, _column, _values in ENUMS):
        with op.batch_alter_table(table) as batch_op:
            for name, column, values in ((c, c, v) for t, c, v in ENUMS if t == table):
                batch_op.create_check_constraint(name, _condition(column, values))


def downgrade():
    for table in dict.fromkeys(table for table, _column, _values in ENUMS):
        with op.batch_alter_table(table) as batch_op:
            for column in (c for t, c, _v in ENUMS if t == table):
                batch_op.drop_constraint(column, type_="check")
