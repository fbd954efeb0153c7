"""The municipalities of this deployment as each process knows them.

Requests need the tenant before anything else (to route /<slug>/… and to limit every query), so
each process keeps a snapshot of the small tenants table and reads it again when it is
``MAX_AGE_SECONDS`` old, or at once after a change made in this process. Another server sees a
new or changed municipality within that time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from formsvc.tenants.models import Tenant

if TYPE_CHECKING:
    from flask import Flask

MAX_AGE_SECONDS = 10.0


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
                    snapshot = self._snapshot = self._read()
        return snapshot

    def _read(self) -> _Snapshot:
        from formsvc.db import Database

        database: Database = self._app.extensions["formsvc.db"]
        with database.session_factory() as session:
            rows = session.scalars(select(Tenant).order_by(Tenant.id)).all()
        config = self._app.config
        infos = [TenantInfo(
            id=row.id, slug=row.slug,
            name=row.name or config["MUNICIPALITY_NAME"],
            address=row.address or config.get("MUNICIPALITY_ADDRESS") or "",
            code=row.code, host=row.host, colour=row.colour, contact=dict(row.contact or {}),
            is_default=row.is_default, active=row.active) for row in rows]
        default = next((info for info in infos if info.is_default), None)
        if default is None:
            raise RuntimeError("the tenants table has no default tenant: run `formsvc db upgrade`")
        return _Snapshot(
            by_id={info.id: info for info in infos},
            by_slug={info.slug: info for info in infos},
            by_host={info.host: info for info in infos if info.host},
            default=default, read_at=time.monotonic())

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
