"""approval before publishing (決裁): forms.approval_required, approval requests

Revision ID: 0010_approvals
Revises: 0009_payments
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0010_approvals'
down_revision: str | None = '0009_payments'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'approval_requests',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('source_digest', sa.String(length=64), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('based_on', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_by', sa.String(length=100), nullable=False),
        sa.Column('request_comment', sa.Text(), nullable=True),
        sa.Column('requested_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('decision_comment', sa.Text(), nullable=True),
        sa.Column('decided_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_reason', sa.String(length=16), nullable=True),
        sa.Column('closed_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_requests_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_requests_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('approval_requests')
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_column('approval_required')
