"""Error pages: every failure gets a page that says what happened and what to do next.

No stack trace ever reaches a resident; the 500 page is generic and the details go to the
log (without personal data: we log the path, never the form contents). Error pages are
responses of this app like any other, so they carry the security headers (formsvc.templating).

A refused CSRF token gets the error page, except on the pages that show what was typed again
(the application's questions and check page, the YAML editor): Flask-WTF's CSRFProtect leaves
those to check the token themselves (``redisplays_on_csrf_failure``, ``csrf_refused``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formsvc.csrf import csrf

ViewT = TypeVar("ViewT", bound=Callable)

# The views that check the CSRF token themselves, as "module.name" (how CSRFProtect.exempt
# knows them: the same view registered on several blueprints is one entry).
_redisplaying: set[str] = set()


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        _log_csrf_refusal(error)
        return error_page("errors/csrf.html", 400)

    @app.errorhandler(403)
    def forbidden(_error):
        return error_page("errors/403.html", 403)

    @app.errorhandler(404)
    def not_found(_error):
        return error_page("errors/404.html", 404)

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return error_page("errors/404.html", 405)

    @app.errorhandler(413)
    def too_large(_error):
        return error_page("errors/413.html", 413, limit_mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))

    @app.errorhandler(400)
    def bad_request(_error):
        return error_page("errors/400.html", 400)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return error_page("errors/generic.html", error.code or 500)
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return server_error_page()


def error_page(template: str, status: int, **context):
    # Whatever went wrong, the page that says so must not fail in turn: the header's "who is
    # signed in" shows nobody if the database cannot answer (formsvc.templating.signed_in).
    g.error_page = True
    return render_template(template, **context), status


# The last resort when even the 500 template fails: no template, no database, the same words.
PLAIN_500 = ("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>エラーが発生しました</title>"
             "<h1>エラーが発生しました</h1><p>申し訳ありません。システムでエラーが発生しました。"
             "時間をおいてもう一度お試しください。</p><p><a href=\"/\">手続きの一覧に戻る</a></p></html>")


def server_error_page():
    """The 500 page, rendered whatever state the failure left behind.

    The failure may have been the database's: a failed flush leaves the session refusing every
    query until it is rolled back, and the page's header asks who is signed in. Nothing is lost
    by the rollback: a request's session is never committed after its view.
    """
    # Imported here: this module is reached from the definition vocabulary (request_guard), and
    # `formsvc validate` would otherwise load SQLAlchemy for nothing (about 0.2 s).
    from formsvc.db import roll_back_session

    roll_back_session()
    for cached in ("staff_user", "resident_login"):  # read in the failed transaction: read again
        g.pop(cached, None)
    try:
        return error_page("errors/500.html", 500)
    except Exception:
        current_app.logger.exception("the 500 page failed on %s %s", request.method, request.path)
        return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}


# --- a refused CSRF token on a page that shows what was typed again ---------------------------

def redisplays_on_csrf_failure(view: ViewT) -> ViewT:
    """Mark ``view`` as checking the CSRF token itself: CSRFProtect's check before every view
    passes it by, so that a refused POST gets the page again with what was typed and a word on
    why, not the error page. The view must call ``csrf_refused()`` on every POST before it does
    anything, and when it says so, do nothing the POST asks for (save, remove, submit, move on)."""
    csrf.exempt(view)
    _redisplaying.add(_location(view))
    return view


def csrf_refused() -> bool:
    """Whether this request's CSRF token is refused: CSRFProtect's own check (the token, and
    over HTTPS the referrer), logged as every refusal is."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return False
    try:
        csrf.protect()
    except CSRFError as error:
        _log_csrf_refusal(error)
        return True
    return False


def redisplays_what_was_sent() -> bool:
    """Whether this request's view shows what was sent again when it refuses it (formsvc.request_guard
    lets control characters through to such a view, which explains them beside the field)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and _location(view) in _redisplaying


def _location(view: Callable) -> str:
    return f"{view.__module__}.{view.__name__}"


def _log_csrf_refusal(error: CSRFError) -> None:
    current_app.logger.info("CSRF check failed on %s: %s", request.path, error.description)
