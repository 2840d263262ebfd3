"""Questionnaire rows, add-ons and section save counters.

Risks, measures, retention and access rules and generic table rows; add-on questionnaires per
revision; per-section save counters for optimistic locking.

Revision ID: d34095eca8de
Revises: 545e043a7429
Create Date: 2026-11-27 16:08:52.341923
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd34095eca8de'
down_revision = '545e043a7429'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_rule',
    sa.Column('data_category', sa.String(length=300), nullable=False),
    sa.Column('who', sa.String(length=300), nullable=False),
    sa.Column('logged', sa.Boolean(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('row_uid', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_access_rule_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_access_rule_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_rule')),
    sa.UniqueConstraint('revision_id', 'row_uid', name=op.f('uq_access_rule_revision_id_row_uid'))
    )
    with op.batch_alter_table('access_rule', schema=None) as batch_op:
        batch_op.create_index('ix_access_rule_revision_id_question_key', ['revision_id', 'question_key'], unique=False)

    op.create_table('measure',
    sa.Column('risk_uid', sa.String(length=32), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('effect', sa.String(length=20), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('row_uid', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_measure_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_measure_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure')),
    sa.UniqueConstraint('revision_id', 'row_uid', name=op.f('uq_measure_revision_id_row_uid'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index('ix_measure_revision_id_question_key', ['revision_id', 'question_key'], unique=False)

    op.create_table('retention_rule',
    sa.Column('data_category', sa.String(length=300), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=40), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('exceptions', sa.Text(), nullable=True),
    sa.Column('deletion_method', sa.String(length=20), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('row_uid', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_retention_rule_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_retention_rule_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rule')),
    sa.UniqueConstraint('revision_id', 'row_uid', name=op.f('uq_retention_rule_revision_id_row_uid'))
    )
    with op.batch_alter_table('retention_rule', schema=None) as batch_op:
        batch_op.create_index('ix_retention_rule_revision_id_question_key', ['revision_id', 'question_key'], unique=False)

    op.create_table('revision_add_on',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_revision_add_on_questionnaire_version_id_questionnaire_version')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_revision_add_on_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'questionnaire_version_id', name=op.f('pk_revision_add_on'))
    )
    op.create_table('risk',
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('affected', sa.String(length=300), nullable=True),
    sa.Column('risk_model_key', sa.String(length=50), nullable=False),
    sa.Column('likelihood', sa.String(length=32), nullable=True),
    sa.Column('severity', sa.String(length=32), nullable=True),
    sa.Column('overall', sa.String(length=32), nullable=True),
    sa.Column('residual_likelihood', sa.String(length=32), nullable=True),
    sa.Column('residual_severity', sa.String(length=32), nullable=True),
    sa.Column('residual', sa.String(length=32), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('row_uid', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_risk_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_risk_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk')),
    sa.UniqueConstraint('revision_id', 'row_uid', name=op.f('uq_risk_revision_id_row_uid'))
    )
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.create_index('ix_risk_revision_id_question_key', ['revision_id', 'question_key'], unique=False)

    op.create_table('section_save',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=100), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_section_save_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_section_save_updated_by_id_user')),
    sa.PrimaryKeyConstraint('revision_id', 'section_key', name=op.f('pk_section_save'))
    )
    op.create_table('table_row',
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('row_uid', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_table_row_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_table_row_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_row')),
    sa.UniqueConstraint('revision_id', 'row_uid', name=op.f('uq_table_row_revision_id_row_uid'))
    )
    with op.batch_alter_table('table_row', schema=None) as batch_op:
        batch_op.create_index('ix_table_row_revision_id_question_key', ['revision_id', 'question_key'], unique=False)

    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='core'))



def downgrade():
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('table_row', schema=None) as batch_op:
        batch_op.drop_index('ix_table_row_revision_id_question_key')

    op.drop_table('table_row')
    op.drop_table('section_save')
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_revision_id_question_key')

    op.drop_table('risk')
    op.drop_table('revision_add_on')
    with op.batch_alter_table('retention_rule', schema=None) as batch_op:
        batch_op.drop_index('ix_retention_rule_revision_id_question_key')

    op.drop_table('retention_rule')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index('ix_measure_revision_id_question_key')

    op.drop_table('measure')
    with op.batch_alter_table('access_rule', schema=None) as batch_op:
        batch_op.drop_index('ix_access_rule_revision_id_question_key')

    op.drop_table('access_rule')
