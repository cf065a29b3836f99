"""The result: the engine's assessment as plain-language messages and as a structured payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of
from bot.conversation.interview import profile
from bot.conversation.presenting import render_assessment
from bot.engine import assess


class ActionAssess(Action):
    def name(self) -> str:
        return "action_assess"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        assessment = assess(profile(answers_from(tracker)), as_of())
        for message in render_assessment(assessment):
            dispatcher.utter_message(text=message)
        # Widgets draw this as a card; channels without custom payloads show the texts above.
        dispatcher.utter_message(json_message={"type": "assessment", "assessment": assessment})
        return []
