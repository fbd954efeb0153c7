"""Per-request facts for resident pages: language, the resident's drafts, translations."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request, session

LOCALES = ("ja", "en")
# C0 controls and DEL: browsers drop or mangle them in URLs; in a header they are an error.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def current_locale() -> str:
    locale = session.get("lang", "ja")
    return locale if locale in LOCALES else "ja"


def t(ja: str, en: str) -> str:
    """Interface text in the resident's language (Japanese unless they switched)."""
    return en if current_locale() == "en" else ja


def draft_token(form_id: str) -> str | None:
    return session.get("drafts", {}).get(form_id)


def remember_draft(form_id: str, token: str) -> None:
    drafts = dict(session.get("drafts", {}))
    drafts[form_id] = token
    session["drafts"] = drafts
    session.permanent = True


def forget_draft(form_id: str) -> None:
    drafts = dict(session.get("drafts", {}))
    drafts.pop(form_id, None)
    session["drafts"] = drafts


def remember_submission(reception_number: str) -> None:
    # Only the browser that submitted may see the confirmation page (it shows answers' summary).
    numbers = [*session.get("submitted", [])[-19:], reception_number]
    session["submitted"] = numbers


def submitted_here(reception_number: str) -> bool:
    return reception_number in session.get("submitted", [])


def safe_local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Browsers are lenient (WHATWG URL parsing): they drop tabs and line breaks anywhere, read a
    backslash as a slash and strip surrounding control characters, so ``/<TAB>/evil.example``
    means ``//evil.example``, another host. Rather than imitate every rule, anything a browser
    could read differently is refused outright (controls, backslashes), and the path must not
    start with two slashes even after one more round of percent-decoding or fullwidth folding
    (``/%2F``, ``/／``), which a proxy or a later hop might apply.
    """
    if not isinstance(target, str) or not target.startswith("/"):
        return None
    if _CONTROL_CHARACTERS.search(target) or "\\" in target:
        return None
    decoded = unquote(target)
    for variant in (decoded, unicodedata.normalize("NFKC", decoded)):
        normalised = _CONTROL_CHARACTERS.sub("", variant).replace("\\", "/")
        if not normalised.startswith("/") or normalised.startswith("//"):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_return_target() -> str | None:
    """Only 'check' may be requested as a return target (no open redirects)."""
    return "check" if request.values.get("return") == "check" else None


def return_path_after_sign_in() -> str | None:
    """Where to continue after signing in: this page, or for a form sent while signed out (a
    POST cannot be repeated by a link: it would end on 405) the page it was sent from."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
