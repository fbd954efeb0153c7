"""集計 dashboard: paper application counts and indexes

Revision ID: 0015_dashboard
Revises: 0014_staff_notices
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0015_dashboard'
down_revision: str | None = '0014_staff_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'paper_counts',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=False),
        sa.Column('updated_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('form_id', 'month'),
    )
    op.create_table(
        'draft_abandonments',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('page_id', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('form_id', 'month', 'page_id'),
    )


def downgrade() -> None:
    op.drop_table('draft_abandonments')
    op.drop_table('paper_counts')
