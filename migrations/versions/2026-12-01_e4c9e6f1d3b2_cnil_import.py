"""The "Imported from CNIL" annex of an imported revision or questionnaire version.

- cnil_annex: the fields of a CNIL PIA or structure export that have no place in our records, keyed
  by JSON path, and the import report. Unique per revision and per questionnaire version (each has at
  most one annex, and the unique index answers "has it one?").

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
    op.create_table('cnil_annex',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=True),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_cnil_annex_imported_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_cnil_annex_questionnaire_version_id_questionnaire_version'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_cnil_annex_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cnil_annex')),
    sa.UniqueConstraint('questionnaire_version_id', name=op.f('uq_cnil_annex_questionnaire_version_id')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_cnil_annex_revision_id'))
    )


def downgrade():
    op.drop_table('cnil_annex')
