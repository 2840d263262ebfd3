"""TODO: describe this migration (action_plan).

Revision ID: e6e1a8b3f5d4
Revises: e5d0f7a2e4c3
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6e1a8b3f5d4'
down_revision = 'e5d0f7a2e4c3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
