"""Municipalities for tests: made through the service the operator's pages use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from formsvc.db import database
from formsvc.tenants import service
from formsvc.tenants.codes import check_digit
from formsvc.tenants.context import working_for
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory


def municipality_code(first_five: str) -> str:
    return first_five + check_digit(first_five)


def make_tenant(app, slug: str, name: str, first_five: str = "14204", **values) -> int:
    """A municipality reached at /<slug>/ (or at ``host=``); returns its id."""
    with app.app_context():
        with database().transaction() as session:
            tenant = service.create(session, service.TenantInput(
                slug=slug, name=name, code=municipality_code(first_five), **values),
                reserved=service.reserved_slugs(app.url_map))
            tenant_id = tenant.id
        directory().forget()
    return tenant_id


@contextmanager
def in_tenant(app, tenant_id: int) -> Iterator[None]:
    """Set-up code (publishing, making staff) working for that municipality."""
    with app.app_context(), working_for(tenant_id):
        yield


def tenant_row(app, tenant_id: int) -> Tenant:
    with app.app_context(), database().session_factory() as session:
        found = session.get(Tenant, tenant_id)
        assert found is not None
        session.expunge(found)
        return found
