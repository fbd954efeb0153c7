"""Background jobs: their rows and files, and (PostgreSQL) the queue's own tables

``jobs`` and ``job_files`` are formsvc's (formsvc.jobs.models). On PostgreSQL the queue lives in
the same database: huey's PostgreSQL storage with the table prefix ``formsvc_queue``, created here
in huey's own layout (huey.storage.PostgresStorage.ddl) rather than by each process at start-up.
On SQLite the queue is its own file (instance/jobs.sqlite3), which huey creates.

Revision ID: 0018_jobs
Revises: 0017_name_search_trgm
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import formsvc.db

revision: str = '0018_jobs'
down_revision: str | None = '0017_name_search_trgm'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_TABLES = (
    'CREATE TABLE IF NOT EXISTS formsvc_queue_kv (queue text NOT NULL, key text NOT NULL, '
    'value bytea NOT NULL, PRIMARY KEY (queue, key))',
    'CREATE TABLE IF NOT EXISTS formsvc_queue_schedule (id bigserial PRIMARY KEY, queue text NOT NULL, '
    'data bytea NOT NULL, timestamp double precision NOT NULL)',
    'CREATE INDEX IF NOT EXISTS formsvc_queue_schedule_queue_timestamp ON formsvc_queue_schedule (queue, timestamp)',
    'CREATE TABLE IF NOT EXISTS formsvc_queue_task (id bigserial PRIMARY KEY, queue text NOT NULL, '
    'data bytea NOT NULL, priority double precision NOT NULL DEFAULT 0.0)',
    'CREATE INDEX IF NOT EXISTS formsvc_queue_task_queue_priority_id ON formsvc_queue_task (queue, priority DESC, id)',
    'CREATE TABLE IF NOT EXISTS formsvc_queue_counter (queue text NOT NULL, key text NOT NULL, '
    'value bigint NOT NULL DEFAULT 0, PRIMARY KEY (queue, key))',
)


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(length=48), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('unique_key', sa.String(length=100), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('not_before', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('pushed_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('worker', sa.String(length=100), nullable=True),
        sa.Column('heartbeat_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=255), nullable=True),
        sa.Column('requested_by', sa.String(length=100), nullable=True),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', formsvc.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['parent_id'], ['jobs.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unique_key', name=op.f('uq_jobs_unique_key')),
    )
    op.create_index('ix_jobs_state_not_before', 'jobs', ['state', 'not_before'])
    op.create_index('ix_jobs_parent', 'jobs', ['parent_id'])
    op.create_table(
        'job_files',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', formsvc.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'name'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        for statement in QUEUE_TABLES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in ('formsvc_queue_counter', 'formsvc_queue_task', 'formsvc_queue_schedule', 'formsvc_queue_kv'):
            op.execute(f'DROP TABLE IF EXISTS {table}')
    op.drop_table('job_files')
    op.drop_index('ix_jobs_parent', table_name='jobs')
    op.drop_index('ix_jobs_state_not_before', table_name='jobs')
    op.drop_table('jobs')
