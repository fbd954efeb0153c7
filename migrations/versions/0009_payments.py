"""payments (online and counter 収納), provider notifications, the mock provider's tables; fees as bigint

Revision ID: 0009_payments
Revises: 0008_definition_language_v2
Create Date: 2026-12-07 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import formsvc.db

revision: str = '0009_payments'
down_revision: str | None = '0008_definition_language_v2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.alter_column('fee', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=True)
        # Applications made before payments existed need none: their fee was collected another way.
        batch_op.add_column(sa.Column('payment_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'payments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('idempotency_key', sa.String(length=64), nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('provider_payment_id', sa.String(length=64), nullable=True),
        sa.Column('next_url', sa.Text(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=True),
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('submission_id', sa.Integer(), nullable=True),
        sa.Column('visit_id', sa.Integer(), nullable=True),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('answers_digest', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('failure_reason', sa.String(length=64), nullable=True),
        sa.Column('payment_number', sa.String(length=64), nullable=True),
        sa.Column('pay_by', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('paid_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('refund_status', sa.String(length=16), server_default='none', nullable=False),
        sa.Column('refund_reason', sa.String(length=200), nullable=True),
        sa.Column('refunded_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('refunded_by_id', sa.Integer(), nullable=True),
        sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['visit_id'], ['counter_visits.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['refunded_by_id'], ['staff_users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reference'),
        sa.UniqueConstraint('idempotency_key'),
        sa.UniqueConstraint('provider_payment_id'),
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_channel_paid', ['channel', 'paid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_staff_id'), ['staff_id'], unique=False)
    op.create_table(
        'payment_notifications',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.String(length=100), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('received_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('provider', 'event_id'),
    )
    with op.batch_alter_table('payment_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_notifications_payment_id'), ['payment_id'], unique=False)
    op.create_table(
        'mock_payments',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('idempotency_key', sa.String(length=64), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('return_url', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=True),
        sa.Column('card_last4', sa.String(length=4), nullable=True),
        sa.Column('failure_code', sa.String(length=32), nullable=True),
        sa.Column('payment_number', sa.String(length=64), nullable=True),
        sa.Column('pay_by', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('refunded_amount', sa.BigInteger(), nullable=False),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idempotency_key'),
    )
    op.create_table(
        'mock_payment_notifications',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('event_id', sa.String(length=64), nullable=False),
        sa.Column('payment_id', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('delivered_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['payment_id'], ['mock_payments.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    with op.batch_alter_table('mock_payment_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mock_payment_notifications_payment_id'), ['payment_id'], unique=False)


def downgrade() -> None:
    op.drop_table('mock_payment_notifications')
    op.drop_table('mock_payments')
    op.drop_table('payment_notifications')
    op.drop_table('payments')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('payment_required')
        batch_op.alter_column('fee', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=True)
