"""Saving a draft's answers rewrites no index: ix_drafts_expires_at dropped, room left on each page

Revision ID: 0024_drafts_hot_updates
Revises: 0023_tenant_logo
Create Date: 2026-12-07 22:45:00

Every page a resident sends moves the draft's expiry on. With expires_at indexed, PostgreSQL could
never update a draft in place (a heap-only tuple, HOT): each save wrote a new row version into
every one of the table's nine indexes (bench/README.md, resident_page.py, sixth round). The index
served only the hourly purge, which now reads the table of unfinished applications in one pass.
A fill factor of 70 keeps room on each page for the row's next version, which HOT needs.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0024_drafts_hot_updates'
down_revision: str | None = '0023_tenant_logo'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_expires_at'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE drafts SET (fillfactor = 70)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE drafts RESET (fillfactor)')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_expires_at'), ['expires_at'], unique=False)
