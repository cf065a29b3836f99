"""Rasa's stores, configured exactly as `make run` configures them from DATABASE_URL and REDIS_URL."""

import asyncio
import uuid
from pathlib import Path

import sqlalchemy as sa
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from scripts.runtime_config import endpoints

ROOT = Path(__file__).resolve().parents[2]


DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def store_for(env):
    config = endpoints(env, action_port=5055)
    return TrackerStore.create(EndpointConfig.from_dict(config["tracker_store"]), domain=DOMAIN), config


def save_and_reload(store, sender_id):
    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("privacy_notice_shown", True)]
    tracker = DialogueStateTracker.from_events(sender_id, events, slots=DOMAIN.slots)

    async def roundtrip():
        await store.save(tracker)
        return await store.retrieve(sender_id)

    return asyncio.run(roundtrip())


def test_conversations_are_kept_in_postgresql_when_database_url_is_set(postgres_url):
    store, config = store_for({"DATABASE_URL": postgres_url})
    assert config["tracker_store"]["dialect"] == "postgresql"
    sender_id = f"test-{uuid.uuid4()}"
    try:
        reloaded = save_and_reload(store, sender_id)
        assert reloaded.get_slot("privacy_notice_shown") is True
        assert reloaded.latest_message.text == "hi"
    finally:
        with sa.create_engine(postgres_url).begin() as connection:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id})


def test_conversations_are_kept_in_sqlite_by_default(tmp_path):
    store, _ = store_for({"DATABASE_URL": f"sqlite:///{tmp_path}/tracker.db"})
    reloaded = save_and_reload(store, "sqlite-user")
    assert reloaded.get_slot("privacy_notice_shown") is True


def test_redis_lock_store_serialises_a_conversation(redis_url):
    config = endpoints({"REDIS_URL": redis_url}, action_port=5055)
    lock_store = LockStore.create(EndpointConfig.from_dict(config["lock_store"]))
    conversation_id = f"test-{uuid.uuid4()}"

    async def hold_lock():
        async with lock_store.lock(conversation_id):
            held = lock_store.get_lock(conversation_id)
            # One ticket issued, and it is the one being served: ours, visible to every replica.
            assert held is not None
            assert len(held.tickets) == 1
            assert held.now_serving == held.last_issued
        return lock_store.get_lock(conversation_id)

    assert type(lock_store).__name__ == "AtomicRedisLockStore"
    assert asyncio.run(hold_lock()) is None  # released and removed after use
