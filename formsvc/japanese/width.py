"""Width normalisation for numeric input (digits, hyphens, spaces).

Residents paste numbers typed with a Japanese IME, so digits are often
full-width (０１２) and the separator is whatever looked like a dash: the
katakana prolonged sound mark ー, the full-width hyphen －, typographic
dashes or the minus sign.  Validators below work on ASCII only, so every
numeric field goes through these helpers first.
"""

from __future__ import annotations

import re

import jaconv

# Characters residents use as a hyphen in numbers.  jaconv.z2h only maps
# the full-width hyphen-minus (U+FF0D), so the rest are listed explicitly.
# ー (U+30FC) and ｰ (U+FF70) are kana, which is why this mapping must only
# be applied to numeric fields, never to names.
HYPHEN_LIKE = (
    "\u30fc"  # ー KATAKANA-HIRAGANA PROLONGED SOUND MARK
    "\uff0d"  # － FULLWIDTH HYPHEN-MINUS
    "\u2010"  # ‐ HYPHEN
    "\u2011"  # ‑ NON-BREAKING HYPHEN
    "\u2012"  # ‒ FIGURE DASH
    "\u2013"  # – EN DASH
    "\u2014"  # — EM DASH
    "\u2015"  # ― HORIZONTAL BAR
    "\u2212"  # − MINUS SIGN
    "\ufe63"  # ﹣ SMALL HYPHEN-MINUS
    "\uff70"  # ｰ HALFWIDTH KATAKANA-HIRAGANA PROLONGED SOUND MARK
)

_HYPHEN_TABLE = str.maketrans(dict.fromkeys(HYPHEN_LIKE, "-"))
_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_digits(text: str) -> str:
    """Return ``text`` with ASCII digits, '-' for any hyphen look-alike,
    ASCII spaces, and no surrounding whitespace.

    Full-width ASCII letters and punctuation are converted too (jaconv's
    ``ascii=True``), which also turns the ideographic space into ' '.
    Kana are left alone.
    """
    text = jaconv.z2h(text, kana=False, ascii=True, digit=True)
    return text.translate(_HYPHEN_TABLE).strip()


def digits_only(text: str) -> str:
    """Return ``normalise_digits(text)`` without hyphens and whitespace.

    Other characters are kept on purpose, so that e.g. letters still make
    a later ``[0-9]{n}`` check fail instead of being silently dropped.
    """
    return _SEPARATORS.sub("", normalise_digits(text))
