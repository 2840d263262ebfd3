"""TODO: describe this migration (public_files).

Revision ID: e1f0a1b2c3d4
Revises: d0f6b8c43e54
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f0a1b2c3d4'
down_revision = 'd0f6b8c43e54'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
