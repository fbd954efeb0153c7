"""Links from one municipality's pages to another's, as reachable from the request being served.

A request reached through /kamakura/ has that prefix in its script root (formsvc.tenants.resolution),
so url_for builds links within Kamakura. A link to Zushi starts at the deployment's root instead:
the request's root without Kamakura's prefix, then Zushi's prefix (or Zushi's own host name). For
addresses read outside a request (mails), see formsvc.tenants.links.
"""

from __future__ import annotations

from flask import request

from formsvc.tenants.context import ENVIRON_KEY
from formsvc.tenants.directory import TenantInfo
from formsvc.tenants.resolution import directory


def deployment_root() -> str:
    """The request's root URL (scheme, host, script root, ending in "/") without the path prefix
    of the municipality it came through."""
    root = request.url_root
    tenant = request.environ.get(ENVIRON_KEY)
    if tenant is not None and not tenant.is_default:
        prefix = f"/{tenant.slug}/"
        if root.endswith(prefix):
            return root[:-len(prefix) + 1]
    return root


def _on_a_municipality_host() -> bool:
    """This request came by a municipality's own host name, where other prefixes do not route."""
    host = request.host.rsplit(":", 1)[0].lower().rstrip(".")
    return directory().for_host(host) is not None


def root_of(tenant: TenantInfo) -> str | None:
    """The root URL (ending in "/") of ``tenant``'s pages as reachable from this request, or None
    when there is none to link to (an inactive municipality; from another municipality's own host
    name to one without a host name of its own)."""
    if not tenant.active:
        return None
    current = request.environ.get(ENVIRON_KEY)
    if current is not None and current.id == tenant.id:
        return request.url_root
    root = deployment_root()
    if not _on_a_municipality_host():
        # Same host, so the same sign-in (the session cookie is the host's).
        return root if tenant.is_default else f"{root}{tenant.slug}/"
    if tenant.host:
        return f"{request.scheme}://{tenant.host}{root[len(request.host_url) - 1:]}"
    return None
