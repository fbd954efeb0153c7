"""Alembic environment: runs migrations against the URL set by formsvc.migrate."""

from alembic import context

import formsvc.models  # noqa: F401  (registers every table on the metadata)
from formsvc.db import Base, make_engine
from formsvc.migrate import include_name

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a table by dropping it; with foreign keys enforced, dropping a
            # table deletes its rows first, cascading to every table that refers to it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # so that the migrations' own transaction is the one committed
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            include_name=include_name,
            # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
