""" "Delete my data": everything we hold about one conversation.

Deleting Rasa's rows from outside the Rasa server is not enough while that server is handling the
same conversation: its SQLTrackerStore would write the in-memory tracker back on the next save (see
docs/decisions/0300-erasing-a-conversation.md). So an erasure started in the dialogue works in two
halves: the action server calls ``erase_conversation`` and returns the marker
``SlotSet(ERASE_REQUESTED_SLOT, True)``; the Rasa server's ``ErasingSQLTrackerStore`` sees the marker
when it saves that turn and deletes the conversation's rows instead of appending to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.storage.identity import hash_sender_id
from bot.storage.models import Consent, SavedAssessment
from bot.storage.rasa_events import rasa_events_table

# The slot an erasing action sets to True. The tracker store (rasa_addons.tracker_store) erases the
# conversation when a save carries this event. In domain.yml it should be a bool slot with a custom
# mapping and influence_conversation: false, so only an action can set it.
ERASE_REQUESTED_SLOT = "erase_requested"


@dataclass(frozen=True)
class ErasureReport:
    """How many rows were deleted; never which sender."""

    tracker_events: int
    saved_assessments: int
    consents: int

    @property
    def anything_erased(self) -> bool:
        return bool(self.tracker_events or self.saved_assessments or self.consents)

    def summary(self) -> str:
        return (
            f"erased {self.tracker_events} tracker events, {self.saved_assessments} saved assessments, "
            f"{self.consents} consents"
        )


def erase_conversation(
    engine: Engine, sender_id: str, *, include_tracker_events: bool = True
) -> ErasureReport:
    """Delete this sender's tracker events (all sessions), saved assessments and consents, atomically.

    ``include_tracker_events=False`` leaves Rasa's rows to the tracker store, for callers that know
    the store will erase them itself; deleting them here as well is harmless with the erasing store.
    """
    sender_hash = hash_sender_id(sender_id)
    with engine.begin() as connection:
        tracker_events = 0
        events = rasa_events_table(connection) if include_tracker_events else None
        if events is not None:
            tracker_events = connection.execute(
                sa.delete(events).where(events.c.sender_id == sender_id)
            ).rowcount
        saved_assessments = _delete_by_sender_hash(connection, SavedAssessment.__table__, sender_hash)
        consents = _delete_by_sender_hash(connection, Consent.__table__, sender_hash)
    return ErasureReport(tracker_events, saved_assessments, consents)


def _delete_by_sender_hash(connection: Connection, table: sa.Table, sender_hash: str) -> int:
    # Before the first `migrate` there is nothing of ours to erase.
    if not sa.inspect(connection).has_table(table.name):
        return 0
    return connection.execute(sa.delete(table).where(table.c.sender_hash == sender_hash)).rowcount
