"""Which municipality the code running now works for.

In a request: the tenant the request was addressed to (formsvc.tenants.resolution put it in the
WSGI environ, so a streamed response still knows it). Elsewhere: the one a ``working_for`` block
names (a job, a command), else the default tenant. ``all_municipalities`` lifts the limit for
work that is the deployment's own (the tenants list, periodic sweeps that then work per tenant).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from flask import has_request_context, request

DEFAULT_TENANT_ID: Final = 1
ENVIRON_KEY: Final = "formsvc.tenant"


class _Everyone:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _Everyone()
_explicit: ContextVar[int | _Everyone | None] = ContextVar("formsvc_tenant", default=None)


class NoSingleTenant(RuntimeError):
    """A row was about to be written (or one tenant asked for) inside ``all_municipalities``."""


def scope() -> int | None:
    """The tenant id queries are limited to, or None inside ``all_municipalities``."""
    value = _explicit.get()
    if value is None:
        return _request_tenant_id()
    return None if value is ALL_TENANTS else value  # type: ignore[return-value]


def current_tenant_id() -> int:
    value = scope()
    if value is None:
        raise NoSingleTenant("this code works for all municipalities: say which one (working_for)")
    return value


def _request_tenant_id() -> int:
    if has_request_context():
        found = request.environ.get(ENVIRON_KEY)
        if found is not None:
            return found.id
    return DEFAULT_TENANT_ID


@contextmanager
def working_for(tenant_id: int) -> Iterator[None]:
    token = _explicit.set(tenant_id)
    try:
        yield
    finally:
        _explicit.reset(token)


@contextmanager
def all_municipalities() -> Iterator[None]:
    """Queries see every municipality's rows (and new rows must name their tenant)."""
    token = _explicit.set(ALL_TENANTS)
    try:
        yield
    finally:
        _explicit.reset(token)
