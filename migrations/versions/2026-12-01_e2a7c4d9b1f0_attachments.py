"""TODO: describe this migration (attachments).

Revision ID: e2a7c4d9b1f0
Revises: e1f0a1b2c3d4
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a7c4d9b1f0'
down_revision = 'e1f0a1b2c3d4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
