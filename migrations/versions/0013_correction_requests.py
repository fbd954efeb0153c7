"""correction requests (questions to fix, reply deadline) and standard phrases per procedure

Revision ID: 0013_correction_requests
Revises: 0012_notification_settings
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_correction_requests'
down_revision: str | None = '0012_notification_settings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The questions to fix and the deadline live in the correction_requested event's data (JSON):
    # no column for them. No row here: the procedure uses the built-in phrases.
    op.create_table(
        'correction_phrases',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('form_id', 'position', name='uq_correction_phrases_form_position'),
    )
    op.create_index('ix_correction_phrases_form_id', 'correction_phrases', ['form_id'])


def downgrade() -> None:
    op.drop_index('ix_correction_phrases_form_id', table_name='correction_phrases')
    op.drop_table('correction_phrases')
