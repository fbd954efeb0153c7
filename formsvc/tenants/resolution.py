"""Which municipality a request is for: its host name, else its path prefix, else the default.

A tenant reached by path prefix (/kamakura/forms/…) has the prefix moved from PATH_INFO to
SCRIPT_NAME before Flask routes the request, so every route works unchanged and every URL the
app builds (url_for) keeps the prefix. The session cookie stays on the whole host: a resident
signed in with the card is signed in for every municipality on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from formsvc.tenants.context import ENVIRON_KEY, current_tenant_id
from formsvc.tenants.directory import Directory, TenantInfo

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask


class TenantMiddleware:
    def __init__(self, wsgi_app: WSGIApplication, directory: Directory):
        self.wsgi_app = wsgi_app
        self.directory = directory

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        tenant = self.resolve(environ)
        if tenant is None or not tenant.active:
            start_response("404 NOT FOUND", [("Content-Type", "text/plain; charset=utf-8")])
            return ["この団体の申請窓口は、現在ご利用いただけません。\n".encode()]
        environ[ENVIRON_KEY] = tenant
        return self.wsgi_app(environ, start_response)

    def resolve(self, environ: WSGIEnvironment) -> TenantInfo | None:
        host = (environ.get("HTTP_HOST") or "").rsplit(":", 1)[0].lower().rstrip(".")
        by_host = self.directory.for_host(host) if host else None
        path = environ.get("PATH_INFO") or "/"
        first = path[1:].split("/", 1)[0]
        by_prefix = self.directory.for_slug(first) if first else None
        if by_prefix is not None and not by_prefix.is_default and (by_host is None or by_host.id == by_prefix.id):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + first
            environ["PATH_INFO"] = path[len(first) + 1:] or "/"
            return by_prefix
        return by_host or self.directory.default()


def init_app(app: Flask) -> Directory:
    directory = Directory(app)
    app.extensions["formsvc.tenants"] = directory
    app.wsgi_app = TenantMiddleware(app.wsgi_app, directory)  # type: ignore[method-assign]
    return directory


def directory() -> Directory:
    return current_app.extensions["formsvc.tenants"]


def current_tenant() -> TenantInfo:
    """The municipality of the request, job or command running now."""
    tenants = directory()
    tenant_id = current_tenant_id()
    found = tenants.get(tenant_id)
    if found is None:  # made in this process a moment ago
        tenants.forget()
        found = tenants.get(tenant_id)
    if found is None:
        raise LookupError("no such tenant")
    return found
