"""Rasa's Redis lock store, with every change to a lock made atomically, so that it locks across replicas.

Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket queue as one JSON value and changes it by
reading it (GET), changing it in Python and writing it back (SET). Between the two, another replica can
do the same: two replicas that take a ticket for the same conversation at once read the same queue,
issue the *same* ticket number, and both believe they are being served. Both then run the turn on the
tracker they fetched, and ``SQLTrackerStore.save()`` appends by counting stored rows, so one turn's
events are lost or interleaved. Releasing has the same race: a replica finishing its turn writes back a
queue read before another replica's ticket was added, dropping that ticket; the other replica then waits
for a ticket that is gone, or the lock is deleted under it and the message fails with ``LockError``.

This store makes each read-modify-write a Redis transaction on the lock's key (WATCH, then MULTI/EXEC,
retried when another client changed the key in between), so tickets are unique and none is lost. The
value's format and key names are Rasa's, so replicas with this store and Rasa's can share a Redis
during a rolling upgrade (though only this one is safe). ``tests/services/test_lock_store.py`` shows the
race with Rasa's class and its absence with this one.

Configure in endpoints.yml (``scripts/runtime_config.py`` does so from REDIS_URL)::

    lock_store:
      type: rasa_addons.lock_store.AtomicRedisLockStore
      url: localhost
      port: 6379
      db: 0
      key_prefix: hkta
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes cannot overwrite each other."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa makes a custom lock store with `cls(endpoint_config=...)`; the settings are those of its own
        # Redis store, which takes the host as `url`.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[Any, T]]) -> T:
        """Apply ``change`` to the stored lock atomically. ``change`` gets the lock (or None) and returns
        (what to store: a TicketLock, or None to delete the key; what to return). It may run more than
        once, when another client changed the lock meanwhile, so it must not have other effects."""
        key = self.key_prefix + conversation_id
        outcome: list[T] = []

        def transaction(pipe: Any) -> None:
            stored = pipe.get(key)  # immediate: the pipeline is in WATCH mode until multi()
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            outcome[:] = [result]

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # Rasa's contract: any failure to take a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove our ticket, and the lock when no ticket is left: one step, so a ticket issued by another
        replica in between is neither dropped nor has its lock deleted."""

        def release(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, release)
