"""Discovery and keys: what a relying party reads before it sends anyone to the card step."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from formsvc.mock_idp import signing
from formsvc.mock_idp.service import ACR, SUPPORTED_SCOPES, issuer
from formsvc.mock_idp.views.blueprint import blueprint

CLAIMS_SUPPORTED = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "at_hash",
                    "name", "address", "birthdate", "gender"]


@blueprint.get("/.well-known/openid-configuration")
def discovery() -> ResponseReturnValue:
    base = issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [signing.ALGORITHM],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": list(SUPPORTED_SCOPES),
        "claims_supported": CLAIMS_SUPPORTED,
        "acr_values_supported": [ACR],
        "subject_types_supported": ["pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    })


@blueprint.get("/jwks")
def jwks() -> ResponseReturnValue:
    response = jsonify(signing.public_jwks())
    response.mimetype = "application/jwk-set+json"
    return response
