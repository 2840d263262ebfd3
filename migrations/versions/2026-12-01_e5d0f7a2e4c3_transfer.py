"""TODO: describe this migration (transfer).

Revision ID: e5d0f7a2e4c3
Revises: e4c9e6f1d3b2
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5d0f7a2e4c3'
down_revision = 'e4c9e6f1d3b2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
