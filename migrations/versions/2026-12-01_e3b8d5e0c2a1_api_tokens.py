"""The read API's personal access tokens and their per-minute request counts.

- api_token: the owner, a name, the SHA-256 of the token (never the token) and its visible prefix,
  the read-only scopes (JSON list), the per-minute limit (positive), created, expiry, last use and
  revocation times. Indexed by owner and creation for the tokens page.
- api_usage: one row per token per fixed one-minute window, raised by an atomic upsert; removed
  with its token.

Revision ID: e3b8d5e0c2a1
Revises: e2a7c4d9b1f0
Create Date: 2026-12-01 20:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3b8d5e0c2a1'
down_revision = 'e2a7c4d9b1f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('visible_prefix', sa.String(length=20), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('rate_limit_per_minute', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('rate_limit_per_minute > 0', name=op.f('ck_api_token_rate_limit_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index('ix_api_token_user_id_created_at', ['user_id', 'created_at'], unique=False)

    op.create_table('api_usage',
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_api_usage_token_id_api_token'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_id', 'window_start', name=op.f('pk_api_usage'))
    )


def downgrade():
    op.drop_table('api_usage')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index('ix_api_token_user_id_created_at')

    op.drop_table('api_token')
