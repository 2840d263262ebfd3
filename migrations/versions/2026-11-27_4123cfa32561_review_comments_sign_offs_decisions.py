"""Review: comments, sign-offs, decisions.

Threaded comments per revision or question, ICO step-7 sign-off records bound to a content hash,
decisions linked to revisions, and workflow dates on revisions.

Revision ID: 4123cfa32561
Revises: d34095eca8de
Create Date: 2026-11-27 16:23:32.962783
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4123cfa32561'
down_revision = 'd34095eca8de'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('made_by', sa.String(length=200), nullable=False),
    sa.Column('forum', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_decision_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_decision_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_comment_author_id_user')),
    sa.ForeignKeyConstraint(['parent_id'], ['comment.id'], name=op.f('fk_comment_parent_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_comment_resolved_by_id_user')),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_comment_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_revision_id_resolved_at', ['revision_id', 'resolved_at'], unique=False)

    op.create_table('revision_decision',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_revision_decision_decision_id_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_revision_decision_revision_id_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'decision_id', name=op.f('pk_revision_decision'))
    )
    op.create_table('sign_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('measures_approved', 'residual_risks_approved', 'dpo_advice', 'advice_decision', 'consultation_reviewed', 'prior_consultation', 'kept_under_review', name='sign_off_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_position', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_sign_off_revision_id_revision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signer_id'], ['user.id'], name=op.f('fk_sign_off_signer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_off'))
    )
    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_off_revision_id'), ['revision_id'], unique=False)

    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_review_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('based_on_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_revision_next_review_on'), ['next_review_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_revision_based_on_id_revision'), 'revision', ['based_on_id'], ['id'])



def downgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revision_based_on_id_revision'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_revision_next_review_on'))
        batch_op.drop_column('based_on_id')
        batch_op.drop_column('next_review_on')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('submitted_at')

    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_off_revision_id'))

    op.drop_table('sign_off')
    op.drop_table('revision_decision')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_revision_id_resolved_at')

    op.drop_table('comment')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_assessment_id'))

    op.drop_table('decision')
