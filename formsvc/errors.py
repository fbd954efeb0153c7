"""Error pages: every failure gets a page that says what happened and what to do next.

No stack trace ever reaches a resident; the 500 page is generic and the details go to the
log (without personal data: we log the path, never the form contents).
"""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        app.logger.info("CSRF check failed on %s: %s", request.path, error.description)
        view = app.view_functions.get(request.endpoint)
        # Application pages show what was typed again (formsvc.resident.application).
        if getattr(view, "redisplays_on_csrf_failure", False):
            g.csrf_failed = True
            response = app.make_response(view(**(request.view_args or {})))
            response.status_code = 400
            return response
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(403)
    def forbidden(_error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("errors/404.html"), 405

    @app.errorhandler(413)
    def too_large(_error):
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return render_template("errors/413.html", limit_mb=limit_mb), 413

    @app.errorhandler(400)
    def bad_request(_error):
        return render_template("errors/400.html"), 400

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return render_template("errors/generic.html", code=error.code), error.code
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return render_template("errors/500.html"), 500
