"""per-procedure notification settings (resident mails by status, staff mailbox, mail texts)

Revision ID: 0012_notification_settings
Revises: 0011_intake_periods
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import formsvc.db

revision: str = '0012_notification_settings'
down_revision: str | None = '0011_intake_periods'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    # No row: a procedure's mails as before (every resident mail, no staff mailbox, built-in texts).
    op.create_table(
        'notification_settings',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('resident_kinds', JSON, nullable=False),
        sa.Column('staff_mailbox', sa.String(length=254), nullable=True),
        sa.Column('texts', JSON, nullable=False),
        sa.Column('updated_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('form_id'),
    )


def downgrade() -> None:
    op.drop_table('notification_settings')
