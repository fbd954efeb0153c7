"""The applicant's name and フリガナ as kept for the staff search, and the search's normal form.

Stored as "氏 名" (NFKC, one ASCII space between the parts) and "セイ メイ" (full-width katakana);
a search removes every space on both sides, so 「山田太郎」「山田　太郎」「やまだ たろう」 and
「ﾔﾏﾀﾞ」 all find the same person.
"""

from __future__ import annotations

import re
import unicodedata

from formsvc.definitions.schema import FormDefinition
from formsvc.fields.kana import KanaField
from formsvc.fields.name import NameField
from formsvc.japanese.kana import to_katakana

_SPACES = re.compile(r"\s+")


def _name_text(value, katakana: bool) -> str | None:
    if not isinstance(value, dict):
        return None
    parts = []
    for part in ("family", "given"):
        text = unicodedata.normalize("NFKC", str(value.get(part) or "")).strip()
        if katakana:
            text = to_katakana(text)
        if text:
            parts.append(_SPACES.sub("", text))
    return " ".join(parts)[:200] or None


def applicant_names(definition: FormDefinition, answers: dict) -> tuple[str | None, str | None]:
    """The first name field's and the first kana field's answers (pages asked once, not repeats)."""
    fields = (answers or {}).get("fields", {})
    name = kana = None
    for page in definition.pages:
        if page.repeat is not None:
            continue
        for spec in page.fields:
            if spec.id not in fields:
                continue
            if isinstance(spec, KanaField):
                if kana is None:
                    kana = _name_text(fields[spec.id], katakana=True)
            elif isinstance(spec, NameField) and name is None:
                name = _name_text(fields[spec.id], katakana=False)
    return name, kana


def search_key(text: str) -> str:
    """What is compared with the stored names (spaces removed, lower case)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def kana_search_key(text: str) -> str:
    return _SPACES.sub("", to_katakana(unicodedata.normalize("NFKC", text))).lower()
