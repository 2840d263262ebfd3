"""Publication decisions say whether their revision's publication is scheduled.

`/register/upcoming` and the DPO's overdue queue start from the revisions still waiting to become
public. Finding them meant setting every decision against every publication: a pass over the whole
register on each page. The flag, with an index led by it, lets the decided-but-unscheduled ones be
read alone (the scheduled-but-future ones come from the index on `publish_at`). Existing rows are
marked from the publications that exist.

Revision ID: e7f3c0d5b7a6
Revises: e6e1a8b3f5d4
Create Date: 2026-12-02 05:20:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7f3c0d5b7a6'
down_revision = 'e6e1a8b3f5d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('publication_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheduled', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE publication_decision SET scheduled = true "
               "WHERE revision_id IN (SELECT revision_id FROM publication)")
    with op.batch_alter_table('publication_decision', schema=None) as batch_op:
        batch_op.create_index('ix_publication_decision_scheduled_revision_id', ['scheduled', 'revision_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('publication_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_publication_decision_scheduled_revision_id')
        batch_op.drop_column('scheduled')
