"""Evidence files (attachments) on a revision or one of its questions.

- attachment: one row per file per revision, pointing at content stored outside the database under
  its SHA-256 (so a file carried into later revisions is one stored copy); the original name made
  safe for display, the type detected from the content (CHECK on the accepted types), the size, the
  description, who uploaded it and when, and the DPO's publication choice (undecided, publish, or
  withhold with an FOI exemption and reason: CHECK that exactly withholding carries both).
- Indexed by (revision_id, sha256): a revision's files, and the public download by content address.

Downgrading drops the table; the stored files stay on disk (nothing serves them without a row).

Revision ID: e2a7c4d9b1f0
Revises: e1f0a1b2c3d4
Create Date: 2026-12-01 20:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2a7c4d9b1f0'
down_revision = 'e1f0a1b2c3d4'
branch_labels = None
depends_on = None

FILE_TYPES = ("pdf", "docx", "odt", "xlsx", "png", "jpeg", "csv")
CHOICES = ("undecided", "publish", "withhold")
EXEMPTIONS = ("s21", "s22", "s23_1", "s24_1", "s26", "s27", "s30", "s31_1_a", "s31_1_b", "s31_1_c", "s36",
              "s38", "s40_2", "s41", "s42", "s43")


def upgrade():
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_type", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("publication", sa.String(length=20), nullable=False),
        sa.Column("exemption", sa.String(length=20), nullable=True),
        sa.Column("publication_reason", sa.Text(), nullable=True),
        sa.Column("publication_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publication_set_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(sa.column("file_type").in_(FILE_TYPES), name=op.f("ck_attachment_file_type")),
        sa.CheckConstraint(sa.column("publication").in_(CHOICES), name=op.f("ck_attachment_publication")),
        sa.CheckConstraint(sa.column("exemption").in_(EXEMPTIONS), name=op.f("ck_attachment_exemption")),
        sa.CheckConstraint("size > 0", name=op.f("ck_attachment_size_positive")),
        sa.CheckConstraint(
            "(publication = 'withhold') = (exemption IS NOT NULL AND publication_reason IS NOT NULL)",
            name=op.f("ck_attachment_withheld_has_exemption")),
        sa.ForeignKeyConstraint(["revision_id"], ["revision.id"], ondelete="CASCADE",
                                name=op.f("fk_attachment_revision_id_revision")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_attachment_uploaded_by_id_user")),
        sa.ForeignKeyConstraint(["publication_set_by_id"], ["user.id"],
                                name=op.f("fk_attachment_publication_set_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index("ix_attachment_revision_id_sha256", "attachment", ["revision_id", "sha256"], unique=False)


def downgrade():
    op.drop_index("ix_attachment_revision_id_sha256", table_name="attachment")
    op.drop_table("attachment")
