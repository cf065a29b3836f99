""" "Delete my data": erase everything stored for this conversation, after the user confirmed."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from bot.conversation.presenting import say
from bot.storage import ERASE_REQUESTED_SLOT, erase_conversation, storage_engine

logger = logging.getLogger(__name__)


@cache
def storage() -> Engine:
    """Our tables live in DATABASE_URL, the database the Rasa server keeps conversations in."""
    return storage_engine()


class ActionEraseMyData(Action):
    """Deletes this sender's saved results and consents, and marks the turn so that the tracker store
    deletes the conversation itself instead of writing it back (docs/decisions/0300)."""

    def name(self) -> str:
        return "action_erase_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            erase_conversation(storage(), tracker.sender_id)
        except exc.SQLAlchemyError as error:
            logger.error("erasure failed: %s", type(error).__name__)  # no sender id, no statement
            dispatcher.utter_message(text=say("privacy", "erase_failed"))
            return []
        dispatcher.utter_message(text=say("privacy", "erased"))
        return [ActiveLoop(None), SlotSet(ERASE_REQUESTED_SLOT, True)]
