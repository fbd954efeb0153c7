"""The municipalities of this deployment as each process knows them.

Requests need the tenant before anything else (to route /<slug>/… and to limit every query), so
each process keeps a snapshot of the small tenants table and reads it again when it is
``MAX_AGE_SECONDS`` old, or at once after a change made in this process. Another server sees a
new or changed municipality within that time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from formsvc.tenants.context import DEFAULT_TENANT_ID
from formsvc.tenants.models import Tenant

if TYPE_CHECKING:
    from flask import Flask

MAX_AGE_SECONDS = 10.0
# After a failed read, the last snapshot is kept this long before the next try.
RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class TenantInfo:
    """What a request needs of its municipality, without a database session."""

    id: int
    slug: str
    name: str
    address: str
    code: str | None
    host: str | None
    colour: str
    contact: dict = field(hash=False, compare=False)
    is_default: bool = False
    active: bool = True
    # The logo's (formsvc.tenants.logo) digest and size, or None: no logo.
    logo: tuple[str, int, int] | None = None

    @property
    def path_prefix(self) -> str:
        """Where its pages are on a shared host: "" for the default tenant."""
        return "" if self.is_default else f"/{self.slug}"


@dataclass(frozen=True)
class _Snapshot:
    by_id: dict[int, TenantInfo]
    by_slug: dict[str, TenantInfo]
    by_host: dict[str, TenantInfo]
    default: TenantInfo
    read_at: float


class Directory:
    def __init__(self, app: Flask):
        self._app = app
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def forget(self) -> None:
        """Read the table again at the next use (a tenant was created or changed)."""
        self._snapshot = None

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None or time.monotonic() - snapshot.read_at > MAX_AGE_SECONDS:
            with self._lock:
                snapshot = self._snapshot
                if snapshot is None or time.monotonic() - snapshot.read_at > MAX_AGE_SECONDS:
                    snapshot = self._read_or_keep(snapshot)
        return snapshot

    def _read_or_keep(self, last: _Snapshot | None) -> _Snapshot:
        """The table read again; if the database cannot be read, the last snapshot for a while
        more, else the default municipality alone (not kept): the request then meets the database
        error where it has its own answer (/healthz says 503, pages show the error page)."""
        try:
            self._snapshot = self._read()
            return self._snapshot
        except SQLAlchemyError:
            if last is not None:
                self._snapshot = replace(last, read_at=time.monotonic() - MAX_AGE_SECONDS + RETRY_SECONDS)
                return self._snapshot
            provisional = self._info(None)
            return _Snapshot({provisional.id: provisional}, {}, {}, provisional, time.monotonic())

    def _read(self) -> _Snapshot:
        from formsvc.db import Database

        database: Database = self._app.extensions["formsvc.db"]
        with database.session_factory() as session:
            rows = session.scalars(select(Tenant).order_by(Tenant.id)).all()
        infos = [self._info(row) for row in rows]
        default = next((info for info in infos if info.is_default), None)
        if default is None:
            raise RuntimeError("the tenants table has no default tenant: run `formsvc db upgrade`")
        return _Snapshot(
            by_id={info.id: info for info in infos},
            by_slug={info.slug: info for info in infos},
            by_host={info.host: info for info in infos if info.host},
            default=default, read_at=time.monotonic())

    def _info(self, row: Tenant | None) -> TenantInfo:
        """What a request needs of ``row``; None: the default municipality as configured."""
        config = self._app.config
        if row is None:
            return TenantInfo(id=DEFAULT_TENANT_ID, slug="default", name=config["MUNICIPALITY_NAME"],
                              address=config.get("MUNICIPALITY_ADDRESS") or "", code=None, host=None,
                              colour="blue", contact={}, is_default=True)
        return TenantInfo(
            id=row.id, slug=row.slug,
            name=row.name or config["MUNICIPALITY_NAME"],
            address=row.address or config.get("MUNICIPALITY_ADDRESS") or "",
            code=row.code, host=row.host, colour=row.colour, contact=dict(row.contact or {}),
            is_default=row.is_default, active=row.active,
            logo=(row.logo_digest, row.logo_width or 0, row.logo_height or 0) if row.logo_digest else None)

    def default(self) -> TenantInfo:
        return self._current().default

    def get(self, tenant_id: int) -> TenantInfo | None:
        return self._current().by_id.get(tenant_id)

    def all(self) -> list[TenantInfo]:
        return list(self._current().by_id.values())

    def for_host(self, host: str) -> TenantInfo | None:
        return self._current().by_host.get(host)

    def for_slug(self, slug: str) -> TenantInfo | None:
        return self._current().by_slug.get(slug)
