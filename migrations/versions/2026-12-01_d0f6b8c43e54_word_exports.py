"""Word (.docx) exports: stored exports gain a second kind, `internal_docx`.

The internal Word file of a revision is built by the worker and stored exactly as the internal PDF is,
in `stored_export`, told apart by `kind`. That column is an enum with a CHECK constraint
(`ck_stored_export_export_kind`), so the constraint is written again with the new value; the values
are spelt out as they are at this revision. SQLite rebuilds the table to change a constraint (batch
mode); the table has no triggers to recreate.

Downgrade deletes the stored Word files first (they are a cache the worker can build again), since the
old constraint would refuse their rows.

Revision ID: d0f6b8c43e54
Revises: c9e5a7b32d43
Create Date: 2026-12-01 17:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0f6b8c43e54'
down_revision = 'c9e5a7b32d43'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("internal_pdf",)
KINDS_AFTER = ("internal_pdf", "internal_docx")


def _replace_kind_check(values):
    with op.batch_alter_table("stored_export") as batch_op:
        batch_op.drop_constraint("export_kind", type_="check")
        batch_op.create_check_constraint("export_kind", sa.column("kind").in_(values))


def upgrade():
    _replace_kind_check(KINDS_AFTER)


def downgrade():
    exports = sa.table("stored_export", sa.column("kind", sa.String))
    op.get_bind().execute(sa.delete(exports).where(sa.not_(exports.c.kind.in_(KINDS_BEFORE))))
    _replace_kind_check(KINDS_BEFORE)
