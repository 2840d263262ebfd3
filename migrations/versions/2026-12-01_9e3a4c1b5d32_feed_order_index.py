"""Indexes for lists that page in order: the feed, and the dashboard's assessments.

publication (publish_at, id), in place of publish_at alone:

The Atom feed lists the newest visible publications ordered by publish_at, then id. With only a
publish_at index, PostgreSQL sorted every publication sharing a time (about 235 ms at 100,000
seeded rows); the wider index serves the order and every MIN/MAX of publish_at the old one served.

revision (created_at, id): the dashboard walks revisions newest first and keeps each assessment's
latest, stopping after one page, instead of ranking every assessment.

Revision ID: 9e3a4c1b5d32
Revises: 8d2f3b0a4c21
Create Date: 2026-12-01 15:00:00
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9e3a4c1b5d32'
down_revision = '8d2f3b0a4c21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index('ix_publication_publish_at_id', ['publish_at', 'id'], unique=False)
        batch_op.drop_index('ix_publication_publish_at')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index('ix_revision_created_at_id', ['created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_created_at_id')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index('ix_publication_publish_at', ['publish_at'], unique=False)
        batch_op.drop_index('ix_publication_publish_at_id')
