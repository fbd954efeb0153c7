"""The provider's keys: fetched once, fetched again for an unknown kid (rotation), but rate-limited."""

from __future__ import annotations

import logging
import time

import pytest

from formsvc.authentication import provider as provider_module
from formsvc.authentication.provider import provider
from formsvc.authentication.tokens import Expected, TokenRefused, verify_id_token
from formsvc.mock_idp import signing
from tests.authentication.support import REFUSED, RsaKey, logins, sign_in_with_card


@pytest.fixture(scope="module")
def new_keys() -> list[RsaKey]:
    return [RsaKey.generate(), RsaKey.generate()]


def rotate_mock_key(app, directory, key: RsaKey) -> str:
    """The mock provider starts signing with ``key`` (and publishes only it)."""
    directory.mkdir()
    (directory / signing.KEY_FILE_NAME).write_text(key.private_pem)
    app.instance_path = str(directory)
    app.extensions.pop("formsvc.mock_idp.signing_key", None)
    with app.app_context():
        return signing.signing_key().kid


@pytest.fixture
def jwks_fetches(monkeypatch) -> list[str]:
    fetched: list[str] = []
    original = provider_module.Provider._get_json

    def counting(self, url):
        fetched.append(url)
        return original(self, url)

    monkeypatch.setattr(provider_module.Provider, "_get_json", counting)
    return fetched


def jwks_count(fetched: list[str]) -> int:
    return sum(url.endswith("/jwks") for url in fetched)


def test_a_rotated_key_is_fetched_once_and_unknown_kids_are_rate_limited(
        client, app, db_session, tmp_path, monkeypatch, new_keys, jwks_fetches, caplog):
    assert sign_in_with_card(client).status_code == 302
    assert jwks_count(jwks_fetches) == 1

    # The provider rotates its key right after we fetched the keys: within the refresh interval
    # we do not fetch again, so this sign-in is refused (clearly) rather than hammering the provider.
    rotate_mock_key(app, tmp_path / "second", new_keys[0])
    with caplog.at_level(logging.WARNING):
        refused = sign_in_with_card(app.test_client())
    assert refused.status_code == 400 and REFUSED in refused.text
    assert "sign-in refused: token (unknown-key)" in caplog.text
    assert jwks_count(jwks_fetches) == 1

    # Once the interval has passed, the unknown kid makes us fetch the keys again, once.
    monkeypatch.setattr(provider_module, "KEY_REFRESH_SECONDS", 0)
    assert sign_in_with_card(app.test_client()).status_code == 302
    assert jwks_count(jwks_fetches) == 2
    # Known now: the next sign-in uses the cached key.
    assert sign_in_with_card(app.test_client()).status_code == 302
    assert jwks_count(jwks_fetches) == 2
    assert len(logins(db_session)) == 3

    # Made-up kids, many times: at most one fetch per interval.
    monkeypatch.setattr(provider_module, "KEY_REFRESH_SECONDS", 60)
    now = int(time.time())
    with app.test_request_context("/"):
        current = provider()
        expected = Expected(issuer=current.settings.issuer, audience=current.settings.client_id,
                            nonce="n", access_token="a")
        for attempt in range(5):
            token = new_keys[1].sign({"iss": expected.issuer, "aud": expected.audience, "sub": "x",
                                      "exp": now + 60, "iat": now}, f"made-up-{attempt}")
            with pytest.raises(TokenRefused, match="unknown-key"):
                verify_id_token(token, current.key, expected)
    assert jwks_count(jwks_fetches) == 2


def test_the_discovery_document_is_cached(client, app, jwks_fetches):
    for _ in range(3):
        sign_in_with_card(app.test_client())
    discovery = [url for url in jwks_fetches if url.endswith("/.well-known/openid-configuration")]
    assert len(discovery) == 1 and jwks_count(jwks_fetches) == 1
