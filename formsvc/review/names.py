"""The applicant's name and フリガナ as kept for the staff search, and the search's normal form.

Stored as "氏 名" (NFKC, one ASCII space between the parts) and "セイ メイ" (full-width katakana);
a search removes every space on both sides, so 「山田太郎」「山田　太郎」「やまだ たろう」 and
「ﾔﾏﾀﾞ」 all find the same person.
"""

from __future__ import annotations

import re
import unicodedata

from formsvc.applications.answers import Answers
from formsvc.definitions.schema import FormDefinition
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


def name_text(value, katakana: bool = False) -> str | None:
    """A stored 氏名 (or フリガナ) answer as the search keeps it: "氏 名"."""
    return _name_text(value, katakana)


def applicant_names(definition: FormDefinition, answers: Answers) -> tuple[str | None, str | None]:
    """The applicant's name and フリガナ (pages asked once, not repeats).

    The name question filled from the My Number card (``prefill: name``) is the applicant's when
    there is one — a nursery application asks the child's name first — with the フリガナ on its
    page; otherwise the first name and the first kana answered.
    """
    fields = answers.fields
    # The questions of the types that ask a person's name or its フリガナ (FieldSpec.carry_over).
    asked = [(page, spec) for page in definition.pages if page.repeat is None for spec in page.fields
             if spec.carry_over in ("name", "name_kana") and _name_text(fields.get(spec.id), katakana=False)]
    names = [(page, spec) for page, spec in asked if spec.carry_over == "name"]
    kanas = [(page, spec) for page, spec in asked if spec.carry_over == "name_kana"]
    chosen = next(((page, spec) for page, spec in names if spec.prefill == "name"), names[0] if names else None)
    if chosen is not None:
        kanas = [item for item in kanas if item[0].id == chosen[0].id] or kanas
    name = _name_text(fields[chosen[1].id], katakana=False) if chosen else None
    kana = _name_text(fields[kanas[0][1].id], katakana=True) if kanas else None
    return name, kana


def search_key(text: str) -> str:
    """What is compared with the stored names (spaces removed, lower case)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def kana_search_key(text: str) -> str:
    return _SPACES.sub("", to_katakana(unicodedata.normalize("NFKC", text))).lower()
