"""Staff queue name search: trigram indexes on the applicant's name and フリガナ (PostgreSQL only)

The queue's 氏名・フリガナ filter matches any part of the name (``LIKE '%…%'``), which no B-tree
can serve: at a million submissions every search read the whole table. pg_trgm's GIN indexes
serve ``LIKE '%…%'`` on exactly the expression indexed, so the expressions below must stay the
ones ``formsvc.submissions.models.name_trigram_key`` builds: the name with spaces removed, in
lower case, every character written three times, so that searches of one or two characters
(林, 山田: most surnames have two) also have a trigram to look up.

SQLite has no such index and keeps scanning: it is for development and small installations.

Revision ID: 0017_name_search_trgm
Revises: 0016_dashboard_rollups
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0017_name_search_trgm'
down_revision: str | None = '0016_dashboard_rollups'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The name with spaces removed, in lower case, every character written three times.
TRIPLED_KEY = r"regexp_replace(lower(replace({column}, ' ', '')), '(.)', '\1\1\1', 'g')"
INDEXES = {
    'ix_submissions_applicant_name_trgm': TRIPLED_KEY.format(column='applicant_name'),
    'ix_submissions_applicant_kana_trgm': TRIPLED_KEY.format(column='applicant_kana'),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, expression in INDEXES.items():
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON submissions USING gin (({expression}) gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The extension stays: other objects may have come to use it since.
    for name in INDEXES:
        op.execute(f'DROP INDEX IF EXISTS {name}')
