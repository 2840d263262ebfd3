"""TODO: describe this migration (api_tokens).

Revision ID: e3b8d5e0c2a1
Revises: e2a7c4d9b1f0
Create Date: 2026-12-01 20:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b8d5e0c2a1'
down_revision = 'e2a7c4d9b1f0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
