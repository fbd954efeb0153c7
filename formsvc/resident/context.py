"""Per-request facts for resident pages: language, the resident's drafts, translations."""

from __future__ import annotations

from flask import request, session

LOCALES = ("ja", "en")


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
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def safe_return_target() -> str | None:
    """Only 'check' may be requested as a return target (no open redirects)."""
    return "check" if request.values.get("return") == "check" else None
