"""集計 dashboard: monthly rollups, the change log that keeps them current, and an index for them

Revision ID: 0016_dashboard_rollups
Revises: 0015_dashboard
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0016_dashboard_rollups'
down_revision: str | None = '0015_dashboard'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    state = op.create_table(
        'dashboard_rollup_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('built', sa.Boolean(), nullable=False),
        sa.Column('refreshed_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    # Not built: the first refresh (the first dashboard view, or `formsvc refresh-dashboard`)
    # computes every month from the applications already there.
    op.bulk_insert(state, [{'id': 1, 'built': False, 'refreshed_at': None}])
    op.create_table(
        'dashboard_changes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=True),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'dashboard_month_counts',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('applications', sa.Integer(), nullable=False),
        sa.Column('corrected', sa.Integer(), nullable=False),
        sa.Column('decided', sa.Integer(), nullable=False),
        sa.Column('rejected', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('form_id', 'month', 'channel'),
    )
    op.create_table(
        'dashboard_month_visits',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('visits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month'),
    )
    op.create_table(
        'dashboard_month_durations',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('measure', sa.String(length=48), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('form_id', 'month', 'measure', 'bucket'),
    )
    # Recomputing one procedure's month reads its applications by receipt time, and looks for
    # those with an event of one kind (差し戻し, decisions).
    op.create_index('ix_submissions_form_created', 'submissions', ['form_id', 'created_at'])
    op.create_index('ix_submission_events_kind_submission', 'submission_events', ['kind', 'submission_id'])


def downgrade() -> None:
    op.drop_index('ix_submission_events_kind_submission', table_name='submission_events')
    op.drop_index('ix_submissions_form_created', table_name='submissions')
    op.drop_table('dashboard_month_durations')
    op.drop_table('dashboard_month_visits')
    op.drop_table('dashboard_month_counts')
    op.drop_table('dashboard_changes')
    op.drop_table('dashboard_rollup_state')
