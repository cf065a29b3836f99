"""PostgreSQL becomes briefly unreachable (a proxy between the servers and the database is cut): the user
gets a clear message, not an error page nor silence, the server stays up, and once the database is back
the next message works with every earlier answer intact."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import Assistant, RestClient, asked_question, response_text, running, slots
from tests.faults.tcp_proxy import CuttableProxy
from tests.scripted_applicant import slots_asked

pytestmark = [pytest.mark.server, pytest.mark.services, pytest.mark.timeout(900)]

DATABASE_DOWN = response_text("utter_fault_database_unavailable")


@pytest.fixture
def database(postgres_url):
    """A throwaway PostgreSQL database, reached through a proxy the test can cut."""
    server = postgres_url
    name = f"hkta_faults_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    parts = urlsplit(server)
    proxy = CuttableProxy((parts.hostname, parts.port or 5432)).start()
    try:
        yield proxy, proxy.url(name)
    finally:
        proxy.cut()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def on_postgres(database, tmp_path):
    _, url = database
    yield from running(Assistant(tmp_path, url))


def test_a_brief_database_outage_gets_a_clear_message_then_the_conversation_carries_on(database, on_postgres):
    proxy, _ = database
    rest, sender = RestClient(on_postgres), "fault-database"
    question = asked_question(rest.say(sender, FIRST_MESSAGE).messages)
    assert question

    proxy.cut()
    try:
        for _ in range(2):  # the pool's connections are dead, and new ones are refused
            down = rest.say(sender, answer_to(question))
            assert (down.status, down.text) == (200, DATABASE_DOWN)
        assert on_postgres.rasa_alive()
    finally:
        proxy.restore()

    back = rest.say(sender, answer_to(question))
    assert back.status == 200 and DATABASE_DOWN not in back.text
    assert asked_question(back.messages) not in (None, question), back.text
    stored = on_postgres.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))
    log = on_postgres.log("rasa.log").read_text(errors="replace")
    assert "The conversation store failed" in log
    assert FIRST_MESSAGE not in log  # the failure is logged without what the user said
