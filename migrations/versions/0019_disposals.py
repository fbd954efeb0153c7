"""廃棄記録: one line per application disposed of when its retention period ran out

Revision ID: 0019_disposals
Revises: 0018_jobs
Create Date: 2026-12-07 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0019_disposals'
down_revision: str | None = '0018_jobs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'disposals',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('reception_number', sa.String(length=16), nullable=False),
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('form_title', sa.String(length=200), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('received_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('retention_years', sa.Integer(), nullable=False),
        sa.Column('basis', sa.String(length=200), nullable=True),
        sa.Column('disposed_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_disposals_reception_number'), 'disposals', ['reception_number'])


def downgrade() -> None:
    op.drop_index(op.f('ix_disposals_reception_number'), table_name='disposals')
    op.drop_table('disposals')
