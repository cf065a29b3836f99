"""Our tables come from Alembic migrations that can run at every start-up, next to Rasa's table."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage import migrate
from bot.storage.__main__ import main
from bot.storage.models import Base
from bot.storage.schema import current_revision, head_revision
from tests.storage.rasa_helpers import conversation_events, store_conversation

OUR_TABLES = {"saved_assessments", "consents", "hkta_storage_alembic_version"}


def table_names(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_migrate_creates_our_tables_at_the_newest_revision(database):
    assert current_revision(database.engine) is None
    assert migrate(database.engine) == head_revision()
    assert table_names(database.engine) >= OUR_TABLES
    assert current_revision(database.engine) == head_revision()


def test_migrating_again_changes_nothing_and_keeps_the_data(database):
    from bot.storage import save_assessment

    migrate(database.engine)
    code = save_assessment(database.engine, "user-1", {"age": 30}, {"as_of": "2025-01-01"})
    tables_before = table_names(database.engine)
    for _ in range(2):
        assert migrate(database.engine) == head_revision()
    assert table_names(database.engine) == tables_before
    with database.engine.connect() as connection:
        assert connection.execute(
            sa.text("SELECT reference_code FROM saved_assessments")
        ).scalars().all() == [code]


def test_migrate_accepts_a_database_url(database):
    assert migrate(database.url) == head_revision()
    assert table_names(database.engine) >= OUR_TABLES


def test_migrate_leaves_rasas_events_table_and_its_rows_alone(database, rasa_store):
    store_conversation(rasa_store, "rasa-user", conversation_events("hello", 1_700_000_000.0))
    migrate(database.engine)
    with database.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    assert stored == len(conversation_events("hello", 1_700_000_000.0))


def test_the_models_match_what_the_migrations_create(database):
    migrate(database.engine)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, type_, parents: type_ != "table" or name in Base.metadata.tables,
                "compare_type": True,
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_the_migrate_command_reports_the_revision(database, capsys):
    assert main(["migrate", "--database-url", database.url]) == 0
    assert capsys.readouterr().out.strip() == f"database at revision {head_revision()}"
    assert main(["migrate", "--database-url", database.url]) == 0
