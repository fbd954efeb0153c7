"""The 基本4情報 (name, address, birthdate, gender) as formsvc keeps them: well-formed or not at all.

A signed ID token proves who sent the claims, not that they are sane. The callback refuses a
sign-in whose 基本4情報 are malformed (a list for a name, 1985-02-30, a NUL, megabytes of text);
reading a sign-in stored before these checks drops malformed ones (residents.current_identity).
A claim that is null or "" counts as not given (OIDC Core 5.3.2 asks providers to omit such claims, not to send them).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from formsvc import clock
from formsvc.japanese.era import ERAS

KEPT_CLAIMS = ("name", "address", "birthdate", "gender")
# OIDC Core 5.1.1; anything else in the address object is dropped.
ADDRESS_MEMBERS = ("formatted", "street_address", "locality", "region", "postal_code", "country")
# Far above any real card (the longest 住民票 names and addresses fit easily), small enough
# that nobody stores pages of text in a sign-in.
MAX_NAME = 100
MAX_ADDRESS_PART = 200
MAX_GENDER = 32
BIRTHDATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Nobody alive was born before 明治 (and dates before it have no 和暦 to show them in).
EARLIEST_BIRTHDATE = ERAS[-1].start
# Control, format (bidi overrides, zero-width) and surrogate characters, and line separators:
# none belongs in a name or an address, and each can disguise text on a page or in a record.
FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


class MalformedClaim(ValueError):
    """One of the 基本4情報 is unusable. ``claim`` is its name (safe to log: never its value)."""

    def __init__(self, claim: str):
        super().__init__(claim)
        self.claim = claim


def basic_four(claims: dict) -> dict:
    """The 基本4情報 of verified ID token claims, each checked; MalformedClaim for a bad one."""
    kept = {}
    for name in KEPT_CLAIMS:
        value = _checked(name, claims.get(name))
        if value is not None:
            kept[name] = value
    return kept


def usable_basic_four(claims) -> dict:
    """The well-formed 基本4情報 of stored claims; a malformed one is left out, as if not given."""
    if not isinstance(claims, dict):
        return {}
    usable = {}
    for name in KEPT_CLAIMS:
        try:
            value = _checked(name, claims.get(name))
        except MalformedClaim:
            continue
        if value is not None:
            usable[name] = value
    return usable


def _checked(name: str, value):
    if value is None or value == "":
        return None
    if name == "name":
        return _text(name, value, MAX_NAME)
    if name == "gender":
        return _text(name, value, MAX_GENDER)
    if name == "birthdate":
        return _birthdate(value)
    return _address(value)


def _text(claim: str, value, limit: int) -> str:
    if (not isinstance(value, str) or len(value) > limit
            or any(unicodedata.category(character) in FORBIDDEN_CATEGORIES for character in value)):
        raise MalformedClaim(claim)
    return value


def _birthdate(value) -> str:
    """YYYY-MM-DD, a real date, between 明治 and today (a day's grace for time zones)."""
    if not isinstance(value, str) or not BIRTHDATE.fullmatch(value):
        raise MalformedClaim("birthdate")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise MalformedClaim("birthdate") from None
    if not EARLIEST_BIRTHDATE <= day <= clock.today() + timedelta(days=1):
        raise MalformedClaim("birthdate")
    return value


def _address(value) -> dict | None:
    if not isinstance(value, dict):
        raise MalformedClaim("address")
    address = {member: _text("address", value[member], MAX_ADDRESS_PART)
               for member in ADDRESS_MEMBERS if value.get(member) not in (None, "")}
    return address or None
