""" "What if I earned 2.6m?": the comparison with changed answers, leaving the real answers as they are."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of, latest_entities, latest_intent
from bot.conversation.interview import profile_data
from bot.conversation.presenting import render_what_if, say
from bot.conversation.understanding import understand
from bot.whatif import what_if


class ActionWhatIf(Action):
    def name(self) -> str:
        return "action_what_if"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        understood = understand(text, latest_entities(tracker), None, latest_intent(tracker), as_of())
        if not understood.answers:
            dispatcher.utter_message(text=say("what_if", "how"))
            return []
        result = what_if(profile_data(answers_from(tracker)), profile_data(understood.answers), as_of())
        dispatcher.utter_message(text=render_what_if(understood.answers, result))
        return []  # no events: the real answers stay as they are
