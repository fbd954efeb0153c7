"""Every JOSE operation in formsvc: the only module that imports python-jose.

The relying party verifies ID tokens here (algorithm pinned, no ``crit`` extensions, signature
against the provider's JWKS, iss / aud / exp / iat / sub / nonce / at_hash required, times as
JSON numbers, no other audience or authorized party), and the mock provider signs with ``sign``.
Keeping one module makes the security-sensitive code easy to review in one place.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30
# OIDC Core 2: at most 255 ASCII characters (the column holding it is 255 long). Visible ones
# only: a NUL, a newline or an escape sequence in an identifier is an attack, not an identifier.
SUBJECT = re.compile(r"[\x21-\x7e]{1,255}")
TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")


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
    if "crit" in header:
        # RFC 7515 4.1.11: extensions listed in crit must be understood or the token refused. We
        # understand none (python-jose ignores crit), and a malformed crit is refused all the same.
        raise TokenRefused("crit")
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
    except (TypeError, ValueError, OverflowError):
        # python-jose's int() of exp / iat / nbf lets these through for a list, an object or null
        # (and OverflowError for Infinity, which Python's JSON parser accepts).
        raise TokenRefused("claims") from None
    except JWTError as error:
        # python-jose reports a missing required claim as a JWTError too.
        missing = "missing required key" in str(error)
        raise TokenRefused("missing-claim" if missing else "signature") from None
    _check_times(claims)
    _check_audience(claims, expected.audience)
    if not isinstance(claims["sub"], str) or not SUBJECT.fullmatch(claims["sub"]):
        raise TokenRefused("sub")
    nonce = claims.get("nonce")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, not a refusal).
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode("utf-8"),
                                                             expected.nonce.encode("utf-8")):
        raise TokenRefused("nonce")
    return claims


def _is_numeric_date(value) -> bool:
    """RFC 7519 2: a JSON number. python-jose's int() also takes "4102444800" and true."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_times(claims: dict) -> None:
    if not all(_is_numeric_date(claims[name]) for name in TIME_CLAIMS if name in claims):
        raise TokenRefused("claims")
    latest = time.time() + LEEWAY_SECONDS
    # python-jose checks exp and nbf against the clock but not iat: a token "issued" tomorrow
    # would stay valid long after it should have expired.
    if claims["iat"] > latest:
        raise TokenRefused("iat")
    if "auth_time" in claims and not 0 <= claims["auth_time"] <= latest:
        raise TokenRefused("claims")


def _check_audience(claims: dict, audience: str) -> None:
    """OIDC Core 3.1.3.7: refuse other audiences (python-jose only asks that ours be among them),
    and an authorized party (azp) other than us; several audiences need an azp."""
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if not audiences or any(value != audience for value in audiences):
        raise TokenRefused("audience")
    if "azp" in claims and claims["azp"] != audience:
        raise TokenRefused("azp")
    if len(audiences) > 1 and "azp" not in claims:
        raise TokenRefused("azp")


def _claims_reason(message: str) -> str:
    lowered = message.lower()
    for word, reason in (("audience", "audience"), ("issuer", "issuer"), ("at_hash", "at-hash"),
                         ("access token", "at-hash"), ("issued at", "iat"), ("subject", "sub")):
        if word in lowered:
            return reason
    return "claims"
