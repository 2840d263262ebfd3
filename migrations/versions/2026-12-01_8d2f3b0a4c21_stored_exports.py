"""Internal PDF exports built once per document by the worker, and stored.

- stored_export: one row per revision, kind and document hash; the job (pending, with a lease and a
  retry time) and, once built, the file (ready). The unique key makes asking twice one job.

Revision ID: 8d2f3b0a4c21
Revises: 7c1e2a9f3b10
Create Date: 2026-12-01 14:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d2f3b0a4c21'
down_revision = '7c1e2a9f3b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('internal_pdf', name='export_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('document_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'ready', 'failed', name='export_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_by', sa.String(length=100), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_stored_export_requested_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_stored_export_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_export')),
    sa.UniqueConstraint('revision_id', 'kind', 'document_hash', name=op.f('uq_stored_export_revision_id_kind_document_hash'))
    )
    with op.batch_alter_table('stored_export', schema=None) as batch_op:
        batch_op.create_index('ix_stored_export_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_export', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_export_status_next_attempt_at')

    op.drop_table('stored_export')
