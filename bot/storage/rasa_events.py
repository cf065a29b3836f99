"""Rasa's conversation table, seen from outside Rasa.

Rasa's SQLTrackerStore creates and owns ``events(id, sender_id, type_name, timestamp, intent_name,
action_name, data)``; ``timestamp`` is seconds since the epoch (a float). We reflect the table rather
than define it, so nothing here can create, alter or drop it, and a database where Rasa has not run
yet simply has no conversations to delete.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

RASA_EVENTS_TABLE = "events"


def rasa_events_table(connection: Connection) -> sa.Table | None:
    """The reflected ``events`` table, or None when Rasa has not created it in this database."""
    if not sa.inspect(connection).has_table(RASA_EVENTS_TABLE):
        return None
    return sa.Table(
        RASA_EVENTS_TABLE,
        sa.MetaData(),
        autoload_with=connection,
        include_columns=["id", "sender_id", "timestamp"],  # all we need; `data` can be large
    )
