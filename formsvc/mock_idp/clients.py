"""Relying parties registered with the mock provider.

`MOCK_IDP_CLIENTS` = {client_id: {"secret": ..., "redirect_uris": [...], "name": ...}} registers
clients explicitly; their redirect URIs must match exactly. When it is not set, one client is
registered: "formsvc-demo" (this app's own sign-in), whose secret is OIDC_CLIENT_SECRET
(environment: FORMSVC_OIDC_CLIENT_SECRET) when set, else `demo_client_secret(SECRET_KEY)`, and
whose redirect URIs are /auth/callback on the request's own root URL (any host: the demo runs on
localhost, 127.0.0.1 and behind proxies alike) and /<slug>/auth/callback there for each active
municipality reachable by path prefix on that host: a list built from the tenants table, never a
prefix match.
Every redirect URI is compared as an exact string: no https:// for http://, no other port, case,
trailing slash or empty query.

The mock is one provider for the whole host, like the national one: its issuer and these URIs
start at the deployment's root, without the path prefix of the municipality a request came
through (formsvc.tenants.request_roots.deployment_root), so a resident signed in at /kamakura/
is the same resident (issuer and subject) at /zushi/.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from flask import current_app, request

from formsvc.tenants.request_roots import root_of

DEMO_CLIENT_ID = "formsvc-demo"
DEMO_CALLBACK_PATH = "auth/callback"


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    # None: the demo client, whose redirect URI is /auth/callback on the request's host.
    redirect_uris: tuple[str, ...] | None
    name: str

    def accepts_redirect_uri(self, uri: str) -> bool:
        if self.redirect_uris is not None:
            return uri in self.redirect_uris
        return uri in same_host_callbacks()

    def secret_matches(self, secret: str | None) -> bool:
        return secret is not None and hmac.compare_digest(secret.encode("utf-8"), self.secret.encode("utf-8"))


def demo_client_secret(secret_key: str) -> str:
    """The demo client's secret derived from SECRET_KEY (the relying party derives the same)."""
    return hmac.new(secret_key.encode("utf-8"), f"formsvc-mock-idp-client-secret:{DEMO_CLIENT_ID}".encode(),
                    hashlib.sha256).hexdigest()


def default_client_secret() -> str:
    """The demo client's secret: OIDC_CLIENT_SECRET when set, else derived from SECRET_KEY."""
    config = current_app.config
    if "OIDC_CLIENT_SECRET" in config:  # formsvc.config reads FORMSVC_OIDC_CLIENT_SECRET
        configured = config["OIDC_CLIENT_SECRET"]
    else:  # an app configured without formsvc.config's settings
        configured = os.environ.get("FORMSVC_OIDC_CLIENT_SECRET")
    return configured or demo_client_secret(config["SECRET_KEY"])


def same_host_callbacks() -> frozenset[str]:
    """The demo client's redirect URIs: /auth/callback under the root of each active municipality
    reachable on the request's host (formsvc.tenants.request_roots.root_of), exact strings, nothing else
    (urlsplit would forgive HTTP:// for http://, an empty query or fragment)."""
    from formsvc.tenants.resolution import directory

    roots = (root_of(tenant) for tenant in directory().all())
    return frozenset(root + DEMO_CALLBACK_PATH for root in roots
                     if root is not None and root.startswith(request.host_url))


def registered_clients() -> dict[str, Client]:
    configured = current_app.config.get("MOCK_IDP_CLIENTS")
    if configured is None:
        name = f"{current_app.config['MUNICIPALITY_NAME']} オンライン申請"
        return {DEMO_CLIENT_ID: Client(DEMO_CLIENT_ID, default_client_secret(), None, name)}
    return {
        client_id: Client(client_id, spec["secret"], tuple(spec["redirect_uris"]), spec.get("name", client_id))
        for client_id, spec in configured.items()
    }


def client_by_id(client_id: str | None) -> Client | None:
    if not client_id:
        return None
    return registered_clients().get(client_id)
