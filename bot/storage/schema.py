"""Bring the database to the newest version of our tables (Alembic ``upgrade head``), programmatically."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.storage.engine import storage_engine

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"

# Any fixed number: PostgreSQL advisory locks are keyed by integers. Several replicas starting at
# once would otherwise all try to create the same tables.
_MIGRATION_LOCK_KEY = 0x484B5441  # "HKTA"


def alembic_config() -> Config:
    return Config(str(ALEMBIC_INI))


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    config = alembic_config()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": config.get_main_option("version_table")}
        )
        return context.get_current_revision()


def migrate(database: str | Engine | None = None) -> str:
    """Upgrade our tables to the newest revision and return it. Safe to call on every start-up."""
    engine = database if isinstance(database, Engine) else storage_engine(database)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return head_revision()
    finally:
        if not isinstance(database, Engine):
            engine.dispose()
