"""Jinja set-up shared by every page: translations, formatting, security headers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request

from formsvc.authentication.residents import current_login, seconds_left
from formsvc.japanese.era import format_date_both
from formsvc.resident.context import current_locale, t
from formsvc.staff import roles
from formsvc.staff.auth import current_staff


def yen(amount: Decimal | int | None) -> str:
    if amount is None:
        return ""
    return f"{int(amount):,}円"


JST = ZoneInfo("Asia/Tokyo")

# The staff menu: (endpoint, label, roles that see it). Areas add themselves here.
STAFF_MENU: list[tuple[str, tuple[str, str], tuple[str, ...]]] = []


def add_to_staff_menu(endpoint: str, label: tuple[str, str], roles: tuple[str, ...], first: bool = False) -> None:
    """Add an area's entry once (modules are imported again by every create_app)."""
    if not any(existing == endpoint for existing, _, _ in STAFF_MENU):
        STAFF_MENU.insert(0 if first else len(STAFF_MENU), (endpoint, label, roles))


def staff_menu() -> list[tuple[str, str, tuple[str, ...]]]:
    return [(endpoint, t(*label), allowed) for endpoint, label, allowed in STAFF_MENU
            if endpoint in current_app.view_functions]


def local_datetime(moment: datetime) -> str:
    """Japan time, with the date in both calendars: 2026年11月26日(令和8年11月26日) 14:05."""
    local = moment.astimezone(JST)
    return f"{format_date_both(local.date())} {local:%H:%M}"


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["yen"] = yen
    app.jinja_env.filters["date_both"] = format_date_both
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["role_label"] = lambda role: t(*roles.LABELS.get(role, (role, role)))

    @app.context_processor
    def interface():
        login = current_login() if request.endpoint and request.endpoint != "static" else None
        return {
            "staff_user": current_staff() if request.endpoint and request.endpoint != "static" else None,
            "staff_menu": staff_menu(),
            "resident_login": login,
            "resident_seconds_left": seconds_left(login) if login else None,
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
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        if request.path.startswith("/forms/"):
            # Answers are personal data: never keep them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
