"""Every ORM query limited to the current municipality, every new row given it.

One listener on every Session adds ``tenant_id = :current`` to each tenant-owned entity of a
SELECT, UPDATE or DELETE (SQLAlchemy's with_loader_criteria, which also reaches joins and
subqueries of ORM statements). Loads of a row's columns or relationships are left alone: the row
itself was found in this tenant. Statements written as text or against Core tables are not
covered; those few say their tenant themselves (the dashboard's SQL, for one).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

from formsvc.tenants.context import current_tenant_id, scope
from formsvc.tenants.models import Tenant  # noqa: F401  (tenant_id's foreign key names its table)


class TenantOwned:
    """Mixin of every model a municipality owns."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(Integer, ForeignKey("tenants.id"), default=current_tenant_id, nullable=False)


@event.listens_for(Session, "do_orm_execute")
def _limit_to_current_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    tenant = scope()
    if tenant is None:
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant, include_aliases=True))
