"""The audit rows an imported assessment brought from its source database.

- imported_audit_event: each row of an export file's audit slice, kept exactly as its source hashed
  it (`record`, `prev_hash`, `entry_hash`), in the file's order (`position`, unique per assessment),
  with the same person here (`actor_id`) and the revision number it was about. Outside this
  database's own hash chain, which `flask dpia audit verify` keeps checking alone.

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
    op.create_table('imported_audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('revision_number', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_imported_audit_event_actor_id_user')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_imported_audit_event_assessment_id_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_audit_event')),
    sa.UniqueConstraint('assessment_id', 'position', name=op.f('uq_imported_audit_event_assessment_id_position'))
    )


def downgrade():
    op.drop_table('imported_audit_event')
