"""受付期間 as date-times per procedure; scheduled publishing of versions

Revision ID: 0011_intake_periods
Revises: 0010_approvals
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0011_intake_periods'
down_revision: str | None = '0010_approvals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 受付期間 as moments, per procedure (formsvc.forms.periods): None is no limit.
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opens_at', formsvc.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closes_at', formsvc.db.UTCDateTime(timezone=True), nullable=True))
    # Scheduled publishing: a version residents get only from this moment (None: from its publishing).
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_at', formsvc.db.UTCDateTime(timezone=True), nullable=True))
        # A cancelled schedule (予約取消): the version is kept, its number never reused, never in effect.
        batch_op.add_column(sa.Column('cancelled_at', formsvc.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('effective_at')
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_column('closes_at')
        batch_op.drop_column('opens_at')
