"""formsvc: accessible, Japanese-first online application forms for municipalities."""

from __future__ import annotations

import gc
from types import FunctionType, MethodType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask


def plain_functions_as_they_are(flask_ensure_sync: Callable[[Callable], Callable]) -> Callable[[Callable], Callable]:
    """Flask.ensure_sync, which Flask asks of every function it calls in a request (each before
    and after function, context processor and teardown, the view: some fifteen a page), through
    inspect.iscoroutinefunction unwrapping methods and partials: ~150 lines of Python a request
    (issue 17). A function, or a method of one, is a coroutine function exactly when its code
    says so (Python 3.11, as pinned): read directly, it is returned as it is; anything else is
    still Flask's to judge."""
    from inspect import CO_COROUTINE

    def ensure_sync(func: Callable) -> Callable:
        function = func.__func__ if type(func) is MethodType else func
        if type(function) is FunctionType and not function.__code__.co_flags & CO_COROUTINE:
            return func
        return flask_ensure_sync(func)

    return ensure_sync


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory (used by the `formsvc` command, gunicorn and the tests)."""
    # Flask is imported here, not at the top: commands that need no app (`formsvc validate`)
    # import the package without paying for Flask, Werkzeug and Jinja (about 0.1 s).
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from formsvc.config import settings_from_environment
    from formsvc.csrf import csrf
    from formsvc.japanese.calendar import municipal_calendar

    municipal_calendar()  # a wrong FORMSVC_CLOSED_DAYS stops the start, saying which part
    settings = settings_from_environment()
    settings.update(overrides or {})
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_DIR"],
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(settings)
    app.ensure_sync = plain_functions_as_they_are(app.ensure_sync)  # type: ignore[method-assign,assignment]
    # The session cookie, signed again only when it changed or has aged (formsvc.session_cookie).
    from formsvc.session_cookie import SessionInterface

    app.session_interface = SessionInterface()
    if app.config["PROXY_COUNT"]:
        # Behind that many proxies: the client's address and scheme as the nearest one saw them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    if app.config["MOCK_IDP_ENABLED"] is None:
        # The mock My Number card is part of demo mode, and never of a production configuration.
        app.config["MOCK_IDP_ENABLED"] = bool(app.config["FORMSVC_DEMO"])
    if app.config.get("MOCK_PAYMENTS_ENABLED") is None:
        # Likewise the mock payment provider (/mock-pay): demo mode only.
        app.config["MOCK_PAYMENTS_ENABLED"] = bool(app.config["FORMSVC_DEMO"])

    from formsvc import db, errors, health, request_guard, templating
    from formsvc.admin.preview_pages import blueprint as preview
    from formsvc.admin.views import blueprint as admin
    from formsvc.authentication.views import blueprint as auth
    from formsvc.counter.application_pages import blueprint as counter_form
    from formsvc.counter.views import blueprint as counter
    from formsvc.dashboard.views import blueprint as dashboard
    from formsvc.jobs import queue as job_queue
    from formsvc.jobs.views import blueprint as jobs
    from formsvc.payments.views import blueprint as payments
    from formsvc.resident.my import blueprint as my
    from formsvc.resident.receipt_copy import blueprint as receipt_copy
    from formsvc.resident.views import blueprint as resident
    from formsvc.review import intake, resident_confirmation
    from formsvc.review.api import blueprint as review_api
    from formsvc.review.notice_views import blueprint as notices
    from formsvc.review.views import blueprint as review
    from formsvc.staff.views import blueprint as staff
    from formsvc.submissions import storage as upload_storage

    db.init_app(app)
    # Which municipality each request is for (host name or path prefix); before routing.
    from formsvc.tenants import resolution as tenant_resolution

    tenant_resolution.init_app(app)
    upload_storage.init_app(app)  # a wrong FORMSVC_UPLOAD_STORAGE stops the start, saying why
    if not app.config.get("JOB_QUEUE_URL"):
        # Beside the database; in tests, in memory: a test runs the jobs it made (run_queued).
        app.config["JOB_QUEUE_URL"] = "memory" if app.testing else job_queue.default_queue_url(
            app.config["DATABASE_URL"], app.config["INSTANCE_DIR"])
    request_guard.init_app(app)  # before CSRF and every view: control characters
    csrf.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    intake.listen()  # the staff side notes every submission as it arrives
    app.register_blueprint(health.blueprint)
    app.register_blueprint(resident)
    app.register_blueprint(auth)
    app.register_blueprint(my)
    app.register_blueprint(receipt_copy)  # the 控え of what a resident sent
    # The done page says where the 受付 mail went; the 控え as PDF (formsvc.resident.confirmation).
    resident_confirmation.register(app)
    app.register_blueprint(staff)
    # The staff menu lists the areas in the order they are registered (formsvc.staff.menu).
    app.register_blueprint(counter)
    app.register_blueprint(counter_form)
    app.register_blueprint(preview)
    app.register_blueprint(admin)
    app.register_blueprint(review)
    app.register_blueprint(review_api)
    app.register_blueprint(notices)
    app.register_blueprint(dashboard)
    app.register_blueprint(jobs)  # a job's progress and file; failed jobs for administrators
    from formsvc.tenants.views import assets as tenant_assets
    from formsvc.tenants.views import blueprint as tenants

    app.register_blueprint(tenants)  # the operator's municipalities and shared templates (/staff/tenants)
    app.register_blueprint(tenant_assets)  # a municipality's logo
    app.register_blueprint(payments)  # the providers' notifications (webhooks)
    if app.config["MOCK_IDP_ENABLED"]:
        from formsvc.mock_idp import registration

        registration.register(app)
    if app.config["MOCK_PAYMENTS_ENABLED"]:
        from formsvc.mock_payments import registration as mock_payments

        mock_payments.register(app)
    if app.config["FORMSVC_DEMO"]:
        # Mail delivered at once into instance/outbox/ and listed at /demo/outbox (404 elsewhere).
        from formsvc.demo.outbox import blueprint as demo_outbox

        app.register_blueprint(demo_outbox)
    # Job kinds the blueprints above do not import (the periodic ones); then the queue, which
    # schedules every kind declared by now.
    from formsvc.dashboard import jobs as _dashboard_jobs  # noqa: F401
    from formsvc.submissions import jobs as _submission_jobs  # noqa: F401

    job_queue.init_app(app)
    if not app.testing:
        # What start-up built (modules, definitions, the URL map: ~170k objects) lives as long
        # as the process: the garbage collector stops walking it (a full collection took ~70 ms),
        # and under gunicorn --preload the workers share it with the master instead of copying
        # the pages each collection touches. Not in tests, which make an app per test.
        gc.freeze()
    return app
