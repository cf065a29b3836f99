""" "Show my answers": every answer so far, each with a button to change it."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from
from bot.conversation.presenting import answers_summary
from bot.conversation.understanding import ANSWER_FIELD_ENTITY


class ActionShowAnswers(Action):
    def name(self) -> str:
        return "action_show_answers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message, answered = answers_summary(answers_from(tracker))
        buttons = [
            {
                "title": f"Change: {q.label}",
                "payload": "/correct_answer" + json.dumps({ANSWER_FIELD_ENTITY: q.field}),
            }
            for q in answered
        ]
        dispatcher.utter_message(text=message, buttons=buttons)
        return []
