"""Redis, the lock store of several replicas, becomes briefly unreachable (a proxy between the Rasa server
and Redis is cut): the user gets a clear message, not an error page nor silence, the message is not
stored, the server stays up, and once Redis is back the same message carries the interview on."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import Assistant, RestClient, asked_question, response_text, running, slots
from tests.faults.tcp_proxy import CuttableProxy
from tests.scripted_applicant import slots_asked

pytestmark = [pytest.mark.server, pytest.mark.services, pytest.mark.timeout(900)]

RECORDS_DOWN = response_text("utter_fault_database_unavailable")


@pytest.fixture
def redis_proxy(redis_url):
    parts = urlsplit(redis_url)
    proxy = CuttableProxy((parts.hostname, parts.port or 6379)).start()
    try:
        yield proxy, int(parts.path.lstrip("/") or 0)
    finally:
        proxy.cut()


@pytest.fixture
def with_redis_locks(redis_proxy, tmp_path):
    proxy, db = redis_proxy
    extra = {"REDIS_URL": proxy.redis_url(db)}
    yield from running(Assistant(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}", extra_env=extra))


def test_a_brief_lock_store_outage_gets_a_clear_message_then_the_conversation_carries_on(
    redis_proxy, with_redis_locks
):
    proxy, _ = redis_proxy
    assistant = with_redis_locks
    rest, sender = RestClient(assistant), "fault-lock-store"
    question = asked_question(rest.say(sender, FIRST_MESSAGE).messages)
    assert question
    events_before = len(assistant.tracker(sender).events)

    proxy.cut()
    try:
        for message in (answer_to(question), "show my answers"):  # pooled connections dead, new refused
            down = rest.say(sender, message)
            assert (down.status, down.text) == (200, RECORDS_DOWN)
        assert assistant.rasa_alive()
        assert len(assistant.tracker(sender).events) == events_before  # nothing of it was stored
    finally:
        proxy.restore()

    back = rest.say(sender, answer_to(question))
    assert back.status == 200 and RECORDS_DOWN not in back.text
    assert asked_question(back.messages) not in (None, question), back.text
    stored = assistant.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))
    log = assistant.log("rasa.log").read_text(errors="replace")
    assert "The lock store failed" in log
    assert FIRST_MESSAGE not in log and sender not in log  # logged without what the user said or who
