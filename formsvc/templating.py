"""Jinja set-up shared by every page: translations, formatting, security headers.

Who is signed in is not known here: the packages that know it put it in every page's context
(the resident's sign-in: formsvc.authentication.views; the staff user and the staff menu:
formsvc.staff.views), with ``signed_in`` below.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, KeysView, MutableMapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from types import MethodType
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request, session, url_for
from jinja2 import Environment
from sqlalchemy.exc import SQLAlchemyError

from formsvc.clock import JST
from formsvc.i18n import current_locale, text_in
from formsvc.japanese.era import format_date_both
from formsvc.tenants.context import NoSingleTenant
from formsvc.tenants.directory import TenantInfo
from formsvc.tenants.resolution import current_tenant


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
    endpoint = request.endpoint
    if not endpoint or endpoint == "static":
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


class TemplateGlobals(ChainMap):
    """A template's globals (its own over the environment's), as Jinja's ChainMap, whose
    membership test and keys cost a dict's.

    Jinja compares the rendering page's globals with them on every ``{% import %}`` and
    ``{% from … import %}`` of a module imported without context (seven on a question page):
    with ChainMap's generic ``__contains__`` each import cost ~11 µs, about 3.5 µs so (issue 17).
    Still a live view: a global added to the environment later is seen.
    """

    def __contains__(self, key: object) -> bool:
        maps = self.maps
        if len(maps) == 2:  # a template's own globals over the environment's: no generator
            return key in maps[0] or key in maps[1]
        return any(key in mapping for mapping in maps)

    def keys(self) -> KeysView:
        own, *rest = self.maps
        if not own and len(rest) == 1:
            return rest[0].keys()  # a page's usual case: nothing of its own
        return dict.fromkeys(key for mapping in reversed(self.maps) for key in mapping).keys()


def _make_globals(env: Environment, d: MutableMapping[str, Any] | None = None) -> TemplateGlobals:
    return TemplateGlobals({} if d is None else d, env.globals)


# The address of each static file, per script root (a tenant's path prefix, formsvc.tenants):
# url_for("static") builds the same address every time (~3 µs each, four a page). Bounded: the
# script root comes from the request.
_static_urls: dict[tuple[str, str], str] = {}
STATIC_URLS_KEPT = 512


def static_url(filename: str) -> str:
    """url_for("static", filename=filename), built once per script root."""
    key = (request.script_root, filename)
    found = _static_urls.get(key)
    if found is None:
        found = url_for("static", filename=filename)
        if len(_static_urls) >= STATIC_URLS_KEPT:
            _static_urls.clear()
        _static_urls[key] = found
    return found


def page_tenant() -> TenantInfo | None:
    """The current municipality, or None where there is no single one (work for all
    municipalities)."""
    try:
        return current_tenant()
    except (NoSingleTenant, LookupError):
        return None
    except SQLAlchemyError:  # the tenants table unreadable: an error page still renders
        current_app.logger.warning("the page shows no municipality's details: the database failed")
        return None


def init_app(app: Flask) -> None:
    # Before any template is loaded: each keeps the globals it was loaded with.
    app.jinja_env.make_globals = MethodType(_make_globals, app.jinja_env)  # type: ignore[method-assign]
    app.jinja_env.globals["static_url"] = static_url
    from formsvc.tenants.branding import COLOURS

    app.jinja_env.globals["tenant_colours"] = COLOURS  # the colours base.html may give a page
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["yen"] = yen
    app.jinja_env.filters["date_both"] = format_date_both
    app.jinja_env.filters["local_datetime"] = local_datetime

    @app.context_processor
    def interface():
        locale = current_locale()
        tenant = page_tenant()
        return {
            # The page's language read once: t() in the page's own templates costs no session
            # read (the macros imported without context use the global t, formsvc.i18n).
            "t": text_in(locale),
            "locale": locale,
            "municipality": tenant.name if tenant is not None else app.config["MUNICIPALITY_NAME"],
            "demo_mode": app.config["FORMSVC_DEMO"],
            # The municipality the page is for: its name, colour and お問い合わせ先 (base.html).
            "tenant": tenant,
        }

    @app.after_request
    def security_headers(response):
        headers = response.headers
        # As headers.setdefault for each, with the names the view set read once (not four
        # case-insensitive searches of the headers, each failing with a KeyError).
        present = {name.lower() for name, _ in headers}
        for lowered, name, value in security_headers_for(app.config.get("PAYMENT_PROVIDER_ORIGIN")):
            if lowered not in present:
                headers.add(name, value)
        if may_show_personal_data():
            # Never kept by the browser (back button, a shared PC) or a proxy.
            headers["Cache-Control"] = "no-store"
        return response


@lru_cache(maxsize=8)
def security_headers_for(provider_origin: str | None) -> tuple[tuple[str, str, str], ...]:
    """The headers every response has unless its view set its own, in this order: (the name in
    lower case, the name, the value). Built once per configured payment provider."""
    # Browsers apply form-action to the redirect that follows a form: 支払いへ進む redirects
    # to the payment provider's pages, so its origin (if not this service) is allowed too.
    form_action = f"'self' {provider_origin}" if provider_origin else "'self'"
    headers = (
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy",
         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
         f"form-action {form_action}; frame-ancestors 'none'"),
    )
    return tuple((name.lower(), name, value) for name, value in headers)
