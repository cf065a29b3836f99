"""One way to reach the database the conversations live in, configured like Rasa's SQL tracker store.

Our tables sit next to Rasa's ``events`` table so that purge and erasure can delete a user's data in
one place. Rasa reads ``POSTGRESQL_SCHEMA`` to choose a schema, so we honour it too: otherwise our
tables and Rasa's would land in different schemas and purge would not see Rasa's events.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

DATABASE_URL_ENV_VARIABLE = "DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///var/tracker.db"
POSTGRESQL_SCHEMA_ENV_VARIABLE = "POSTGRESQL_SCHEMA"  # Rasa's name for the same setting


def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return normalise_database_url(env.get(DATABASE_URL_ENV_VARIABLE) or DEFAULT_DATABASE_URL)


def normalise_database_url(database_url: str) -> str:
    """SQLAlchemy 1.4 accepts only ``postgresql://``; Heroku-style ``postgres://`` URLs are common."""
    if database_url.startswith("postgres://"):
        return "postgresql://" + database_url[len("postgres://") :]
    return database_url


def storage_engine(database_url: str | None = None, env: Mapping[str, str] | None = None) -> Engine:
    """A SQLAlchemy engine (2.0-style, ``future=True``) for ``database_url`` or ``DATABASE_URL``."""
    env = os.environ if env is None else env
    url = sa.engine.make_url(normalise_database_url(database_url or database_url_from_env(env)))
    kwargs: dict = {"future": True}
    if url.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True  # a restarted database should cost one retry, not an error
        schema = env.get(POSTGRESQL_SCHEMA_ENV_VARIABLE)
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        directory = os.path.dirname(url.database)
        if directory:
            os.makedirs(directory, exist_ok=True)
    engine = sa.create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        overwrite_deleted_data_on_sqlite(engine)
        _use_sqlite_transactions_as_written(engine)
    return engine


def _use_sqlite_transactions_as_written(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions (SQLAlchemy's documented recipe).

    sqlite3 delays BEGIN until the first write, so a SAVEPOINT opened first runs outside any
    transaction and its RELEASE commits: a caller's rollback would then not undo our insert.
    """

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin_explicitly(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def overwrite_deleted_data_on_sqlite(engine: Engine) -> None:
    """Make SQLite overwrite deleted rows with zeros (``PRAGMA secure_delete``).

    Without it an erased conversation stays readable in the database file's free pages until they
    are reused, which defeats "delete my data" for anyone who copies the file.
    """

    @sa.event.listens_for(engine, "connect")
    def _secure_delete(dbapi_connection, connection_record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()
