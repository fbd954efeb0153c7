"""The mock provider's protocol: authorization requests, codes, tokens and subjects (PINs: pins.py).

Settings (all optional, read from app.config):
    MOCK_IDP_ISSUER                    the issuer URL (default: <deployment root>/mock-idp, the
                                       request's root without a municipality's path prefix)
    MOCK_IDP_CLIENTS                   registered clients (see clients.py)
    MOCK_IDP_CODE_LIFETIME_SECONDS     authorization code lifetime (60)
    MOCK_IDP_ACCESS_TOKEN_LIFETIME_SECONDS  access token lifetime (600)
    MOCK_IDP_ID_TOKEN_LIFETIME_SECONDS ID token lifetime (300)
    MOCK_IDP_PAIRWISE_SECRET           key of the pairwise subjects (default: derived from SECRET_KEY)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from werkzeug.datastructures import MultiDict

from formsvc.db import database, utcnow
from formsvc.mock_idp import signing
from formsvc.mock_idp.cards import IDENTITY_SCOPES, MockCard, card_by_id
from formsvc.mock_idp.clients import Client, client_by_id
from formsvc.mock_idp.models import MockIdpAccessToken, MockIdpAuthorizationCode
from formsvc.tenants.request_roots import deployment_root

ACR = "aal3"
SUPPORTED_SCOPES = ("openid", *IDENTITY_SCOPES)
MAX_STATE_OR_NONCE_LENGTH = 512
S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
CODE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
# RFC 6749 A.5: state is VSCHAR; the nonce is held to the same (it goes into the ID token).
VISIBLE_ASCII = re.compile(r"[\x20-\x7e]+")


# --- settings ---------------------------------------------------------------------------------

def issuer() -> str:
    configured = current_app.config.get("MOCK_IDP_ISSUER")
    return configured.rstrip("/") if configured else deployment_root() + "mock-idp"


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=int(current_app.config.get(name, default)))


def code_lifetime() -> timedelta:
    return _seconds("MOCK_IDP_CODE_LIFETIME_SECONDS", 60)


def access_token_lifetime() -> timedelta:
    return _seconds("MOCK_IDP_ACCESS_TOKEN_LIFETIME_SECONDS", 600)


def id_token_lifetime() -> timedelta:
    return _seconds("MOCK_IDP_ID_TOKEN_LIFETIME_SECONDS", 300)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- pairwise subjects ------------------------------------------------------------------------

def _pairwise_secret() -> bytes:
    configured = current_app.config.get("MOCK_IDP_PAIRWISE_SECRET")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(current_app.config["SECRET_KEY"].encode("utf-8"), b"formsvc-mock-idp-pairwise-subject",
                    hashlib.sha256).digest()


def pairwise_subject(client_id: str, card_id: str) -> str:
    """`sub` for one card at one relying party: stable for it, unlinkable across parties."""
    message = f"{client_id}\x00{card_id}".encode()
    digest = hmac.new(_pairwise_secret(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --- authorization requests -------------------------------------------------------------------

class UntrustedRequest(Exception):
    """The client or redirect URI cannot be trusted: show a page, never redirect."""

    def __init__(self, message_ja: str, message_en: str):
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en


class AuthorizationError(Exception):
    """An error returned to the (verified) redirect URI, RFC 6749 section 4.1.2.1."""

    def __init__(self, error: str, description: str, redirect_uri: str, state: str | None):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description  # ASCII only (RFC 6749 restricts error_description)
        self.redirect_uri = redirect_uri
        self.state = state


@dataclass(frozen=True)
class AuthorizationRequest:
    client: Client
    redirect_uri: str
    state: str
    nonce: str
    scopes: tuple[str, ...]
    code_challenge: str

    @property
    def identity_scopes(self) -> tuple[str, ...]:
        return tuple(scope for scope in self.scopes if scope in IDENTITY_SCOPES)


def parse_authorization_request(args: MultiDict) -> AuthorizationRequest:
    """Validate an authorization request (client and redirect URI first)."""
    client_ids = args.getlist("client_id")
    if len(client_ids) != 1 or not client_ids[0]:
        raise UntrustedRequest("client_id が指定されていません。", "The client_id is missing.")
    client = client_by_id(client_ids[0])
    if client is None:
        raise UntrustedRequest("登録されていない利用者システム（client_id）からの要求です。",
                               "The client_id is not registered.")
    redirect_uris = args.getlist("redirect_uri")
    if len(redirect_uris) != 1 or not redirect_uris[0]:
        raise UntrustedRequest("戻り先（redirect_uri）が指定されていません。", "The redirect_uri is missing.")
    redirect_uri = redirect_uris[0]
    if not client.accepts_redirect_uri(redirect_uri):
        raise UntrustedRequest("戻り先（redirect_uri）がこの利用者システムに登録されていません。",
                               "The redirect_uri is not registered for this client.")

    states = args.getlist("state")
    state = states[0] if len(states) == 1 and states[0] else None

    def refuse(error: str, description: str) -> AuthorizationError:
        return AuthorizationError(error, description, redirect_uri, state)

    repeated = sorted(key for key in args if len(args.getlist(key)) > 1)
    if repeated:
        raise refuse("invalid_request", f"parameter included more than once: {repeated[0]}")
    if "request" in args:
        raise refuse("request_not_supported", "request objects are not supported")
    if "request_uri" in args:
        raise refuse("request_uri_not_supported", "request_uri is not supported")
    response_type = args.get("response_type")
    if not response_type:
        raise refuse("invalid_request", "response_type is required")
    if response_type != "code":
        raise refuse("unsupported_response_type", "only response_type=code is supported")
    if args.get("response_mode", "query") != "query":
        raise refuse("invalid_request", "only response_mode=query is supported")
    requested = args.get("scope", "").split()
    if "openid" not in requested:
        raise refuse("invalid_scope", "scope must include openid")
    if state is None:
        raise refuse("invalid_request", "state is required")
    nonce = args.get("nonce")
    if not nonce:
        raise refuse("invalid_request", "nonce is required")
    if len(state) > MAX_STATE_OR_NONCE_LENGTH or len(nonce) > MAX_STATE_OR_NONCE_LENGTH:
        raise refuse("invalid_request", "state or nonce is too long")
    if not VISIBLE_ASCII.fullmatch(state) or not VISIBLE_ASCII.fullmatch(nonce):
        # Never echoed back: a NUL or a line break does not go into a Location header.
        state = None
        raise refuse("invalid_request", "state and nonce must be visible ASCII characters")
    code_challenge = args.get("code_challenge")
    if not code_challenge:
        raise refuse("invalid_request", "code_challenge is required (PKCE)")
    method = args.get("code_challenge_method")
    if method != "S256":
        raise refuse("invalid_request", "code_challenge_method must be S256")
    if not S256_CHALLENGE.match(code_challenge):
        raise refuse("invalid_request", "code_challenge is not a base64url SHA-256 value")
    if "none" in args.get("prompt", "").split():
        # The card must always be presented: there is no silent sign-in.
        raise refuse("login_required", "the user must present the card")
    # Unknown scopes are ignored (RFC 6749 section 3.3); openid comes first.
    scopes = tuple(scope for scope in SUPPORTED_SCOPES if scope in requested)
    return AuthorizationRequest(client=client, redirect_uri=redirect_uri, state=state, nonce=nonce,
                                scopes=scopes, code_challenge=code_challenge)


# --- codes and tokens -------------------------------------------------------------------------

class TokenError(Exception):
    """An error response of the token or userinfo endpoint (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def _purge_expired(session, now: datetime) -> None:
    session.execute(delete(MockIdpAccessToken).where(MockIdpAccessToken.expires_at < now))
    keep_codes_for = max(timedelta(days=1), access_token_lifetime())
    session.execute(delete(MockIdpAuthorizationCode)
                    .where(MockIdpAuthorizationCode.expires_at < now - keep_codes_for))


def issue_code(authorization: AuthorizationRequest, card: MockCard) -> str:
    """A new single-use authorization code for a card that has just been authenticated."""
    code = secrets.token_urlsafe(32)
    now = utcnow()
    with database().transaction() as session:
        _purge_expired(session, now)
        session.add(MockIdpAuthorizationCode(
            code_hash=sha256_hex(code),
            client_id=authorization.client.client_id,
            redirect_uri=authorization.redirect_uri,
            card_id=card.id,
            scope=" ".join(authorization.scopes),
            nonce=authorization.nonce,
            code_challenge=authorization.code_challenge,
            auth_time=now,
            created_at=now,
            expires_at=now + code_lifetime(),
        ))
    return code


def pkce_matches(code_verifier: str, code_challenge: str) -> bool:
    if not CODE_VERIFIER.match(code_verifier):
        return False
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, code_challenge)


def _use_up(session, code: str, now: datetime) -> tuple[MockIdpAuthorizationCode | None, bool]:
    """Mark a presented code used: (its row or None, whether this presentation was the first).

    A code presented again also revokes the access token issued for it (RFC 6749 4.1.2).
    """
    row = session.scalar(select(MockIdpAuthorizationCode)
                         .where(MockIdpAuthorizationCode.code_hash == sha256_hex(code)))
    if row is None:
        return None, False
    first = session.execute(
        update(MockIdpAuthorizationCode)
        .where(MockIdpAuthorizationCode.id == row.id, MockIdpAuthorizationCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not first:
        session.execute(
            update(MockIdpAccessToken)
            .where(MockIdpAccessToken.code_id == row.id, MockIdpAccessToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
    return row, first


def use_up_codes(codes: list[str]) -> None:
    """Burn the codes of a token request refused before it got to them (a repeated or missing
    parameter, another grant type): a presented code can never be presented again."""
    now = utcnow()
    with database().transaction() as session:
        for code in codes:
            _use_up(session, code, now)


def exchange_code(client: Client, code: str, redirect_uri: str, code_verifier: str) -> dict:
    """Redeem an authorization code: the token response, or TokenError.

    Any presentation by an authenticated client uses the code up, whether or not the rest is
    right (another client's, another redirect URI, a wrong code_verifier): nothing about it can
    be guessed one try at a time, and a leaked code is dead once shown.
    """
    now = utcnow()
    error: TokenError | None = None
    with database().transaction() as session:
        row, first = _use_up(session, code, now)
        if row is None:
            raise TokenError("invalid_grant", "the authorization code is invalid")
        card = card_by_id(row.card_id)
        if not first:
            error = TokenError("invalid_grant", "the authorization code has already been used")
        elif row.client_id != client.client_id:
            error = TokenError("invalid_grant", "the authorization code is invalid")
        elif row.expires_at <= now:
            error = TokenError("invalid_grant", "the authorization code has expired")
        elif redirect_uri != row.redirect_uri:
            error = TokenError("invalid_grant", "redirect_uri does not match the authorization request")
        elif not pkce_matches(code_verifier, row.code_challenge):
            error = TokenError("invalid_grant", "code_verifier does not match the code_challenge (PKCE)")
        elif card is None:
            error = TokenError("invalid_grant", "the card is no longer available")
        else:
            access_token = secrets.token_urlsafe(32)
            subject = pairwise_subject(client.client_id, card.id)
            lifetime = access_token_lifetime()
            session.add(MockIdpAccessToken(
                token_hash=sha256_hex(access_token), code_id=row.id, client_id=client.client_id,
                subject=subject, card_id=card.id, scope=row.scope, created_at=now,
                expires_at=now + lifetime,
            ))
            scopes = row.scope.split()
            id_token = signing.sign(id_token_claims(
                client_id=client.client_id, subject=subject, card=card, scopes=scopes,
                nonce=row.nonce, auth_time=row.auth_time, access_token=access_token, now=now,
            ))
            response = {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": int(lifetime.total_seconds()),
                "scope": row.scope,
                "id_token": id_token,
            }
    if error is not None:
        raise error
    return response


def id_token_claims(*, client_id: str, subject: str, card: MockCard, scopes: list[str], nonce: str,
                    auth_time: datetime, access_token: str, now: datetime) -> dict:
    issued_at = int(now.timestamp())
    return {
        "iss": issuer(),
        "sub": subject,
        "aud": client_id,
        "exp": issued_at + int(id_token_lifetime().total_seconds()),
        "iat": issued_at,
        "auth_time": int(auth_time.timestamp()),
        "nonce": nonce,
        "acr": ACR,
        "amr": ["hwk", "pin"],  # RFC 8176: a hardware key (the card's chip) unlocked by a PIN
        "at_hash": signing.token_hash(access_token),
        **card.claims(scopes),
    }


def userinfo_claims(access_token: str) -> dict:
    """`sub` and the granted 基本4情報 of a valid access token, or TokenError (401)."""
    now = utcnow()
    with database().transaction() as session:
        token = session.scalar(select(MockIdpAccessToken)
                               .where(MockIdpAccessToken.token_hash == sha256_hex(access_token)))
    card = card_by_id(token.card_id) if token else None
    if token is None or token.revoked_at is not None or token.expires_at <= now or card is None:
        raise TokenError("invalid_token", "the access token is invalid, expired or revoked", 401)
    return {"sub": token.subject, **card.claims(token.scope.split())}
