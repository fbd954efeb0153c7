"""Municipalities sharing one deployment: the tenants table and tenant_id on what they own

One default tenant (id 1) is made, and every existing row is given it: a single-municipality
install goes on as before (its name and address still come from FORMSVC_MUNICIPALITY and
FORMSVC_MUNICIPALITY_ADDRESS while the default tenant's are empty). Staff user names become
unique within a municipality. The queue's indexes lead with tenant_id, as every query is limited
to one municipality. The dashboard's rollups are derived data: their tables are made again with
tenant_id and rebuilt by the next refresh.

Revision ID: 0021_tenants
Revises: 0020_upload_storage
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021_tenants'
down_revision: str | None = '0020_upload_storage'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table whose rows a municipality owns (the rollups are made again below).
OWNED = (
    'forms', 'form_versions', 'form_working_copies', 'form_events', 'approval_requests',
    'staff_users', 'drafts', 'uploads', 'submissions', 'submission_events', 'counter_visits',
    'draft_abandonments', 'access_log', 'api_tokens', 'outbox', 'payments', 'staff_notices',
    'notification_settings', 'correction_phrases', 'disposals', 'paper_counts', 'jobs', 'job_files',
)
QUEUE_INDEXES = (
    ('status_created', ('status', 'created_at', 'id')),
    ('form_status_created', ('form_id', 'status', 'created_at', 'id')),
    ('assignee_status_created', ('assignee_id', 'status', 'created_at', 'id')),
)


def upgrade() -> None:
    tenants = op.create_table(
        'tenants',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('slug', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.Column('address', sa.String(length=200), nullable=True),
        sa.Column('code', sa.String(length=6), nullable=True),
        sa.Column('host', sa.String(length=253), nullable=True),
        sa.Column('colour', sa.String(length=16), server_default='blue', nullable=False),
        sa.Column('contact', sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants')),
        sa.UniqueConstraint('slug', name=op.f('uq_tenants_slug')),
        sa.UniqueConstraint('code', name=op.f('uq_tenants_code')),
        sa.UniqueConstraint('host', name=op.f('uq_tenants_host')),
    )
    now = sa.func.current_timestamp()
    op.execute(tenants.insert().values(slug='default', colour='blue', contact={}, is_default=True, active=True,
                                       created_at=now, updated_at=now))

    for table in OWNED:
        # With the default first, so that existing rows get it; then without, so that a row
        # written without saying its municipality is refused rather than given the default.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('tenant_id', sa.Integer(), server_default='1', nullable=False))
            batch_op.create_foreign_key(op.f(f'fk_{table}_tenant_id_tenants'), 'tenants', ['tenant_id'], ['id'])
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('tenant_id', existing_type=sa.Integer(), server_default=None, existing_nullable=False)

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_staff_users_username'), type_='unique')
        batch_op.create_unique_constraint('uq_staff_users_tenant_username', ['tenant_id', 'username'])

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        for name, columns in QUEUE_INDEXES:
            batch_op.drop_index(f'ix_submissions_{name}')
            batch_op.create_index(f'ix_submissions_tenant_{name}', ['tenant_id', *columns], unique=False)

    _make_rollups(with_tenant=True)


def downgrade() -> None:
    others = op.get_bind().execute(sa.text('SELECT count(*) FROM tenants WHERE id <> 1')).scalar_one()
    if others:
        raise RuntimeError(f'{others} municipalities besides the default one are served: their rows cannot be told '
                           'apart without tenant_id. Remove them before downgrading past 0021_tenants.')
    _make_rollups(with_tenant=False)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        for name, columns in QUEUE_INDEXES:
            batch_op.drop_index(f'ix_submissions_tenant_{name}')
            batch_op.create_index(f'ix_submissions_{name}', list(columns), unique=False)
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_staff_users_tenant_username', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_staff_users_username'), ['username'])
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_tenant_id_tenants'), type_='foreignkey')
            batch_op.drop_column('tenant_id')
    op.drop_table('tenants')


def _make_rollups(with_tenant: bool) -> None:
    """The rollup tables made again (empty) and marked unbuilt: the next refresh fills them."""
    for table in ('dashboard_month_counts', 'dashboard_month_visits', 'dashboard_month_durations'):
        op.drop_table(table)
    key = ['tenant_id'] if with_tenant else []

    def owned(table: str) -> list:
        if not with_tenant:
            return []
        return [sa.Column('tenant_id', sa.Integer(), nullable=False),
                sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f(f'fk_{table}_tenant_id_tenants'))]

    op.create_table(
        'dashboard_month_counts',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('applications', sa.Integer(), nullable=False),
        sa.Column('corrected', sa.Integer(), nullable=False),
        sa.Column('decided', sa.Integer(), nullable=False),
        sa.Column('rejected', sa.Integer(), nullable=False),
        *owned('dashboard_month_counts'),
        sa.PrimaryKeyConstraint('form_id', 'month', 'channel', name=op.f('pk_dashboard_month_counts')),
    )
    op.create_table(
        'dashboard_month_visits',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('visits', sa.Integer(), nullable=False),
        *owned('dashboard_month_visits'),
        sa.PrimaryKeyConstraint(*key, 'month', name=op.f('pk_dashboard_month_visits')),
    )
    op.create_table(
        'dashboard_month_durations',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('measure', sa.String(length=48), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        *owned('dashboard_month_durations'),
        sa.PrimaryKeyConstraint(*key, 'form_id', 'month', 'measure', 'bucket',
                                name=op.f('pk_dashboard_month_durations')),
    )
    op.execute(sa.text('UPDATE dashboard_rollup_state SET built = false'))
