"""The mock provider's RSA key, its JWKS and its signatures.

The JOSE operations themselves (signing, at_hash) are in formsvc.authentication.tokens, the
only module of the project that imports python-jose.

The 2048-bit private key is generated once into the instance folder (mock_idp_rsa.pem, mode
0600, never in the repository) and shared by every worker; its `kid` is the RFC 7638 thumbprint
of the public key, so it changes whenever the key does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

from formsvc.authentication import tokens

KEY_FILE_NAME = "mock_idp_rsa.pem"
ALGORITHM = tokens.ALGORITHM


b64url = tokens.b64url


def load_or_create_private_key(instance_dir: str | Path) -> bytes:
    """The PEM of the provider's private key, generated on first use (safe across workers)."""
    instance = Path(instance_dir)
    key_file = instance / KEY_FILE_NAME
    if key_file.exists():
        return key_file.read_bytes()
    instance.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Write a private temporary file, then link it into place: a second worker generating at
    # the same moment loses the race and reads the winner's complete file.
    temporary = instance / f".{KEY_FILE_NAME}.{secrets.token_hex(8)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        temporary.unlink(missing_ok=True)
    return key_file.read_bytes()


@dataclass(frozen=True)
class SigningKey:
    private_pem: bytes = field(repr=False)
    kid: str
    public_jwk: dict


def _unsigned_bytes(number: int) -> bytes:
    """Big-endian bytes without leading zeros, as JWK's n and e are (RFC 7518 §6.3.1)."""
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def _thumbprint(public: dict) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an RSA public key."""
    canonical = json.dumps({"e": public["e"], "kty": "RSA", "n": public["n"]},
                           separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def signing_key() -> SigningKey:
    """The current app's key (loaded once per process)."""
    cached = current_app.extensions.get("formsvc.mock_idp.signing_key")
    if cached is not None:
        return cached
    pem = load_or_create_private_key(current_app.instance_path)
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError(f"{KEY_FILE_NAME} does not hold an RSA key")
    numbers = private.public_key().public_numbers()
    public = {"n": b64url(_unsigned_bytes(numbers.n)), "e": b64url(_unsigned_bytes(numbers.e))}
    kid = _thumbprint(public)
    key = SigningKey(
        private_pem=pem,
        kid=kid,
        public_jwk={"kty": "RSA", "use": "sig", "alg": ALGORITHM, "kid": kid,
                    "n": public["n"], "e": public["e"]},
    )
    current_app.extensions["formsvc.mock_idp.signing_key"] = key
    return key


def public_jwks() -> dict:
    """The JSON Web Key Set published at /mock-idp/jwks."""
    return {"keys": [dict(signing_key().public_jwk)]}


def sign(claims: dict) -> str:
    """A compact JWS (RS256) of the claims, with the key's `kid` in the header."""
    key = signing_key()
    return tokens.sign(claims, key.private_pem.decode("ascii"), key.kid)


token_hash = tokens.token_hash
