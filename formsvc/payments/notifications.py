"""Signed notifications (webhooks): formsvc's signature scheme.

A notification carries the header ``Formsvc-Signature: t=<unix seconds>,v1=<hex>``, where
``v1`` is HMAC-SHA256, keyed with FORMSVC_PAYMENT_WEBHOOK_SECRET, over ``<t>.<body>``. Signing
the timestamp with the body lets the receiver refuse an old notification replayed later (outside
TOLERANCE_SECONDS); a replay inside the window is recognised by its event id
(PaymentNotification is unique per provider and event id) and applied once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from formsvc import clock

HEADER = "Formsvc-Signature"
TOLERANCE_SECONDS = 300


class InvalidNotification(Exception):
    """A notification whose signature, timestamp or body cannot be accepted (``status``: the
    HTTP status the webhook answers with)."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.status = status


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    moment = int(clock.now().timestamp()) if timestamp is None else timestamp
    return f"t={moment},v1={signature(secret, moment, body)}"


def verify_signature(body: bytes, headers: Mapping[str, str], secret: str) -> None:
    """Raise InvalidNotification (401) unless ``body`` is signed with ``secret`` within the window."""
    if not secret:
        raise InvalidNotification("no webhook secret is configured", status=401)
    # Header names are case-insensitive (HTTP/2 sends them in lower case).
    header = next((value for name, value in headers.items() if name.lower() == HEADER.lower()), "")
    if len(header) > 500:
        raise InvalidNotification("signature header too long", status=401)
    parts: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        parts.setdefault(key, []).append(value)
    stamps = parts.get("t", [])
    # ASCII digits only: str.isdigit() also accepts "²" or "١", which int() refuses or reads.
    if len(stamps) != 1 or not re.fullmatch(r"[0-9]{1,12}", stamps[0]):
        raise InvalidNotification("missing or malformed signature timestamp", status=401)
    timestamp = int(stamps[0])
    if abs(clock.now().timestamp() - timestamp) > TOLERANCE_SECONDS:
        raise InvalidNotification("signature timestamp outside the tolerance window", status=401)
    expected = signature(secret, timestamp, body)
    # Several v1 values are allowed (a provider rotating its secret signs with both).
    if not any(hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))
               for given in parts.get("v1", [])):
        raise InvalidNotification("signature does not match", status=401)
