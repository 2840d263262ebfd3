"""The public retention register's rows: the retention rules each publication published.

Why a table: /register/retention lists the retention rules of every assessment's current public
revision. Reading them from the live `retention_rule` rows would need the redactions re-applied on
every request (and a slip would publish a withheld row); reading them out of each stored JSON bundle
would parse every bundle per request. So scheduling writes them once, from the same redacted document
the bundle is made from, and the listing joins them to `register_entry` by publication.

`UNIQUE (publication_id, position)` gives each publication's rules their order and is the index the
join uses. A publication's rows go with it (ON DELETE CASCADE).

Publications scheduled before this revision are filled in from their stored JSON bundle
(`document.retention`, which already leaves withheld rows without cells and withheld questions and
sections out), so the register is complete after the upgrade. The text conversions here are written
out rather than imported, so this migration keeps working whatever later happens to the code:
"30 days" becomes 30, "Not answered" becomes no value, and Markdown becomes plain text.

Revision ID: c9e5a7b32d43
Revises: b8d4f6a21c32
Create Date: 2026-12-01 17:00:00
"""
import json
import re
from html import unescape

import markdown
import nh3
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e5a7b32d43'
down_revision = 'b8d4f6a21c32'
branch_labels = None
depends_on = None

# The column labels of a retention table (dpia/questionnaires/rules/row_kinds.py at this revision).
KEYS = {"Data": "data_category", "Kept for": "period_days", "Counted from": "trigger",
        "Why this period": "justification", "Exceptions": "exceptions", "How it is deleted": "deletion_method"}
DAYS = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+) days")
NOT_ANSWERED = "Not answered"


def _plain(source):
    if not source:
        return ""
    html = markdown.markdown(source, output_format="html")
    return " ".join(unescape(nh3.clean(html, tags=set(), strip_comments=True)).split())


def _rows(bundle):
    """The published (not withheld) retention rules of one stored JSON bundle, as table rows."""
    document = json.loads(bundle).get("document") or {}
    table = document.get("retention") or {}
    position = 0
    for row in table.get("rows") or ():
        if row.get("withheld"):
            continue
        cells = {KEYS.get(cell["label"], cell["label"]): cell["text"] for cell in row.get("cells") or ()}
        days = DAYS.fullmatch(cells.get("period_days", "").strip())
        exceptions = cells.get("exceptions", NOT_ANSWERED)
        position += 1
        yield {"position": position, "data_category": cells.get("data_category", "")[:300],
               "period_days": int(days.group(1).replace(",", "")) if days else None,
               "trigger": cells.get("trigger", "")[:100], "justification": _plain(cells.get("justification", "")),
               "exceptions": None if exceptions == NOT_ANSWERED else _plain(exceptions),
               "deletion_method": cells.get("deletion_method", "")[:40]}


def upgrade():
    table = op.create_table('public_retention_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data_category', sa.String(length=300), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=100), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('exceptions', sa.Text(), nullable=True),
    sa.Column('deletion_method', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publication.id'], name=op.f('fk_public_retention_rule_publication_id_publication'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_retention_rule')),
    sa.UniqueConstraint('publication_id', 'position', name=op.f('uq_public_retention_rule_publication_id_position'))
    )

    connection = op.get_bind()
    publication = sa.table('publication', sa.column('id', sa.Integer()), sa.column('json', sa.Text()))
    last = 0
    while True:  # a batch of bundles at a time: they are large
        batch = connection.execute(sa.select(publication.c.id, publication.c.json)
                                   .where(publication.c.id > last).order_by(publication.c.id).limit(100)).all()
        if not batch:
            break
        rows = [{"publication_id": publication_id, **row} for publication_id, bundle in batch for row in _rows(bundle)]
        if rows:
            op.bulk_insert(table, rows)
        last = batch[-1].id


def downgrade():
    op.drop_table('public_retention_rule')
