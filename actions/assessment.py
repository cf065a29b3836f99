"""The result: the engine's assessment as plain-language messages and as a structured payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of
from actions.asking import REFINING_SLOT
from bot.conversation.interview import profile, refinements_available
from bot.conversation.presenting import render_assessment, say
from bot.engine import assess


class ActionAssess(Action):
    def name(self) -> str:
        return "action_assess"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = answers_from(tracker)
        assessment = assess(profile(answers), as_of())
        for message in render_assessment(assessment, answers):
            dispatcher.utter_message(text=message)
        # Widgets draw this as a card; channels without custom payloads show the texts above.
        dispatcher.utter_message(json_message={"type": "assessment", "assessment": assessment})
        more = refinements_available(answers, assessment) if not tracker.get_slot(REFINING_SLOT) else 0
        if more:
            button = {"title": say("result", "refine_button"), "payload": "/refine_result"}
            dispatcher.utter_message(text=say("result", "refine_offer", count=more), buttons=[button])
        return []


class ActionStartRefining(Action):
    """The applicant wants the sharpest QMAS picture: the interview now also asks the open criteria."""

    def name(self) -> str:
        return "action_start_refining"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet(REFINING_SLOT, True)]
