"""The visitor's language and interface text in it (Japanese unless they switched)."""

from __future__ import annotations

from flask import session

LOCALES = ("ja", "en")


def current_locale() -> str:
    locale = session.get("lang", "ja")
    return locale if locale in LOCALES else "ja"


def t(ja: str, en: str) -> str:
    """Interface text in the visitor's language (Japanese unless they switched)."""
    return en if current_locale() == "en" else ja
