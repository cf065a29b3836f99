""" "Save my result" gives a short reference code; the code reopens the result later, on any channel."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import exc

from actions.answers import answers_from, as_of
from actions.privacy import storage
from bot.conversation.interview import profile, profile_data
from bot.conversation.presenting import format_date, render_assessment, say
from bot.engine import assess
from bot.storage import load_assessment, reference_code_in, save_assessment

logger = logging.getLogger(__name__)


class ActionSaveResult(Action):
    def name(self) -> str:
        return "action_save_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        code = reference_code_in(tracker.latest_message.get("text") or "", with_a_digit=True)
        if code:
            # Someone who sends a code is opening a result: a code exists only once saved. (The classifier
            # can take "open result 7KQ2MX8PZ4" for saving; words alone rarely make a code with a digit.)
            return open_result(dispatcher, code)
        answers = answers_from(tracker)
        assessment = assess(profile(answers), as_of())
        try:
            code = save_assessment(storage(), tracker.sender_id, profile_data(answers), assessment)
        except exc.SQLAlchemyError as error:
            logger.error("saving a result failed: %s", type(error).__name__)
            dispatcher.utter_message(text=say("saved", "failed"))
            return []
        dispatcher.utter_message(text=say("saved", "code", code=code))
        return []


class ActionOpenResult(Action):
    def name(self) -> str:
        return "action_open_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return open_result(dispatcher, reference_code_in(tracker.latest_message.get("text") or ""))


def open_result(dispatcher: CollectingDispatcher, code: str | None) -> list[dict[str, Any]]:
    """The saved result with this code, as it was sent then; a kind answer when there is none."""
    saved = load_assessment(storage(), code) if code else None
    if saved is None:
        dispatcher.utter_message(text=say("saved", "not_found"))
        return []
    assessment = saved["assessment"]
    dispatcher.utter_message(text=say("saved", "opened", day=format_date(saved["created_at"][:10])))
    for message in render_assessment(assessment):
        dispatcher.utter_message(text=message)
    dispatcher.utter_message(json_message={"type": "assessment", "assessment": assessment})
    return []
