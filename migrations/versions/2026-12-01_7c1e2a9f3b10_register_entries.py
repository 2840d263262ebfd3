"""The register's entries: one row per assessment's current public revision, with full-text search.

- register_entry: the listing columns of each non-withdrawn publication that can still be public,
  with `public_until` (the earliest publish_at of a later non-withdrawn revision), filled here from
  the existing publications.
- register_version: one row that maintenance bumps, the caches' validator, with the entries' count.
- register_search: the full-text index over reference, title, team and the publication's search
  text, kept in step with register_entry by triggers. FTS5 (unicode61, diacritics removed) on
  SQLite; a stripped tsvector ('simple', Latin diacritics folded, punctuation as spaces) with a GIN
  index on PostgreSQL, so both tokenise alike. Outside the models' metadata: migrations/env.py hides
  it from autogenerate.

Revision ID: 7c1e2a9f3b10
Revises: 4d804bb453cc
Create Date: 2026-12-01 14:00:00
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e2a9f3b10'
down_revision = '4d804bb453cc'
branch_labels = None
depends_on = None


def _latin_folds():
    """Latin letters with diacritics and their bare letters (as dpia/publication/services/listing.py)."""
    accented, bare = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base != char and len(base) == 1 and base.isascii() and base.isalpha():
            accented.append(char)
            bare.append(base)
    return "".join(accented), "".join(bare)


SQLITE_UP = [
    "CREATE VIRTUAL TABLE register_search USING fts5(reference, title, team, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER register_entry_search_insert AFTER INSERT ON register_entry BEGIN
        INSERT INTO register_search (rowid, reference, title, team, body)
        SELECT new.id, new.reference, new.title, new.team_name, p.search_text
        FROM publication p WHERE p.id = new.publication_id;
    END""",
    """CREATE TRIGGER register_entry_search_delete AFTER DELETE ON register_entry BEGIN
        DELETE FROM register_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER register_entry_search_update AFTER UPDATE ON register_entry BEGIN
        DELETE FROM register_search WHERE rowid = old.id;
        INSERT INTO register_search (rowid, reference, title, team, body)
        SELECT new.id, new.reference, new.title, new.team_name, p.search_text
        FROM publication p WHERE p.id = new.publication_id;
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS register_entry_search_update",
    "DROP TRIGGER IF EXISTS register_entry_search_delete",
    "DROP TRIGGER IF EXISTS register_entry_search_insert",
    "DROP TABLE IF EXISTS register_search",
]


def _postgresql_up():
    accented, bare = _latin_folds()
    return [
        """CREATE TABLE register_search (
            entry_id INTEGER PRIMARY KEY REFERENCES register_entry (id) ON DELETE CASCADE,
            document tsvector NOT NULL)""",
        "CREATE INDEX ix_register_search_document ON register_search USING gin (document)",
        f"""CREATE FUNCTION register_search_document(reference text, title text, team text, body text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT strip(to_tsvector('simple'::regconfig, regexp_replace(
                translate(concat_ws(' ', reference, title, team, body), '{accented}', '{bare}'),
                '[^[:alnum:]]+', ' ', 'g')))
        $$""",
        """CREATE FUNCTION register_entry_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO register_search (entry_id, document)
            SELECT NEW.id, register_search_document(NEW.reference, NEW.title, NEW.team_name, p.search_text)
            FROM publication p WHERE p.id = NEW.publication_id
            ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document;
            RETURN NULL;
        END
        $$""",
        """CREATE TRIGGER register_entry_search AFTER INSERT OR UPDATE ON register_entry
        FOR EACH ROW EXECUTE FUNCTION register_entry_search()""",
    ]


POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS register_entry_search ON register_entry",
    "DROP FUNCTION IF EXISTS register_entry_search()",
    "DROP TABLE IF EXISTS register_search",
    "DROP FUNCTION IF EXISTS register_search_document(text, text, text, text)",
]

FILL = """
INSERT INTO register_entry (assessment_id, publication_id, reference, revision_number, title, team_name,
                            summary, publish_at, public_until)
SELECT assessment_id, publication_id, reference, revision_number, title, team_name, summary, publish_at,
       public_until
FROM (SELECT p.assessment_id, p.id AS publication_id, a.reference, p.revision_number, p.title, p.team_name,
             p.summary, p.publish_at,
             (SELECT MIN(q.publish_at) FROM publication q
              WHERE q.assessment_id = p.assessment_id AND q.revision_number > p.revision_number
                AND q.withdrawn_at IS NULL) AS public_until
      FROM publication p JOIN assessment a ON a.id = p.assessment_id
      WHERE p.withdrawn_at IS NULL) AS candidates
WHERE public_until IS NULL OR public_until > publish_at
"""


def upgrade():
    op.create_table('register_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_register_entry_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_register_entry_publication_id_publication'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entry')),
    sa.UniqueConstraint('publication_id', name=op.f('uq_register_entry_publication_id'))
    )
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.create_index('ix_register_entry_assessment_id', ['assessment_id'], unique=False)
        batch_op.create_index('ix_register_entry_public_until', ['public_until'], unique=False)
        batch_op.create_index('ix_register_entry_publish_at_publication_id', ['publish_at', 'publication_id', 'public_until'], unique=False)
        batch_op.create_index('ix_register_entry_team_name_publish_at', ['team_name', 'publish_at', 'publication_id', 'public_until'], unique=False)

    op.create_table('register_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_version'))
    )

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else _postgresql_up():
        op.execute(statement)
    op.execute(FILL)
    op.execute("INSERT INTO register_version (id, version, entries) SELECT 1, 1, COUNT(*) FROM register_entry")


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else POSTGRESQL_DOWN:
        op.execute(statement)
    op.drop_table('register_version')
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_register_entry_team_name_publish_at')
        batch_op.drop_index('ix_register_entry_publish_at_publication_id')
        batch_op.drop_index('ix_register_entry_public_until')
        batch_op.drop_index('ix_register_entry_assessment_id')
    op.drop_table('register_entry')
