"""Each storage test gets a database of its own: a fresh SQLite file, and, when PostgreSQL is
reachable, a fresh schema in the test database (dropped afterwards), so parallel runs cannot see or
purge each other's rows. Rasa and our engines both follow ``POSTGRESQL_SCHEMA`` into that schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.storage import migrate, storage_engine

TEST_ID_SECRET = "test-secret-for-hashing-sender-ids-0123456789"


@dataclass
class Database:
    url: str
    engine: Engine
    backend: str


@pytest.fixture(autouse=True)
def id_secret(monkeypatch) -> str:
    monkeypatch.setenv("HKTA_ID_SECRET", TEST_ID_SECRET)
    monkeypatch.delenv("HKTA_RETENTION_DAYS", raising=False)
    return TEST_ID_SECRET


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def database(request, tmp_path, monkeypatch) -> Iterator[Database]:
    if request.param == "sqlite":
        monkeypatch.delenv("POSTGRESQL_SCHEMA", raising=False)
        url = f"sqlite:///{tmp_path}/tracker.db"
        engine = storage_engine(url)
        yield Database(url, engine, "sqlite")
        engine.dispose()
        return

    url = request.getfixturevalue("postgres_url")
    schema = f"hkta_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    engine = storage_engine(url)
    try:
        yield Database(url, engine, "postgresql")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database: Database) -> Engine:
    """The test database with our tables migrated."""
    migrate(database.engine)
    return database.engine


@pytest.fixture
def erasing_store(database: Database):
    """Our tracker store, as endpoints.yml would configure it, on the test database."""
    from rasa_addons.tracker_store import ErasingSQLTrackerStore
    from tests.storage.rasa_helpers import DOMAIN

    store = ErasingSQLTrackerStore(domain=DOMAIN, host=database.url)
    yield store
    store.engine.dispose()


@pytest.fixture
def rasa_store(database: Database):
    """Rasa's own SQLTrackerStore on the test database (creates its ``events`` table)."""
    from rasa.core.tracker_store import SQLTrackerStore

    from tests.storage.rasa_helpers import DOMAIN

    store = SQLTrackerStore(domain=DOMAIN, host=database.url)
    yield store
    store.engine.dispose()
