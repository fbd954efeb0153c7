"""Deployment-wide work done municipality by municipality (the periodic jobs, some commands).

A periodic job is the deployment's (it is made by whichever worker's scheduler comes first, and
belongs to the default tenant); what it does, it does for every municipality in turn, each in a
``working_for`` block, so that every query and every row it writes is that municipality's.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.tenants.context import all_municipalities, working_for
from formsvc.tenants.models import Tenant


def tenant_ids(session: Session) -> list[int]:
    """Every municipality's id, the inactive ones too (their data is kept, and purged, all the same)."""
    with all_municipalities():
        return list(session.scalars(select(Tenant.id).order_by(Tenant.id)))


def each_municipality(session: Session) -> Iterator[int]:
    """Yield each municipality's id while working for it."""
    for tenant_id in tenant_ids(session):
        with working_for(tenant_id):
            yield tenant_id
