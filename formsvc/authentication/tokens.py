"""Every JOSE operation in formsvc: the only module that imports python-jose.

The relying party verifies ID tokens here (algorithm pinned, signature against the provider's
JWKS, iss / aud / exp / nonce / at_hash required), and the mock provider signs with ``sign``.
Keeping one module makes the security-sensitive code easy to review in one place.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30


class TokenRefused(Exception):
    """An ID token that must not be trusted. ``reason`` is a code safe to log (no claims)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Expected:
    issuer: str
    audience: str
    nonce: str
    access_token: str


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """OIDC at_hash: the left half of SHA-256 of the access token, base64url (for RS256)."""
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def sign(claims: dict, private_pem: str, kid: str) -> str:
    """A compact JWS (RS256) with ``kid`` in the header (used by the mock provider)."""
    return jwt.encode(claims, private_pem, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def verify_id_token(token: str, find_key: Callable[[str, bool], dict | None], expected: Expected) -> dict:
    """The verified claims of ``token``, or TokenRefused.

    ``find_key(kid, refresh)`` returns the provider's JWK for ``kid``; it is asked again with
    refresh=True when the key is unknown (the provider may have rotated its keys).
    """
    try:
        header = jwt.get_unverified_header(token)
    except JWTError:
        raise TokenRefused("malformed") from None
    # Pin the algorithm before anything else: refuses "none" and HS256-with-the-public-key.
    if header.get("alg") != ALGORITHM:
        raise TokenRefused("algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise TokenRefused("no-kid")
    key = find_key(kid, False) or find_key(kid, True)
    if key is None:
        raise TokenRefused("unknown-key")
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=expected.audience,
            issuer=expected.issuer, access_token=expected.access_token,
            options={"leeway": LEEWAY_SECONDS, "require_exp": True, "require_iat": True,
                     "require_aud": True, "require_iss": True, "require_sub": True,
                     "require_at_hash": True},
        )
    except ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except JWTClaimsError as error:
        raise TokenRefused(_claims_reason(str(error))) from None
    except (TypeError, ValueError):
        # python-jose's int() of exp / iat / nbf lets these through for a list, an object or null.
        raise TokenRefused("claims") from None
    except JWTError as error:
        # python-jose reports a missing required claim as a JWTError too.
        missing = "missing required key" in str(error)
        raise TokenRefused("missing-claim" if missing else "signature") from None
    nonce = claims.get("nonce")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not a refusal).
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode("utf-8"),
                                                             expected.nonce.encode("utf-8")):
        raise TokenRefused("nonce")
    return claims


def _claims_reason(message: str) -> str:
    lowered = message.lower()
    for word, reason in (("audience", "audience"), ("issuer", "issuer"), ("at_hash", "at-hash"),
                         ("access token", "at-hash"), ("issued at", "iat"), ("subject", "sub")):
        if word in lowered:
            return reason
    return "claims"
