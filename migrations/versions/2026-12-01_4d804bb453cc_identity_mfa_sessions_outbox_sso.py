"""Identity for a real organisation: MFA, sessions with idle timeout and re-authentication,
single-use e-mailed links, the mail outbox and single sign-on identities.

- user: password_hash may be empty (invited, or single sign-on only); password_changed_at,
  deactivated_at; TOTP secret, enrolment time and the last accepted time step.
- user_session: last_seen_at (idle timeout), authenticated_at (re-authentication), mfa_satisfied,
  method, user agent and IP for the sessions page, and an action held during re-authentication at
  the identity provider. Sessions open at upgrade are ended, so everyone
  signs in again under the new rules (staff enrol in MFA on their next sign-in).
- recovery_code, account_token (invitations and password resets), external_identity, outbox_message.

Revision ID: 4d804bb453cc
Revises: 3d9f2a7c1e44
Create Date: 2026-12-01 11:01:43.648855
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d804bb453cc'
down_revision = '3d9f2a7c1e44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='message_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_by', sa.String(length=100), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('invitation', 'password_reset', name='token_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_account_token_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash'))
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_user_id'), ['user_id'], unique=False)

    op.create_table('external_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_external_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identity')),
    sa.UniqueConstraint('issuer', 'subject', name='uq_external_identity_issuer_subject')
    )
    with op.batch_alter_table('external_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identity_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enrolled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=True)

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('authenticated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_satisfied', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('method', sa.String(length=20), nullable=False, server_default='password'))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('ip_address', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('pending_action', sa.Text(), nullable=True))
    op.execute("UPDATE user_session SET last_seen_at = created_at, authenticated_at = created_at")
    op.execute(sa.text("UPDATE user_session SET ended_at = :now WHERE ended_at IS NULL")
               .bindparams(sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))))
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('authenticated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('mfa_satisfied', existing_type=sa.Boolean(), server_default=None)
        batch_op.alter_column('method', existing_type=sa.String(length=20), server_default=None)



def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('pending_action')
        batch_op.drop_column('ip_address')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('method')
        batch_op.drop_column('mfa_satisfied')
        batch_op.drop_column('authenticated_at')
        batch_op.drop_column('last_seen_at')

    # Accounts without a password get one nobody can sign in with ("!" is no argon2 hash).
    op.execute("UPDATE \"user\" SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('password_hash',
               existing_type=sa.VARCHAR(length=255),
               nullable=False)
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enrolled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('deactivated_at')
        batch_op.drop_column('password_changed_at')

    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('external_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identity_user_id'))

    op.drop_table('external_identity')
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_user_id'))

    op.drop_table('account_token')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status_next_attempt_at')

    op.drop_table('outbox_message')
