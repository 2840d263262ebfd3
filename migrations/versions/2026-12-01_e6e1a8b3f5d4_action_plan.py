"""Action plan: a measure's owner (who sees it through) and due date.

Both columns are nullable, so every existing measure stays valid and content signed off before them
hashes as it did (empty cells are left out of the canonical content).

Revision ID: e6e1a8b3f5d4
Revises: e5d0f7a2e4c3
Create Date: 2026-12-01 20:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6e1a8b3f5d4'
down_revision = 'e5d0f7a2e4c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('due_on')
        batch_op.drop_column('owner')
