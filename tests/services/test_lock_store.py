"""The Redis lock store across replicas: each store object here stands for one Rasa server. Another
replica's change is made to land between this one's read and write of the lock, the window in which
Rasa's own RedisLockStore loses it (rasa_addons/lock_store.py)."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.lock_store import AtomicRedisLockStore
from scripts.runtime_config import endpoints


@pytest.fixture
def lock_config(redis_url):
    return endpoints({"REDIS_URL": redis_url}, action_port=5055)["lock_store"]


@pytest.fixture
def conversation_id(lock_config):
    conversation_id = f"test-lock-{uuid.uuid4()}"
    yield conversation_id
    client = redis.Redis(host=lock_config["url"], port=lock_config["port"], db=lock_config["db"])
    client.delete(f"{lock_config['key_prefix']}:lock:{conversation_id}")


def replica(lock_config, cls=None) -> LockStore:
    if cls is None:  # as Rasa makes it from endpoints.yml
        return LockStore.create(EndpointConfig.from_dict(lock_config))
    settings = {key: value for key, value in lock_config.items() if key not in ("type", "url")}
    return cls(host=lock_config["url"], **settings)


class RasaReplicaInterrupted(RedisLockStore):
    """Rasa's store; right after its first read of the lock, `meanwhile` runs (another replica)."""

    meanwhile = None

    def get_lock(self, conversation_id):
        lock = super().get_lock(conversation_id)
        if self.meanwhile:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return lock


class AtomicReplicaInterrupted(AtomicRedisLockStore):
    """Ours; right after its first read of the lock, inside the transaction, `meanwhile` runs."""

    meanwhile = None

    def _change(self, conversation_id, change):
        def interrupted_change(lock):
            if self.meanwhile:
                meanwhile, self.meanwhile = self.meanwhile, None
                meanwhile()
            return change(lock)

        return super()._change(conversation_id, interrupted_change)


def test_endpoints_from_redis_url_make_the_atomic_lock_store(lock_config):
    assert type(replica(lock_config)) is AtomicRedisLockStore


def test_rasas_redis_lock_store_gives_two_replicas_the_same_ticket(lock_config, conversation_id):
    # Why rasa_addons/lock_store.py exists: if this starts failing, Rasa has fixed its store.
    first, second = replica(lock_config, RasaReplicaInterrupted), replica(lock_config, RedisLockStore)
    taken = []
    first.meanwhile = lambda: taken.append(second.issue_ticket(conversation_id))
    taken.append(first.issue_ticket(conversation_id))
    assert taken[0] == taken[1]  # both replicas would be served at once


def test_replicas_taking_a_ticket_at_the_same_moment_get_different_ones(lock_config, conversation_id):
    first, second = replica(lock_config, AtomicReplicaInterrupted), replica(lock_config)
    taken = []
    first.meanwhile = lambda: taken.append(second.issue_ticket(conversation_id))
    taken.append(first.issue_ticket(conversation_id))
    assert taken == [0, 1]  # the second replica's ticket came first; the first replica's read is retried
    lock = second.get_lock(conversation_id)
    assert [ticket.number for ticket in lock.tickets] == [0, 1]
    assert not lock.is_locked(0) and lock.is_locked(1)


def test_finishing_a_turn_keeps_a_ticket_another_replica_took_meanwhile(lock_config, conversation_id):
    first, second = replica(lock_config, AtomicReplicaInterrupted), replica(lock_config)
    mine = first.issue_ticket(conversation_id)
    theirs = []
    first.meanwhile = lambda: theirs.append(second.issue_ticket(conversation_id))
    first.cleanup(conversation_id, mine)
    lock = second.get_lock(conversation_id)
    assert lock is not None, "the lock was deleted with the other replica's ticket in it"
    assert [ticket.number for ticket in lock.tickets] == theirs
    assert not lock.is_locked(theirs[0])  # now the other replica is served
    second.cleanup(conversation_id, theirs[0])
    assert second.get_lock(conversation_id) is None  # the last one out removes the lock


def test_turns_on_many_replicas_at_once_never_overlap(lock_config, conversation_id):
    # Eight replicas, each in its own thread and event loop, take the conversation's lock five times and
    # do a read-then-write on a shared counter while holding it: any overlap loses an increment.
    client = redis.Redis(host=lock_config["url"], port=lock_config["port"], db=lock_config["db"])
    counter = f"{lock_config['key_prefix']}:test-counter:{conversation_id}"
    client.set(counter, 0)
    errors = []

    def replica_turns():
        store = replica(lock_config)

        async def turns():
            for _ in range(5):
                async with store.lock(conversation_id, wait_time_in_seconds=0.01):
                    value = int(client.get(counter))
                    await asyncio.sleep(0.005)
                    client.set(counter, value + 1)

        try:
            asyncio.run(turns())
        except Exception as error:  # reported below: an exception in a thread would pass silently
            errors.append(error)

    threads = [threading.Thread(target=replica_turns) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert int(client.get(counter)) == 8 * 5
        assert replica(lock_config).get_lock(conversation_id) is None
    finally:
        client.delete(counter)
