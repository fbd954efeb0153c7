"""formsvc: accessible, Japanese-first online application forms for municipalities."""

from __future__ import annotations

from flask import Flask

from formsvc.config import settings_from_environment


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

    from formsvc import db, health

    db.init_app(app)
    app.register_blueprint(health.blueprint)
    return app
