"""Redactions carried over to a new revision as proposals.

A new revision used to start with nothing withheld, so publishing it as it stood would expose what the
previous revision withheld. Now each redaction of the previous revision is copied into the new one as
a proposal that withholds until a DPO confirms or drops it:

- redaction.carried_from: the number of the revision the redaction was carried from (NULL when a DPO
  withheld the part in this revision).
- redaction.proposed: true while the carried redaction awaits the DPO's decision. Existing rows were
  all decided by a DPO, so they start as false (the server default only fills them, then goes, as the
  model sets the value).
- ck_redaction_proposal_is_carried: a proposal always says where it came from.

Grounds: no row can hold a neither-confirm-nor-deny code (s.23(5), s.24(2), s.31(3), s.40(5)) any more;
3d9f2a7c1e44 moved such rows and its CHECK constraint (ck_redaction_exemption) refuses them, so this
migration leaves the exemption column alone.

Downgrading drops the columns: proposals then read as ordinary redactions, which still withhold, so
nothing is exposed by going back.

Revision ID: a7c3e5f10b21
Revises: 9e3a4c1b5d32
Create Date: 2026-12-01 17:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5f10b21'
down_revision = '9e3a4c1b5d32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.add_column(sa.Column("carried_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposed", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.alter_column("proposed", existing_type=sa.Boolean(), server_default=None)
        batch_op.create_check_constraint("proposal_is_carried", sa.text("carried_from IS NOT NULL OR NOT proposed"))


def downgrade():
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.drop_constraint("proposal_is_carried", type_="check")
        batch_op.drop_column("proposed")
        batch_op.drop_column("carried_from")
