"""The back channel: the token endpoint (code → ID token and access token) and userinfo.

Protocol endpoints, not pages: their parameters are read as RFC 6749 defines them (a repeated
parameter, an absent or an empty one each have their own error), so not through WTForms.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from formsvc.csrf import csrf
from formsvc.mock_idp.clients import Client, client_by_id
from formsvc.mock_idp.service import TokenError, exchange_code, use_up_codes, userinfo_claims
from formsvc.mock_idp.views.blueprint import blueprint, no_store

TOKEN_PARAMETERS = ("code", "redirect_uri", "code_verifier")


def _token_error(problem: TokenError, basic_used: bool = False) -> Response:
    response = jsonify(error=problem.error, error_description=problem.description)
    response.status_code = problem.status
    if problem.status == 401 and basic_used:
        response.headers["WWW-Authenticate"] = 'Basic realm="mock-idp"'
    return no_store(response)


def _basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenError("invalid_client", "malformed HTTP Basic credentials", 401) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise TokenError("invalid_client", "malformed HTTP Basic credentials", 401)
    # RFC 6749 2.3.1: both are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def _authenticate_client() -> Client:
    basic = _basic_credentials()
    form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
    client_id: str | None
    secret: str | None
    if basic is not None:
        if form_secret is not None:
            raise TokenError("invalid_request", "use only one client authentication method")
        if form_id is not None and form_id != basic[0]:
            raise TokenError("invalid_request", "client_id does not match the HTTP Basic credentials")
        client_id, secret = basic
    else:
        client_id, secret = form_id, form_secret
    if not client_id or secret is None:
        raise TokenError("invalid_client", "client authentication is required", 401)
    client = client_by_id(client_id)
    if client is None or not client.secret_matches(secret):
        raise TokenError("invalid_client", "client authentication failed", 401)
    return client


@blueprint.post("/token")
@csrf.exempt
def token() -> ResponseReturnValue:
    basic_used = request.headers.get("Authorization", "").lower().startswith("basic ")
    try:
        # First: an unauthenticated caller cannot burn anyone's code.
        client = _authenticate_client()
        try:
            code, redirect_uri, code_verifier = _token_request_parameters()
        except TokenError:
            # Whatever else is wrong, a code presented by a client is used up (exchange_code
            # does the same for a wrong redirect URI or code_verifier).
            use_up_codes([presented for presented in request.form.getlist("code") if presented])
            raise
        body = exchange_code(client, code, redirect_uri, code_verifier)
    except TokenError as problem:
        return _token_error(problem, basic_used)
    return no_store(jsonify(body))


def _token_request_parameters() -> tuple[str, str, str]:
    """code, redirect_uri and code_verifier of an authorization_code grant, or TokenError."""
    repeated = sorted(key for key in request.form if len(request.form.getlist(key)) > 1)
    if repeated:
        raise TokenError("invalid_request", f"parameter included more than once: {repeated[0]}")
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise TokenError("invalid_request", "grant_type is required")
    if grant_type != "authorization_code":
        raise TokenError("unsupported_grant_type", "only authorization_code is supported")
    values = []
    for name in TOKEN_PARAMETERS:
        value = request.form.get(name)
        if not value:
            raise TokenError("invalid_request", f"{name} is required")
        values.append(value)
    code, redirect_uri, code_verifier = values
    return code, redirect_uri, code_verifier


def _bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@blueprint.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo() -> ResponseReturnValue:
    access_token = _bearer_token()
    try:
        if access_token is None:
            raise TokenError("invalid_token", "a Bearer access token is required", 401)
        claims = userinfo_claims(access_token)
    except TokenError as problem:
        response = jsonify(error=problem.error, error_description=problem.description)
        response.status_code = problem.status
        challenge = 'Bearer realm="mock-idp"'
        if access_token is not None:
            challenge += f', error="{problem.error}"'
        response.headers["WWW-Authenticate"] = challenge
        return no_store(response)
    return no_store(jsonify(claims))
