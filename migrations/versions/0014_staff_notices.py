"""staff notices (in-app) of new and resubmitted applications

Revision ID: 0014_staff_notices
Revises: 0013_correction_requests
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0014_staff_notices'
down_revision: str | None = '0013_correction_requests'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One row per notice to one staff member (formsvc.staff.notices): unread while read_at is NULL.
    op.create_table(
        'staff_notices',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_staff_notices_staff_id_read_at', 'staff_notices', ['staff_id', 'read_at'])
    op.create_index('ix_staff_notices_submission_id', 'staff_notices', ['submission_id'])


def downgrade() -> None:
    op.drop_index('ix_staff_notices_submission_id', table_name='staff_notices')
    op.drop_index('ix_staff_notices_staff_id_read_at', table_name='staff_notices')
    op.drop_table('staff_notices')
