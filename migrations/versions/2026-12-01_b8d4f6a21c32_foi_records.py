"""FOI requests as records: the received time, the request's text and requester, the due date, the reply and
internal review, and numbered items each with its answer; and the FOI officer role.

- foi_request.received_on (a day) becomes received_at (a moment): s.22 compares the time a request arrived
  with the time an intention to publish was recorded. Existing rows keep their day at 00:00 UTC, the
  earliest moment of that day, which can only make s.22 harder to satisfy, never easier.
- foi_request.summary becomes request_text. requester_name is new: existing rows get "Not recorded".
- foi_request.due_on is 20 working days after receipt; existing rows are given it here by the same rule
  (weekends and bank holidays in England and Wales not counted), computed in Python row by row.
- foi_request gains revision_id (the revision the request concerns; NULL for existing rows, which then
  follow the intention in force when they arrived), sent_on, the internal review's dates and outcome,
  and the officer's s.22 conclusion.
- foi_item holds the numbered items, the parts of the assessment each asks for (JSON) and its answer,
  with CHECK constraints on its enums (answer, exemption, NCND provision).
- user_role.role gains `foi_officer`.

Downgrading refuses while FOI officers or items exist (they would be lost), and otherwise turns the
records back into a day and a summary.

Revision ID: b8d4f6a21c32
Revises: a7c3e5f10b21
Create Date: 2026-12-01 17:00:00
"""
from datetime import UTC, date, datetime, time, timedelta

import holidays
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4f6a21c32'
down_revision = 'a7c3e5f10b21'
branch_labels = None
depends_on = None

ROLES_BEFORE = ("team_member", "reviewer", "dpo", "approver", "admin")
ROLES_AFTER = ROLES_BEFORE + ("foi_officer",)
ANSWERS = ("disclosed", "published", "withheld", "ncnd")
EXEMPTIONS = ("s21", "s22", "s23_1", "s24_1", "s26", "s27", "s30", "s31_1_a", "s31_1_b", "s31_1_c", "s36",
              "s38", "s40_2", "s41", "s42", "s43")
NCND = ("s23_5", "s24_2", "s31_3", "s40_5")
OUTCOMES = ("upheld", "overturned", "partly")


def _due_date(received: date) -> date:
    """20 working days after receipt, as the rule stood at this revision (written out, not imported)."""
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(received.year, received.year + 2))
    day, count = received, 20
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            count -= 1
    return day


def _check(column, values):
    return sa.column(column).in_(values)


def _replace_check(table, name, column, values):
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(name, type_="check")
        batch_op.create_check_constraint(name, _check(column, values))


def upgrade():
    _replace_check("user_role", "role", "role", ROLES_AFTER)

    with op.batch_alter_table("foi_request") as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("requester_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("revision_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_requested_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("review_decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("s22_conclusion", sa.Text(), nullable=True))
        batch_op.alter_column("summary", new_column_name="request_text", existing_type=sa.Text(),
                              existing_nullable=False)

    connection = op.get_bind()
    requests = sa.table("foi_request", sa.column("id", sa.Integer), sa.column("received_on", sa.Date),
                        sa.column("received_at", sa.DateTime(timezone=True)), sa.column("due_on", sa.Date),
                        sa.column("requester_name", sa.String))
    for foi_id, received_on in connection.execute(sa.select(requests.c.id, requests.c.received_on)).all():
        midnight = datetime.combine(received_on, time(0), tzinfo=UTC)
        if connection.dialect.name == "sqlite":  # stored as naive UTC there, as the app's UTCDateTime does
            midnight = midnight.replace(tzinfo=None)
        connection.execute(requests.update().where(requests.c.id == foi_id).values(
            received_at=midnight, due_on=_due_date(received_on), requester_name="Not recorded"))

    with op.batch_alter_table("foi_request") as batch_op:
        batch_op.alter_column("received_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("requester_name", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("received_on")
        batch_op.create_foreign_key(batch_op.f("fk_foi_request_revision_id_revision"), "revision",
                                    ["revision_id"], ["id"], ondelete="SET NULL")
        batch_op.create_check_constraint("review_outcome", _check("review_outcome", OUTCOMES))
        batch_op.create_index("ix_foi_request_sent_on_due_on", ["sent_on", "due_on"], unique=False)

    op.create_table(
        "foi_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("published_url", sa.String(length=500), nullable=True),
        sa.Column("exemption", sa.String(length=20), nullable=True),
        sa.Column("ncnd", sa.String(length=20), nullable=True),
        sa.Column("pit_for", sa.Text(), nullable=True),
        sa.Column("pit_against", sa.Text(), nullable=True),
        sa.Column("pit_conclusion", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_check("answer", ANSWERS), name=op.f("ck_foi_item_answer")),
        sa.CheckConstraint(_check("exemption", EXEMPTIONS), name=op.f("ck_foi_item_exemption")),
        sa.CheckConstraint(_check("ncnd", NCND), name=op.f("ck_foi_item_ncnd")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["user.id"], name=op.f("fk_foi_item_answered_by_id_user")),
        sa.ForeignKeyConstraint(["request_id"], ["foi_request.id"], ondelete="CASCADE",
                                name=op.f("fk_foi_item_request_id_foi_request")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foi_item")),
        sa.UniqueConstraint("request_id", "position", name=op.f("uq_foi_item_request_id_position")),
    )


def _refuse_if(sql, what):
    count = op.get_bind().execute(sa.text(sql)).scalar()
    if count:
        raise RuntimeError(f"cannot downgrade: {count} {what} would be lost; remove them first")


def downgrade():
    _refuse_if("SELECT count(*) FROM user_role WHERE role = 'foi_officer'", "FOI officer role(s)")
    _refuse_if("SELECT count(*) FROM foi_item", "FOI request item(s)")
    op.drop_table("foi_item")
    with op.batch_alter_table("foi_request") as batch_op:
        batch_op.add_column(sa.Column("received_on", sa.Date(), nullable=True))
    op.execute("UPDATE foi_request SET received_on = CAST(received_at AS DATE)")
    with op.batch_alter_table("foi_request") as batch_op:
        batch_op.alter_column("received_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_index("ix_foi_request_sent_on_due_on")
        batch_op.drop_constraint("review_outcome", type_="check")
        batch_op.drop_constraint("fk_foi_request_revision_id_revision", type_="foreignkey")
        for column in ("received_at", "requester_name", "revision_id", "due_on", "sent_on", "review_requested_on",
                       "review_outcome", "review_decided_on", "s22_conclusion"):
            batch_op.drop_column(column)
        batch_op.alter_column("request_text", new_column_name="summary", existing_type=sa.Text(),
                              existing_nullable=False)
    _replace_check("user_role", "role", "role", ROLES_BEFORE)
