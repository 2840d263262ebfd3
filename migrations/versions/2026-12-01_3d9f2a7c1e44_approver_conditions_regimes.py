"""Approvers and conditions of approval; the regime per revision; measures addressing several risks;
screening decisions; grounds for withholding without neither-confirm-nor-deny provisions.

- user_role.role gains `approver`, the accountable owner who decides.
- revision.regime is the law in force when the revision was written (the Data Protection Act 1998 is a
  regime now). Each revision takes its assessment's regime, then assessment.regime is dropped.
- revision.approved_by_id records who approved.
- measure.risk_uid becomes measure.risk_uids, a list: each measure keeps the risk it named.
- sign_off.kind gains `screening_decision`, the DPO's sign-off of a screening record.
- approval_condition holds the conditions an approver attaches to an approval.
- redaction.exemption: s.24(2) and s.31(3) are neither-confirm-nor-deny provisions, not grounds for
  withholding content. Rows citing them are moved to the grounds they stood for (s.24(1), and
  s.31(1)(a) for the prevention or detection of crime); s.31(1) becomes s.31(1)(a) and s.23 s.23(1).
  Downgrading maps them back.

Revision ID: 3d9f2a7c1e44
Revises: 7b1e4c2d9a05
Create Date: 2026-12-01 14:00:00.000000
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d9f2a7c1e44'
down_revision = '7b1e4c2d9a05'
branch_labels = None
depends_on = None

ROLES_BEFORE = ("team_member", "reviewer", "dpo", "admin")
ROLES_AFTER = ("team_member", "reviewer", "dpo", "approver", "admin")
REGIMES = ("uk_gdpr", "dpa_2018_part_3", "both", "dpa_1998")
REGIMES_BEFORE = ("uk_gdpr", "dpa_2018_part_3", "both")
KINDS_BEFORE = ("measures_approved", "residual_risks_approved", "dpo_advice", "advice_decision",
                "consultation_reviewed", "prior_consultation", "kept_under_review")
KINDS_AFTER = KINDS_BEFORE + ("screening_decision",)
EXEMPTIONS_BEFORE = ("s22", "s23", "s24_2", "s27", "s31_1", "s31_3", "s38", "s40_2", "s41", "s43")
EXEMPTIONS_AFTER = ("s21", "s22", "s23_1", "s24_1", "s26", "s27", "s30", "s31_1_a", "s31_1_b", "s31_1_c", "s36",
                    "s38", "s40_2", "s41", "s42", "s43")
EXEMPTIONS_MOVED = {"s23": "s23_1", "s24_2": "s24_1", "s31_1": "s31_1_a", "s31_3": "s31_1_a"}
EXEMPTIONS_BACK = {"s23_1": "s23", "s24_1": "s24_2", "s31_1_a": "s31_1", "s31_1_b": "s31_1", "s31_1_c": "s31_1"}


def _check(column, values):
    return sa.column(column).in_(values)


def _replace_check(table, name, column, values):
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, _check(column, values))


def _map(table, column, mapping):
    for old, new in mapping.items():
        op.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old").bindparams(new=new, old=old))


def upgrade():
    _replace_check("user_role", "role", "role", ROLES_AFTER)
    _replace_check("sign_off", "sign_off_kind", "kind", KINDS_AFTER)

    with op.batch_alter_table("redaction") as batch_op:
        batch_op.drop_constraint("exemption", type_="check")
    _map("redaction", "exemption", EXEMPTIONS_MOVED)
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.create_check_constraint("exemption", _check("exemption", EXEMPTIONS_AFTER))

    with op.batch_alter_table("revision") as batch_op:
        batch_op.add_column(sa.Column("regime", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_revision_approved_by_id_user"), "user", ["approved_by_id"], ["id"])
    op.execute("UPDATE revision SET regime = (SELECT assessment.regime FROM assessment "
               "WHERE assessment.id = revision.assessment_id)")
    with op.batch_alter_table("revision") as batch_op:
        batch_op.alter_column("regime", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_check_constraint("regime", _check("regime", REGIMES))
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_constraint("regime", type_="check")
        batch_op.drop_column("regime")

    with op.batch_alter_table("measure") as batch_op:
        batch_op.add_column(sa.Column("risk_uids", sa.JSON(), nullable=True))
    connection = op.get_bind()
    measures = sa.table("measure", sa.column("id", sa.Integer), sa.column("risk_uid", sa.String),
                        sa.column("risk_uids", sa.JSON))
    for measure_id, risk_uid in connection.execute(sa.select(measures.c.id, measures.c.risk_uid)).all():
        connection.execute(measures.update().where(measures.c.id == measure_id)
                           .values(risk_uids=[risk_uid] if risk_uid else []))
    with op.batch_alter_table("measure") as batch_op:
        batch_op.drop_column("risk_uid")

    op.create_table(
        "approval_condition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_approval_condition_created_by_id_user")),
        sa.ForeignKeyConstraint(["done_by_id"], ["user.id"], name=op.f("fk_approval_condition_done_by_id_user")),
        sa.ForeignKeyConstraint(["revision_id"], ["revision.id"], ondelete="CASCADE",
                                name=op.f("fk_approval_condition_revision_id_revision")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_condition")),
    )
    with op.batch_alter_table("approval_condition") as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_condition_revision_id"), ["revision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_condition_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_approval_condition_done_at"), ["done_at"], unique=False)


def _refuse_if(sql, what):
    count = op.get_bind().execute(sa.text(sql)).scalar()
    if count:
        raise RuntimeError(f"cannot downgrade: {count} {what} would be lost; remove or change them first")


def downgrade():
    _refuse_if("SELECT count(*) FROM user_role WHERE role = 'approver'", "approver role(s)")
    _refuse_if("SELECT count(*) FROM sign_off WHERE kind = 'screening_decision'", "screening sign-off(s)")
    _refuse_if("SELECT count(*) FROM revision WHERE regime = 'dpa_1998'", "revision(s) under the DPA 1998")
    _refuse_if("SELECT count(*) FROM redaction WHERE exemption IN ('s21', 's26', 's30', 's36', 's42')",
               "redaction(s) on grounds the old list does not have")
    with op.batch_alter_table("approval_condition") as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_condition_done_at"))
        batch_op.drop_index(batch_op.f("ix_approval_condition_due_on"))
        batch_op.drop_index(batch_op.f("ix_approval_condition_revision_id"))
    op.drop_table("approval_condition")

    with op.batch_alter_table("measure") as batch_op:
        batch_op.add_column(sa.Column("risk_uid", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    measures = sa.table("measure", sa.column("id", sa.Integer), sa.column("risk_uid", sa.String),
                        sa.column("risk_uids", sa.JSON))
    for measure_id, risk_uids in connection.execute(sa.select(measures.c.id, measures.c.risk_uids)).all():
        uids = json.loads(risk_uids) if isinstance(risk_uids, str) else (risk_uids or [])
        connection.execute(measures.update().where(measures.c.id == measure_id)
                           .values(risk_uid=uids[0] if uids else None))
    with op.batch_alter_table("measure") as batch_op:
        batch_op.drop_column("risk_uids")

    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(sa.Column("regime", sa.String(length=32), nullable=True))
    op.execute("UPDATE assessment SET regime = (SELECT revision.regime FROM revision "
               "WHERE revision.assessment_id = assessment.id ORDER BY revision.number DESC LIMIT 1)")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.alter_column("regime", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_check_constraint("regime", _check("regime", REGIMES_BEFORE))
    with op.batch_alter_table("revision") as batch_op:
        batch_op.drop_constraint("regime", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_revision_approved_by_id_user"), type_="foreignkey")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("regime")

    with op.batch_alter_table("redaction") as batch_op:
        batch_op.drop_constraint("exemption", type_="check")
    _map("redaction", "exemption", EXEMPTIONS_BACK)
    with op.batch_alter_table("redaction") as batch_op:
        batch_op.create_check_constraint("exemption", _check("exemption", EXEMPTIONS_BEFORE))

    _replace_check("sign_off", "sign_off_kind", "kind", KINDS_BEFORE)
    _replace_check("user_role", "role", "role", ROLES_BEFORE)
