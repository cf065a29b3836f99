"""A SQL tracker store that can forget a conversation without the Rasa server writing it back.

Rasa's ``SQLTrackerStore.save()`` appends the events it believes are new, found by counting the rows
already stored for the sender (``_additional_events``). If rows are deleted behind its back while a
turn is in progress (by the action server, or an operator's ``python -m bot.storage erase``), the
count drops to zero and the whole in-memory tracker is appended again: the erased conversation comes
back. This store erases instead of appending when

* the events of the turn carry the erasure marker ``SlotSet("erase_requested", True)``, which only
  the erasing action returns, and only after it has deleted the sender's other records; or
* rows this store handed out when the turn began have disappeared meanwhile (an erasure or purge from
  outside): the tracker in memory holds data that has been deleted on purpose.

Either way every row of the sender, in all sessions, is deleted in the save's transaction and nothing
is written, nor sent to an event broker. The next message starts a new conversation.
See docs/decisions/0300-erasing-a-conversation.md.

Configure in endpoints.yml::

    tracker_store:
      type: rasa_addons.tracker_store.ErasingSQLTrackerStore
      dialect: sqlite
      url: "sqlite:///var/tracker.db"
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.engine import overwrite_deleted_data_on_sqlite
from bot.storage.erasure import ERASE_REQUESTED_SLOT

logger = logging.getLogger(__name__)

# PostgreSQL: give up on an unreachable server after this long instead of the OS's minutes, since the
# store's calls block the Rasa server's event loop (the user then hears rasa_addons/faults.py's apology).
CONNECT_TIMEOUT_SECONDS = 5

# Set on a tracker this store returned or saved: how many rows of its latest session the store held
# at that moment. The store is shared by all conversations, so this lives on the tracker object.
_ROWS_SEEN_ATTRIBUTE = "_hkta_rows_in_store"
# Set on a tracker whose conversation this store erased: that object holds deleted data, so no later
# save of it may write anything, even without a marker in its unsaved events.
_ERASED_ATTRIBUTE = "_hkta_erased"


def is_erasure_marker(event: Event) -> bool:
    return isinstance(event, SlotSet) and event.key == ERASE_REQUESTED_SLOT and event.value is True


def contains_erasure_marker(events: Iterable[Event]) -> bool:
    return any(is_erasure_marker(event) for event in events)


class ErasingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore, plus erasure that survives the turn in which it happens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ping_pooled_connections()
        if self.engine.dialect.name == "sqlite":
            overwrite_deleted_data_on_sqlite(self.engine)
            self.engine.dispose()  # connections opened before the listener existed lack the pragma

    def _ping_pooled_connections(self) -> None:
        """Rebuild Rasa's engine with ``pool_pre_ping``: after the database was briefly unreachable (or
        restarted), pooled connections are dead, and without a ping the first message would fail again."""
        url = self.engine.url
        options = create_engine_kwargs(url)
        if self.engine.dialect.name == "postgresql":
            options["connect_args"] = {
                **options.get("connect_args", {}),
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            }
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            # `retrieve` returns exactly the rows of the latest session, the ones `save` counts.
            setattr(tracker, _ROWS_SEEN_ATTRIBUTE, len(tracker.events))
        return tracker

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's streaming to an event broker, except for a conversation being erased: its events
        must not be copied elsewhere on their way out."""
        if self.event_broker is None:
            return
        if contains_erasure_marker(tracker.events) or getattr(tracker, _ERASED_ATTRIBUTE, False):
            return
        stored = await super().retrieve(tracker.sender_id)  # not self.retrieve: leave the tracker's count
        rows_seen = getattr(tracker, _ROWS_SEEN_ATTRIBUTE, None)
        if rows_seen is not None and (0 if stored is None else len(stored.events)) < rows_seen:
            return  # erased from outside during the turn; save() will finish the job
        new_events = TrackerEventDiffEngine.event_difference(stored, tracker)
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events to append, or none after deleting the conversation (same transaction as save)."""
        rows_in_store = self._event_query(
            session, tracker.sender_id, fetch_events_from_all_sessions=False
        ).count()
        unsaved = list(itertools.islice(tracker.events, rows_in_store, None))
        rows_seen = getattr(tracker, _ROWS_SEEN_ATTRIBUTE, None)
        erased_by_dialogue = contains_erasure_marker(unsaved)
        erased_from_outside = rows_seen is not None and rows_in_store < rows_seen
        erased_earlier = getattr(tracker, _ERASED_ATTRIBUTE, False)

        if erased_by_dialogue or erased_from_outside or erased_earlier:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == tracker.sender_id)
                .delete(synchronize_session=False)
            )
            # No sender id here: logs must not carry personal data.
            logger.info(
                "Erased a conversation (%d stored events, %d unsaved events discarded; %s).",
                deleted,
                len(unsaved),
                "requested in the dialogue"
                if erased_by_dialogue
                else "already erased earlier in this turn"
                if erased_earlier
                else "its rows were deleted from outside during the turn",
            )
            setattr(tracker, _ROWS_SEEN_ATTRIBUTE, 0)
            setattr(tracker, _ERASED_ATTRIBUTE, True)
            return iter(())

        setattr(tracker, _ROWS_SEEN_ATTRIBUTE, rows_in_store + len(unsaved))
        return iter(unsaved)
