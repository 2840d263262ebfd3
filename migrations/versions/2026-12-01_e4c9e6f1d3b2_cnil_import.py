"""TODO: describe this migration (cnil_import).

Revision ID: e4c9e6f1d3b2
Revises: e3b8d5e0c2a1
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c9e6f1d3b2'
down_revision = 'e3b8d5e0c2a1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
