"""Shared procedure templates: procedures the operator offers to every municipality, and which
of a municipality's procedures were adopted from one (and the template version last seen); API
token names unique within a municipality, no longer across the deployment

Revision ID: 0022_shared_templates
Revises: 0021_tenants
Create Date: 2026-12-07 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022_shared_templates'
down_revision: str | None = '0021_tenants'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'shared_templates',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('shared_by', sa.String(length=100), nullable=False),
        sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_shared_templates_form_id_forms'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('form_id', name=op.f('pk_shared_templates')),
    )
    op.create_table(
        'template_adoptions',
        sa.Column('form_id', sa.String(length=64), nullable=False),
        sa.Column('template_form_id', sa.String(length=64), nullable=False),
        sa.Column('adopted_version', sa.Integer(), nullable=False),
        sa.Column('seen_version', sa.Integer(), nullable=False),
        sa.Column('adopted_by', sa.String(length=100), nullable=False),
        sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_template_adoptions_form_id_forms'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_template_adoptions_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('form_id', name=op.f('pk_template_adoptions')),
    )
    with op.batch_alter_table('template_adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_adoptions_template_form_id'), ['template_form_id'], unique=False)
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_api_tokens_name'), type_='unique')
        batch_op.create_unique_constraint('uq_api_tokens_tenant_name', ['tenant_id', 'name'])


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('uq_api_tokens_tenant_name', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_api_tokens_name'), ['name'])
    with op.batch_alter_table('template_adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_adoptions_template_form_id'))
    op.drop_table('template_adoptions')
    op.drop_table('shared_templates')
