"""Alembic, driven from code: the app, the CLI and the tests migrate the same way."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from formsvc.config import project_root


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(project_root() / "migrations"))
    # '%' would be read as interpolation by configparser (e.g. in URL-encoded passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """What autogenerate and the model comparison look at: not the job queue's own tables
    (huey's layout, created by migration 0018 on PostgreSQL; no model describes them)."""
    return not (type_ == "table" and name is not None and name.startswith("formsvc_queue_"))


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def pending_model_changes(engine: Engine) -> list:
    """Differences between the models and the migrated database ([] when in sync)."""
    import formsvc.models  # noqa: F401  (registers every table on the metadata)
    from formsvc.db import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        return compare_metadata(context, Base.metadata)
