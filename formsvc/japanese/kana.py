"""フリガナ normalisation: everything to full-width katakana.

Government data models (Digital Agency GIF) store 氏（カナ）/名（カナ）
in full-width katakana, but residents type hiragana, or paste half-width
katakana from bank or legacy systems.  We accept all of these and store
one canonical form.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"\s+")  # \s includes the ideographic space U+3000
_IDEOGRAPHIC_SPACE = "\u3000"

# Full-width katakana letters ァ..ヺ (incl. ヴ, small ヵヶ, ヷ..ヺ) and the
# iteration marks ヽヾ; plus the prolonged sound mark ー and middle dot ・
# which appear in many names (e.g. foreign names 'ジョン・スミス').
_KATAKANA_LETTER = "\u30a1-\u30fa\u30fd\u30fe"
_KATAKANA_TEXT = re.compile(f"[{_KATAKANA_LETTER}\u30fc\u30fb{_IDEOGRAPHIC_SPACE}]+")
_HAS_LETTER = re.compile(f"[{_KATAKANA_LETTER}]")


def to_katakana(text: str) -> str:
    """Return ``text`` as full-width katakana with single full-width spaces.

    Hiragana become katakana, half-width katakana (incl. ｶﾞ, ﾊﾟ, ｳﾞ, ｰ, ･)
    become full-width, and runs of ASCII/full-width spaces collapse to one
    full-width space; the result is trimmed.  Other characters are kept so
    that ``is_katakana`` can reject them.
    """
    # NFC first: text pasted from macOS may carry decomposed voiced marks.
    text = unicodedata.normalize("NFC", text)
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    # jaconv only merges ﾞ/ﾟ with kana it has a precomposed pair for (it
    # leaves 'ﾜﾞ' as 'ワﾞ'); turn leftovers into combining marks and let
    # NFC compose them (ワ + U+3099 -> ヷ).
    text = text.replace("\uff9e", "\u3099").replace("\uff9f", "\u309a")
    text = unicodedata.normalize("NFC", text)
    text = jaconv.hira2kata(text)
    return _SPACES.sub(_IDEOGRAPHIC_SPACE, text).strip()


def is_katakana(text: str) -> bool:
    """True when ``to_katakana(text)`` is only full-width katakana, ー, ・
    and full-width spaces, with at least one katakana letter.

    The check runs on the normalised text, so hiragana input passes: store
    ``to_katakana(text)``, not the raw input.
    """
    normalised = to_katakana(text)
    return bool(_KATAKANA_TEXT.fullmatch(normalised) and _HAS_LETTER.search(normalised))
