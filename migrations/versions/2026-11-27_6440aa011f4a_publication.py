"""Publication: decisions, slippage, redactions, bundles, FOI requests.

Also indexes audit events by object, for the per-assessment audit page.

Revision ID: 6440aa011f4a
Revises: c6926ec2f3e7
Create Date: 2026-11-27 16:39:10.393728
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6440aa011f4a'
down_revision = 'c6926ec2f3e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('foi_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_foi_request_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_foi_request_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_foi_request'))
    )
    with op.batch_alter_table('foi_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_foi_request_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('publication_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('planned', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=300), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_publication_decision_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_publication_decision_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_decision'))
    )
    with op.batch_alter_table('publication_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_decision_revision_id'), ['revision_id'], unique=False)

    op.create_table('redaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_key', sa.String(length=100), nullable=False),
    sa.Column('exemption', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_redaction_created_by_id_user')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_redaction_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction')),
    sa.UniqueConstraint('revision_id', 'target_type', 'target_key', name=op.f('uq_redaction_revision_id_target_type_target_key'))
    )
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_revision_id'), ['revision_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('html_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('json', sa.Text(), nullable=False),
    sa.Column('json_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_publication_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['publication_decision.id'], name=op.f('fk_publication_decision_id_publication_decision')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_publication_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['user.id'], name=op.f('fk_publication_scheduled_by_id_user')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_publication_withdrawn_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_publication_revision_id'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index('ix_publication_assessment_id_publish_at', ['assessment_id', 'publish_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_publish_at'), ['publish_at'], unique=False)

    op.create_table('slippage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('previous_planned', sa.String(length=20), nullable=False),
    sa.Column('new_planned', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['publication_decision.id'], name=op.f('fk_slippage_decision_id_publication_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_slippage_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slippage'))
    )
    with op.batch_alter_table('slippage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slippage_decision_id'), ['decision_id'], unique=False)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_object_type_object_id', ['object_type', 'object_id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object_type_object_id')

    with op.batch_alter_table('slippage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slippage_decision_id'))

    op.drop_table('slippage')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_publish_at'))
        batch_op.drop_index('ix_publication_assessment_id_publish_at')

    op.drop_table('publication')
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_revision_id'))

    op.drop_table('redaction')
    with op.batch_alter_table('publication_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_decision_revision_id'))

    op.drop_table('publication_decision')
    with op.batch_alter_table('foi_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_foi_request_assessment_id'))

    op.drop_table('foi_request')
