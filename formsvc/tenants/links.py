"""Full addresses of a municipality's pages, for what is read outside the request (mails).

Built from FORMSVC_PUBLIC_URL, never from the request's Host header (which the sender of the
request chooses): a municipality with a host name of its own is at the same scheme and path on
that host; one reached by path prefix is under ``/<slug>`` on the public URL's host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_app_context

from formsvc.tenants.directory import TenantInfo


def public_base(tenant: TenantInfo | None = None) -> str | None:
    """The municipality's base URL without a trailing slash (default: the current one); None when
    FORMSVC_PUBLIC_URL is not set."""
    base = current_app.config.get("PUBLIC_URL") if has_app_context() else None
    if not base:
        return None
    if tenant is None:
        from formsvc.tenants.resolution import current_tenant

        tenant = current_tenant()
    if tenant.host:
        parts = urlsplit(base)
        return f"{parts.scheme}://{tenant.host}{parts.path}".rstrip("/")
    return f"{base}{tenant.path_prefix}"
