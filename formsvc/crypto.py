"""Encryption at rest of the most sensitive answers (the 個人番号), with Fernet.

The keys are ``ENCRYPTION_KEYS`` (``FORMSVC_ENCRYPTION_KEY`` in formsvc.config): a list of Fernet
keys, newest first. The first one encrypts; every one decrypts (MultiFernet), so a key is rotated
by putting a new one in front, running ``formsvc protect-answers`` (which re-encrypts what is
stored with the new key) and only then removing the old one.

A value that is not a Fernet token is returned as it is: answers stored before encryption existed
(plain digits) and masked copies (``********9018``) read as they always did.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

_EXTENSION = "formsvc.encryption"
# A Fernet token: version byte 0x80, 8-byte timestamp, 16-byte IV, at least one 16-byte block of
# ciphertext and a 32-byte HMAC, in URL-safe base64.
_VERSION = 0x80
_SHORTEST_TOKEN = 1 + 8 + 16 + 16 + 32


KEY_MISSING = ("a stored value was encrypted with a key that FORMSVC_ENCRYPTION_KEY no longer lists; "
               "put the old key back after the new one")


class UnreadableValue(RuntimeError):
    """A stored value was encrypted with a key that is no longer configured."""


def _fernet() -> MultiFernet:
    """The configured keys as a MultiFernet, made again only when the configuration changes."""
    from flask import current_app, has_app_context  # here: reading definitions needs no Flask

    if not has_app_context():
        # Never fall back to storing or showing a value unencrypted: there are no keys here.
        raise RuntimeError("encryption needs the application's ENCRYPTION_KEYS (an app context)")
    keys = tuple(current_app.config["ENCRYPTION_KEYS"])
    cached = current_app.extensions.get(_EXTENSION)
    if cached is None or cached[0] != keys:
        cached = (keys, MultiFernet([Fernet(key.encode("ascii")) for key in keys]))
        current_app.extensions[_EXTENSION] = cached
    return cached[1]


def is_encrypted(value: object) -> bool:
    """Whether ``value`` has the shape of a Fernet token (not whether a key here can open it)."""
    if not isinstance(value, str) or not value.startswith("gAAAAA"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= _SHORTEST_TOKEN and raw[0] == _VERSION


def encrypt(text: str) -> str:
    """``text`` encrypted with the first key (a new token each time, so equal values differ)."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(value: str) -> str:
    """The text of a token; a value that is not a token is returned unchanged (see above)."""
    if not is_encrypted(value):
        return value
    try:
        return _fernet().decrypt(value.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise UnreadableValue(KEY_MISSING) from None


def rotate(value: str) -> str:
    """``value`` encrypted with the first key: a token made with an older key is re-encrypted,
    a plain value (stored before encryption) is encrypted."""
    if not is_encrypted(value):
        return encrypt(value)
    try:
        return _fernet().rotate(value.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UnreadableValue(KEY_MISSING) from None
