"""Public files built by the worker: a publication's PDF moves off the scheduling request, and it gains
a Word file.

- `publication.pdf` and `pdf_sha256` may be NULL (until the worker has built the file), and the new
  `docx` / `docx_sha256` hold the Word file the same way.
- `stored_export` gains `publication_id` (public kinds only) and two kinds, `public_pdf` and
  `public_docx`; its kind CHECK constraint (`ck_stored_export_export_kind`) is written again with the
  values spelt out as they are at this revision (SQLite rebuilds the table in batch mode).
- Backfill: every existing publication already has its PDF, so only its Word file is queued, as a
  pending `public_docx` build of the document in its JSON (`document_hash` = `json_sha256`).

On SQLite, changing a column's nullability rebuilds `publication`, and SQLite refuses to rename the
rebuilt table while the register's search triggers (on `register_entry`, reading `publication`) exist:
they are dropped first and created again, as they stand at this revision.

Downgrade deletes the public builds and the Word files, and refuses if a publication has no PDF yet
(the old schema cannot hold that): let the worker finish first.

Revision ID: e1f0a1b2c3d4
Revises: d0f6b8c43e54
Create Date: 2026-12-01 20:30:00
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f0a1b2c3d4'
down_revision = 'd0f6b8c43e54'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("internal_pdf", "internal_docx")
KINDS_AFTER = ("internal_pdf", "internal_docx", "public_pdf", "public_docx")


# The register's search triggers on SQLite, as created by 7c1e2a9f3b10.
SQLITE_TRIGGERS = {
    "register_entry_search_insert": """CREATE TRIGGER register_entry_search_insert AFTER INSERT ON register_entry BEGIN
        INSERT INTO register_search (rowid, reference, title, team, body)
        SELECT new.id, new.reference, new.title, new.team_name, p.search_text
        FROM publication p WHERE p.id = new.publication_id;
    END""",
    "register_entry_search_update": """CREATE TRIGGER register_entry_search_update AFTER UPDATE ON register_entry BEGIN
        DELETE FROM register_search WHERE rowid = old.id;
        INSERT INTO register_search (rowid, reference, title, team, body)
        SELECT new.id, new.reference, new.title, new.team_name, p.search_text
        FROM publication p WHERE p.id = new.publication_id;
    END""",
}


def _rebuild_publication(change):
    """Run `change(batch_op)` on `publication`, with SQLite's search triggers out of the way."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("publication") as batch_op:
        change(batch_op)
    if sqlite:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def _replace_kind_check(batch_op, values):
    batch_op.drop_constraint("export_kind", type_="check")
    batch_op.create_check_constraint("export_kind", sa.column("kind").in_(values))


def upgrade():
    def change(batch_op):
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column("docx", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("docx_sha256", sa.String(length=64), nullable=True))

    _rebuild_publication(change)
    with op.batch_alter_table("stored_export") as batch_op:
        batch_op.add_column(sa.Column("publication_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_stored_export_publication_id_publication"), "publication",
                                    ["publication_id"], ["id"], ondelete="CASCADE")
        _replace_kind_check(batch_op, KINDS_AFTER)
    publications = sa.table("publication", sa.column("id", sa.Integer), sa.column("revision_id", sa.Integer),
                            sa.column("json_sha256", sa.String))
    exports = sa.table(
        "stored_export", sa.column("revision_id", sa.Integer), sa.column("publication_id", sa.Integer),
        sa.column("kind", sa.String), sa.column("document_hash", sa.String), sa.column("status", sa.String),
        sa.column("requested_at", sa.DateTime), sa.column("attempts", sa.Integer),
        sa.column("next_attempt_at", sa.DateTime))
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite holds UTC without a zone, as the app's UTCDateTime does
    op.get_bind().execute(exports.insert().from_select(
        ["revision_id", "publication_id", "kind", "document_hash", "status", "requested_at", "attempts",
         "next_attempt_at"],
        sa.select(publications.c.revision_id, publications.c.id, sa.literal("public_docx"),
                  publications.c.json_sha256, sa.literal("pending"), sa.literal(now, sa.DateTime(timezone=True)),
                  sa.literal(0), sa.literal(now, sa.DateTime(timezone=True)))))


def downgrade():
    bind = op.get_bind()
    publications = sa.table("publication", sa.column("pdf", sa.LargeBinary))
    if bind.execute(sa.select(sa.func.count()).select_from(publications).where(publications.c.pdf.is_(None))).scalar():
        raise RuntimeError("Some publications have no PDF yet: run the worker until it has built them, then downgrade")
    exports = sa.table("stored_export", sa.column("kind", sa.String))
    bind.execute(sa.delete(exports).where(sa.not_(exports.c.kind.in_(KINDS_BEFORE))))
    with op.batch_alter_table("stored_export") as batch_op:
        _replace_kind_check(batch_op, KINDS_BEFORE)
        batch_op.drop_constraint("fk_stored_export_publication_id_publication", type_="foreignkey")
        batch_op.drop_column("publication_id")
    def change(batch_op):
        batch_op.drop_column("docx_sha256")
        batch_op.drop_column("docx")
        batch_op.alter_column("pdf_sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)

    _rebuild_publication(change)
