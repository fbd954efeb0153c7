"""Jinja set-up shared by every page: translations, formatting, security headers.

Who is signed in is not known here: the packages that know it put it in every page's context
(the resident's sign-in: formsvc.authentication.views; the staff user and the staff menu:
formsvc.staff.views), with ``signed_in`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request, session
from sqlalchemy.exc import SQLAlchemyError

from formsvc.clock import JST
from formsvc.i18n import current_locale, t
from formsvc.japanese.era import format_date_both


def yen(amount: Decimal | int | None) -> str:
    if amount is None:
        return ""
    # English pages write "300 yen" (the sites of Japanese cities do); e-mails and records stay Japanese.
    if has_request_context() and current_locale() == "en":
        return f"{int(amount):,} yen"
    return f"{int(amount):,}円"


def local_datetime(moment: datetime) -> str:
    """Japan time, with the date in both calendars: 2026年11月26日(令和8年11月26日) 14:05."""
    local = moment.astimezone(JST)
    return f"{format_date_both(local.date())} {local:%H:%M}"


T = TypeVar("T")


def signed_in(lookup: Callable[[], T | None]) -> T | None:
    """Who is signed in (``lookup``: current_staff or current_login), for a page's header.

    On an error page (formsvc.errors) a database that cannot say means nobody: the page that
    explains a failure must not fail in turn.
    """
    if not request.endpoint or request.endpoint == "static":
        return None
    if not g.get("error_page"):
        return lookup()
    try:
        return lookup()
    except SQLAlchemyError:
        current_app.logger.warning("the error page shows nobody signed in: the database failed")
        return None


# Areas whose every response may show personal data (answers, submissions, who is signed in).
PRIVATE_AREAS = ("/forms/", "/my/", "/auth/", "/staff/", "/counter/", "/admin/", "/api/", "/mock-idp/")


def may_show_personal_data() -> bool:
    """The one place that decides Cache-Control: no-store. Static files may be cached; any
    other page of a signed-in resident or staff member may not (its header shows who it is)."""
    if request.endpoint == "static":
        return False
    if f"{request.path.rstrip('/')}/".startswith(PRIVATE_AREAS):
        return True
    return "login" in session or "staff_id" in session


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["yen"] = yen
    app.jinja_env.filters["date_both"] = format_date_both
    app.jinja_env.filters["local_datetime"] = local_datetime

    @app.context_processor
    def interface():
        return {
            "t": t,
            "locale": current_locale(),
            "municipality": current_app.config["MUNICIPALITY_NAME"],
            "demo_mode": current_app.config["FORMSVC_DEMO"],
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # Browsers apply form-action to the redirect that follows a form: 支払いへ進む redirects
        # to the payment provider's pages, so its origin (if not this service) is allowed too.
        provider_origin = current_app.config.get("PAYMENT_PROVIDER_ORIGIN")
        form_action = f"'self' {provider_origin}" if provider_origin else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"form-action {form_action}; frame-ancestors 'none'",
        )
        if may_show_personal_data():
            # Never kept by the browser (back button, a shared PC) or a proxy.
            response.headers["Cache-Control"] = "no-store"
        return response
