"""The OpenID Connect provider as seen by the relying party: discovery, keys, token endpoint.

Any provider configured by issuer URL, client id and secret works. Without one, an embedded
provider the app registers (``register_embedded``: the mock, in demo mode) is used; its
back-channel requests (discovery, JWKS, token) then go to this same application in-process
(httpx's WSGI transport), so a single-worker server cannot deadlock calling itself. Against a
real provider they are ordinary HTTPS requests.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from flask import Flask, current_app

DISCOVERY_PATH = "/.well-known/openid-configuration"
EMBEDDED = "formsvc.embedded_identity_provider"  # app.extensions key of the embedded provider
CACHE_SECONDS = 3600
TIMEOUT_SECONDS = 10
KEY_REFRESH_SECONDS = 60
REQUIRED_METADATA = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# Providers (discovery document and keys) kept per process. One issuer is configured; in demo
# mode the mock's issuer follows the request's Host header, which a client chooses freely, so
# the least recently used ones go (the demo is reached by a handful of names at most).
MAX_CACHED_PROVIDERS = 8
_providers_lock = threading.Lock()


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable (``reason`` is loggable)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid name address birthdate gender"
    acr_values: str = "aal3"
    in_process: bool = False


@dataclass
class Provider:
    settings: ProviderSettings
    app: Flask | None = None
    _metadata: dict | None = None
    _metadata_at: float = 0.0
    _keys: dict[str, dict] = field(default_factory=dict)
    _keys_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> httpx.Client:
        if self.settings.in_process and self.app is not None:
            return httpx.Client(transport=httpx.WSGITransport(app=self.app), timeout=TIMEOUT_SECONDS)
        return httpx.Client(timeout=TIMEOUT_SECONDS)

    def _get_json(self, url: str) -> dict:
        try:
            with self.client() as client:
                response = client.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            raise ProviderError("unreachable") from None
        if not isinstance(body, dict):
            raise ProviderError("not-an-object")
        return body

    def metadata(self) -> dict:
        with self._lock:
            cached = self._metadata if time.monotonic() - self._metadata_at < CACHE_SECONDS else None
        if cached is not None:
            return cached
        metadata = self._get_json(self.settings.issuer.rstrip("/") + DISCOVERY_PATH)
        if metadata.get("issuer") != self.settings.issuer:
            raise ProviderError("issuer-mismatch")
        if not all(isinstance(metadata.get(name), str) for name in REQUIRED_METADATA):
            raise ProviderError("metadata-incomplete")
        with self._lock:
            self._metadata, self._metadata_at = metadata, time.monotonic()
        return metadata

    def key(self, kid: str, refresh: bool) -> dict | None:
        """The provider's signing key ``kid``.

        The JWKS is fetched when none is cached, and again with ``refresh`` (an unknown kid:
        the provider may have rotated its keys), but at most once a minute, so tokens with
        made-up kids cannot make us hammer the provider.
        """
        with self._lock:
            known = self._keys.get(kid)
            stale = not self._keys or (refresh and time.monotonic() - self._keys_at > KEY_REFRESH_SECONDS)
        if known is not None or not stale:
            return known
        jwks = self._get_json(self.metadata()["jwks_uri"])
        keys = {k["kid"]: k for k in jwks.get("keys", []) if isinstance(k, dict) and "kid" in k}
        with self._lock:
            self._keys, self._keys_at = keys, time.monotonic()
        return keys.get(kid)

    def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> dict:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": code_verifier}
        try:
            with self.client() as client:
                response = client.post(self.metadata()["token_endpoint"], data=data,
                                       auth=(self.settings.client_id, self.settings.client_secret))
        except httpx.HTTPError:
            raise ProviderError("unreachable") from None
        if response.status_code != 200:
            try:
                error = response.json().get("error", "token-error")
            except ValueError:
                error = "token-error"
            raise ProviderError(f"token:{error}")
        try:
            body = response.json()
        except ValueError:
            raise ProviderError("token:not-json") from None
        if not isinstance(body, dict) or not all(isinstance(body.get(name), str)
                                                  for name in ("id_token", "access_token")):
            raise ProviderError("token:incomplete")
        return body


def provider() -> Provider:
    """The configured provider, built once per issuer so that discovery and keys are cached
    (for the MAX_CACHED_PROVIDERS most recently used issuers)."""
    settings = settings_for(current_app)
    with _providers_lock:
        providers: OrderedDict[str, Provider] = current_app.extensions.setdefault("formsvc.oidc", OrderedDict())
        existing = providers.get(settings.issuer)
        if existing is None:
            # The app itself, not the proxy (Flask types current_app as the app, hiding the proxy's method).
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            existing = providers[settings.issuer] = Provider(settings, app)
            while len(providers) > MAX_CACHED_PROVIDERS:
                providers.popitem(last=False)
        else:
            providers.move_to_end(settings.issuer)
    return existing


class EmbeddedProvider(Protocol):
    """An identity provider served by this application itself."""

    def settings(self) -> ProviderSettings:
        """How to reach it from the current request (its issuer may follow the request's host)."""
        ...


def register_embedded(app: Flask, embedded: EmbeddedProvider) -> None:
    """Use ``embedded`` when no provider is configured (OIDC_ISSUER)."""
    app.extensions[EMBEDDED] = embedded


def settings_for(app: Flask) -> ProviderSettings:
    config = app.config
    if config.get("OIDC_ISSUER"):
        return ProviderSettings(
            issuer=config["OIDC_ISSUER"], client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"], in_process=False,
        )
    embedded: EmbeddedProvider | None = app.extensions.get(EMBEDDED)
    if embedded is None:
        raise ProviderError("not-configured")
    return embedded.settings()
