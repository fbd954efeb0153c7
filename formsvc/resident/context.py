"""Per-request facts for resident pages: the resident's drafts and submissions."""

from __future__ import annotations

from flask import request, session


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


def safe_return_target() -> str | None:
    """Only 'check' may be requested as a return target (no open redirects)."""
    return "check" if request.values.get("return") == "check" else None
