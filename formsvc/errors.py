"""Error pages: every failure gets a page that says what happened and what to do next.

No stack trace ever reaches a resident; the 500 page is generic and the details go to the
log (without personal data: we log the path, never the form contents). Error pages are
responses of this app like any other, so they carry the security headers (formsvc.templating).
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formsvc.db import roll_back_session


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        app.logger.info("CSRF check failed on %s: %s", request.path, error.description)
        view = app.view_functions.get(request.endpoint)
        # Application pages and the YAML editor show what was typed again. Such a view is
        # called with g.csrf_failed set and must then only show the page: nothing its POST
        # asks for (save, remove a file, submit, move on) is done (formsvc.resident.application).
        if getattr(view, "redisplays_on_csrf_failure", False):
            g.csrf_failed = True
            response = app.make_response(view(**(request.view_args or {})))
            response.status_code = 400
            return response
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
            return error_page("errors/generic.html", error.code, code=error.code)
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return server_error_page()


def error_page(template: str, code: int, **context):
    # Whatever went wrong, the page that says so must not fail in turn: the header's "who is
    # signed in" shows nobody if the database cannot answer (formsvc.templating.signed_in).
    g.error_page = True
    return render_template(template, **context), code


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
    roll_back_session()
    for cached in ("staff_user", "resident_login"):  # read in the failed transaction: read again
        g.pop(cached, None)
    try:
        return error_page("errors/500.html", 500)
    except Exception:
        current_app.logger.exception("the 500 page failed on %s %s", request.method, request.path)
        return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}
