"""Discovery, the JWKS and its key file, and where the mock is (not) mounted."""

from __future__ import annotations

import os
import stat

from formsvc import create_app
from tests.conftest import database_of
from tests.mock_idp.conftest import make_app
from tests.mock_idp.oidc_support import b64url_decode


def test_discovery_describes_the_provider(client):
    response = client.get("/mock-idp/.well-known/openid-configuration")
    assert response.status_code == 200
    config = response.get_json()
    issuer = "http://localhost/mock-idp"
    assert config["issuer"] == issuer
    assert config["authorization_endpoint"] == f"{issuer}/authorize"
    assert config["token_endpoint"] == f"{issuer}/token"
    assert config["userinfo_endpoint"] == f"{issuer}/userinfo"
    assert config["jwks_uri"] == f"{issuer}/jwks"
    assert config["response_types_supported"] == ["code"]
    assert config["grant_types_supported"] == ["authorization_code"]
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]
    assert config["scopes_supported"] == ["openid", "name", "address", "birthdate", "gender"]
    assert {"sub", "name", "address", "birthdate", "gender", "nonce", "acr"} <= set(config["claims_supported"])
    assert config["acr_values_supported"] == ["aal3"]
    assert config["subject_types_supported"] == ["pairwise"]
    # RFC 9207: every authorization response names the issuer (relying parties then require it).
    assert config["authorization_response_iss_parameter_supported"] is True


def test_discovery_follows_the_request_host_or_the_configured_issuer(database_url, key_instance_dir):
    app = make_app(database_url, key_instance_dir)
    config = app.test_client().get("/mock-idp/.well-known/openid-configuration",
                                   base_url="https://city.example.jp").get_json()
    assert config["issuer"] == "https://city.example.jp/mock-idp"
    database_of(app).engine.dispose()

    app = make_app(database_url, key_instance_dir, MOCK_IDP_ISSUER="https://idp.example.jp/mock-idp/")
    config = app.test_client().get("/mock-idp/.well-known/openid-configuration").get_json()
    assert config["issuer"] == "https://idp.example.jp/mock-idp"
    assert config["token_endpoint"] == "https://idp.example.jp/mock-idp/token"
    database_of(app).engine.dispose()


def test_jwks_publishes_only_the_public_rsa_key(client):
    response = client.get("/mock-idp/jwks")
    assert response.status_code == 200
    assert response.mimetype == "application/jwk-set+json"
    (key,) = response.get_json()["keys"]
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256" and key["kid"]
    assert len(b64url_decode(key["n"])) * 8 == 2048
    assert int.from_bytes(b64url_decode(key["e"]), "big") == 65537
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_the_key_is_generated_once_into_the_instance_folder_with_mode_0600(database_url, tmp_path):
    first = make_app(database_url, tmp_path)
    kid = first.test_client().get("/mock-idp/jwks").get_json()["keys"][0]["kid"]
    key_file = tmp_path / "mock_idp_rsa.pem"
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # Nothing else is left behind (no temporary copy); demo mode also keeps the mock payment
    # provider's notification secret there, private too.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mock_idp_rsa.pem", "payment_webhook_secret"]
    assert stat.S_IMODE(os.stat(tmp_path / "payment_webhook_secret").st_mode) == 0o600
    # Another worker (another app on the same instance folder) uses the same key.
    second = make_app(database_url, tmp_path)
    assert second.test_client().get("/mock-idp/jwks").get_json()["keys"][0]["kid"] == kid
    for app in (first, second):
        database_of(app).engine.dispose()


def test_the_mock_is_not_mounted_in_a_production_configuration(database_url, tmp_path, monkeypatch):
    for name in ("FORMSVC_DEMO", "FORMSVC_MOCK_IDP"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path)})
    assert app.config["MOCK_IDP_ENABLED"] is False
    client = app.test_client()
    for path in ("/mock-idp/.well-known/openid-configuration", "/mock-idp/jwks", "/mock-idp/authorize",
                 "/mock-idp/userinfo", "/mock-idp/"):
        assert client.get(path).status_code == 404, path
    assert client.post("/mock-idp/token", data={"grant_type": "authorization_code"}).status_code == 404
    assert not any(rule.rule.startswith("/mock-idp") for rule in app.url_map.iter_rules())
    assert not (tmp_path / "mock_idp_rsa.pem").exists()
    database_of(app).engine.dispose()


def test_the_setting_follows_demo_mode_unless_set_on_its_own(monkeypatch, tmp_path):
    def enabled(**overrides) -> bool:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                          "INSTANCE_DIR": str(tmp_path), **overrides})
        return app.config["MOCK_IDP_ENABLED"]

    for name in ("FORMSVC_DEMO", "FORMSVC_MOCK_IDP"):
        monkeypatch.delenv(name, raising=False)
    assert enabled() is False
    assert enabled(FORMSVC_DEMO=True) is True
    monkeypatch.setenv("FORMSVC_DEMO", "1")
    assert enabled() is True
    monkeypatch.setenv("FORMSVC_MOCK_IDP", "0")
    assert enabled() is False
    monkeypatch.delenv("FORMSVC_DEMO")
    monkeypatch.setenv("FORMSVC_MOCK_IDP", "1")
    assert enabled() is True
