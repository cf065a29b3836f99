"""Alembic environment for the assistant's own tables.

Only our tables are managed: Rasa creates and owns ``events`` in the same database, so autogenerate
must never propose to drop it (``include_name`` below).
"""

from __future__ import annotations

import logging.config

from alembic import context

from bot.storage.engine import database_url_from_env, storage_engine
from bot.storage.models import Base

config = context.config
VERSION_TABLE = config.get_main_option("version_table") or "hkta_storage_alembic_version"
OUR_TABLES = set(Base.metadata.tables)

# Called from the command line we own logging; called from bot.storage.migrate the application does.
if config.config_file_name is not None and not config.attributes.get("connection"):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def include_name(name, type_, parent_names) -> bool:
    return type_ != "table" or name in OUR_TABLES


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("database_url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = storage_engine(url or database_url_from_env())
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
