"""Uploaded files' bytes in the database, a folder or an S3-compatible store

``uploads.content`` may now be empty: the bytes of a file stored while FORMSVC_UPLOAD_STORAGE names
a folder or a bucket are there, under ``uploads.storage_key`` (formsvc.submissions.storage). Every
existing row keeps its bytes in ``content`` and stays readable whatever the setting. A row has its
bytes in one place or the other, never neither.

Revision ID: 0020_upload_storage
Revises: 0019_disposals
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020_upload_storage'
down_revision: str | None = '0019_disposals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage_key', sa.String(length=128), nullable=True))
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_uploads_storage_key'), ['storage_key'])
        batch_op.create_check_constraint(batch_op.f('ck_uploads_bytes_somewhere'), 'content IS NOT NULL OR storage_key IS NOT NULL')


def downgrade() -> None:
    outside = op.get_bind().execute(sa.text('SELECT count(*) FROM uploads WHERE content IS NULL')).scalar_one()
    if outside:
        raise RuntimeError(f'{outside} uploaded files are stored outside the database (FORMSVC_UPLOAD_STORAGE): '
                           'copy their bytes into uploads.content before downgrading past 0020_upload_storage')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_uploads_bytes_somewhere'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_uploads_storage_key'), type_='unique')
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('storage_key')
