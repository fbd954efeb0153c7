"""金融機関・支店: names and codes (全銀協コード), and a search by name, kana, romaji or code.

The data is zengin-code's source-data (https://github.com/zengin-code/source-data, MIT licence),
shipped inside the ``zengin_code`` package. We read its JSON files ourselves rather than import
the package: importing it loads every bank's branches at once (about 8 MB of JSON); here the
bank list is read on the first use and each bank's branches when that bank is first asked about.

Names in the data are short (「みずほ」 for みずほ銀行, 「北海道信金」) and the kana are as
a transfer carries them (large kana only: 「ミツビシユ－エフジエイ」 for ミツビシユーエフジェイ);
the search compares normalised forms, so 「三菱UFJ銀行」, 「みつびしゆーえふじぇい」,
「ﾐﾂﾋﾞｼ」, 「mitsubishi」 and 「0005」 all find 三菱ＵＦＪ銀行.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jaconv

# A query longer than this is no bank's or branch's name: refused before it is compared.
MAX_QUERY_LENGTH = 50
# How many matches a search shows at most; more ask for a longer query.
MAX_MATCHES = 20

_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
_DROPPED = re.compile(r"[\s\u3000ー－‐―−\-・･.．,，、。()（）「」]")
_BANK_WORDS = (("しんようきんこ", "しんきん"), ("信用金庫", "信金"), ("しんようくみあい", "しんくみ"),
               ("信用組合", "信組"), ("農業協同組合", "農協"), ("のうぎようきようどうくみあい", "のうきよう"))
_BANK_SUFFIXES = ("ぎんこう", "ぎんこ", "銀行", "ginkou", "ginko", "bank")
_BRANCH_SUFFIXES = ("してん", "支店", "shiten", "branch")


@dataclass(frozen=True)
class Bank:
    code: str  # 4 digits
    name: str  # as the data has it (「みずほ」)
    kana: str

    @property
    def display_name(self) -> str:
        """The name a resident knows: 「みずほ銀行」 (the data leaves 銀行 out of banks' names)."""
        is_bank = int(self.code) < 1000 or self.code == "9900"
        if is_bank and not self.name.endswith(("銀行", "バンク")):
            return f"{self.name}銀行"
        return self.name


@dataclass(frozen=True)
class Branch:
    bank_code: str
    code: str  # 3 digits
    name: str
    kana: str

    @property
    def display_name(self) -> str:
        if self.bank_code == "9900":
            return f"{self.name}店"  # ゆうちょ銀行's branches are numbered: 〇一八店
        if self.name.endswith(("支店", "本店", "営業部", "出張所", "支所", "本所", "事務所")):
            return self.name
        return f"{self.name}支店"


@dataclass(frozen=True)
class _Entry:
    item: Bank | Branch
    code: str
    keys: tuple[str, ...]  # normalised name, kana and romaji
    loose: str  # the romaji with spellings folded (_loose_romaji), worked out once with the data


@dataclass(frozen=True)
class Matches:
    """A search's result: up to MAX_MATCHES items, and how many matched in all."""

    items: tuple[Bank | Branch, ...]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


class QueryRefused(ValueError):
    """A query that cannot be a name or code (too long, control characters)."""


def _data_folder() -> Path:
    # find_spec does not import zengin_code (which would load every branch file at once).
    spec = importlib.util.find_spec("zengin_code")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("the zengin_code package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "source-data" / "data"


def data_version() -> str:
    """The date of the bank data (e.g. 20260824), for the README and the admin's pages."""
    return (_data_folder() / "updated_at").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def _banks() -> tuple[dict[str, Bank], tuple[_Entry, ...]]:
    raw = json.loads((_data_folder() / "banks.json").read_text(encoding="utf-8"))
    banks: dict[str, Bank] = {}
    entries = []
    for code in sorted(raw):
        row = raw[code]
        bank = Bank(row["code"], row["name"], row["kana"])
        banks[bank.code] = bank
        entries.append(_entry(bank, row))
    return banks, tuple(entries)


@cache
def _branches(bank_code: str) -> tuple[dict[str, Branch], tuple[_Entry, ...]]:
    if bank_code not in _banks()[0]:
        return {}, ()
    path = _data_folder() / "branches" / f"{bank_code}.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    branches: dict[str, Branch] = {}
    entries = []
    for code in sorted(raw):
        row = raw[code]
        branch = Branch(bank_code, row["code"], row["name"], row["kana"])
        branches[branch.code] = branch
        entries.append(_entry(branch, row))
    return branches, tuple(entries)


def bank(code: str) -> Bank | None:
    return _banks()[0].get(code)


def branch(bank_code: str, code: str) -> Branch | None:
    return _branches(bank_code)[0].get(code)


def search_banks(query: str) -> Matches:
    """Banks whose name, kana or romaji contains ``query`` (or whose code starts with it);
    raises QueryRefused for a query that cannot be one."""
    return _search(_banks()[1], query, _BANK_SUFFIXES)


def search_branches(bank_code: str, query: str) -> Matches:
    """The branches of the bank ``bank_code`` that match ``query``, as search_banks."""
    return _search(_branches(bank_code)[1], query, _BRANCH_SUFFIXES)


def _search(entries: tuple[_Entry, ...], query: str, suffixes: tuple[str, ...]) -> Matches:
    if len(query) > MAX_QUERY_LENGTH * 4:
        raise QueryRefused(query[:10])
    if any(unicodedata.category(char) == "Cc" for char in query):
        raise QueryRefused("control")
    words = _normalised(query)
    if len(words) > MAX_QUERY_LENGTH:
        raise QueryRefused(words[:10])
    for suffix in suffixes:
        if words.endswith(suffix) and len(words) > len(suffix):
            words = words.removesuffix(suffix)
            break
    if not words:
        return Matches((), 0)
    loose = _loose_romaji(words) if words.isascii() else ""
    ranked: list[tuple[int, str, Bank | Branch]] = []
    for entry in entries:
        rank = _rank(entry, words, loose)
        if rank is not None:
            ranked.append((rank, entry.code, entry.item))
    ranked.sort(key=lambda found: (found[0], found[1]))
    return Matches(tuple(item for _, _, item in ranked[:MAX_MATCHES]), len(ranked))


def _rank(entry: _Entry, words: str, loose: str) -> int | None:
    """0 exact, 1 prefix, 2 contained; None when it does not match."""
    if words.isdigit():
        if entry.code == words:
            return 0
        return 1 if entry.code.startswith(words) else None
    best: int | None = None
    candidates = [(key, words) for key in entry.keys]
    if loose:
        candidates.append((entry.loose, loose))
    for key, wanted in candidates:
        if key == wanted:
            return 0
        if key.startswith(wanted):
            best = 1
        elif wanted in key and best is None:
            best = 2
    return best


def _entry(item: Bank | Branch, row: dict) -> _Entry:
    keys = (_normalised(row["name"]), _normalised(row["hira"]), _normalised(row["roma"]))
    return _Entry(item, item.code, keys, _loose_romaji(keys[-1]))


def _normalised(text: str) -> str:
    """Width, case, katakana/hiragana, small kana and punctuation folded away."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = jaconv.kata2hira(text).translate(_SMALL_KANA)
    for long_form, short in _BANK_WORDS:
        text = text.replace(long_form, short)
    return _DROPPED.sub("", text)


def _loose_romaji(text: str) -> str:
    """Romaji with the spellings that differ between people and the data folded together:
    the data writes ト-ウ-キ-ヨ-ウ as 'toukiyou' where a resident types 'tokyo'."""
    text = re.sub(r"[^a-z]", "", text)
    text = text.replace("iy", "y")  # キヨ written large in the data: kiyo -> kyo
    text = re.sub(r"(sh|ch|j)y", r"\1", text)  # shyo -> sho
    for long_vowel, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i"), ("ee", "e")):
        text = text.replace(long_vowel, short)
    return text
