"""The visitor's language and interface text in it (Japanese unless they switched)."""

from __future__ import annotations

from collections.abc import Callable

from flask import globals as flask_globals
from flask import session

# The request context's variable behind flask.session, read without the proxy's lookups (None: a
# Flask without it, and the proxy as before).
_cv_request = getattr(flask_globals, "_cv_request", None)

LOCALES = ("ja", "en")


def current_locale() -> str:
    # About 20 calls a question page (t() in the macros imported without context, the views):
    # the session through the context variable costs a seventh of the proxy's (issue 17).
    request_context = _cv_request.get(None) if _cv_request is not None else None
    # Read once: RequestContext.session is a property (it marks the session accessed).
    found = request_context.session if request_context is not None else None
    locale = (found if found is not None else session).get("lang", "ja")
    return locale if locale in LOCALES else "ja"


def t(ja: str, en: str) -> str:
    """Interface text in the visitor's language (Japanese unless they switched)."""
    return en if current_locale() == "en" else ja


def _japanese(ja: str, en: str) -> str:
    return ja


def _english(ja: str, en: str) -> str:
    return en


def text_in(locale: str) -> Callable[[str, str], str]:
    """t() for a page whose language is read already (``locale``, when the page is rendered):
    a page's templates call it some thirty times, and t() reads the session each time."""
    return _english if locale == "en" else _japanese
