"""formsvc: accessible, Japanese-first online application forms for municipalities."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from formsvc.config import settings_from_environment

csrf = CSRFProtect()


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory (used by the `formsvc` command, gunicorn and the tests)."""
    settings = settings_from_environment()
    settings.update(overrides or {})
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_DIR"],
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(settings)

    from formsvc import db, errors, health, templating
    from formsvc.resident.views import blueprint as resident

    db.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(resident)
    return app
