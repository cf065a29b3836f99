"""Questions about a scheme, at any time (also mid-interview): answered from the rules data, with sources."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of, latest_entities
from bot.conversation.presenting import say
from bot.conversation.scheme_questions import answer, fitting_schemes, scheme_names, topic_of

SCHEME_ENTITY = "scheme"  # set by the "which scheme?" buttons
TOPIC_ENTITY = "topic"  # set by the "Documents needed" button and carried by the "which scheme?" buttons


class ActionAnswerSchemeQuestion(Action):
    def name(self) -> str:
        return "action_answer_scheme_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        entities = latest_entities(tracker)
        chosen = [e["value"] for e in entities if e.get("entity") == SCHEME_ENTITY]
        text = tracker.latest_message.get("text") or ""
        if not chosen and any(e.get("entity") == TOPIC_ENTITY for e in entities):
            chosen = fitting_schemes(answers_from(tracker), as_of())  # "Documents needed" under a result
        messages = answer(text, as_of(), scheme_ids=chosen or None)
        if messages is None:
            # Each button carries the topic asked about ("how much is it?"), so the choice answers it.
            topic = topic_of(text)
            extra = {TOPIC_ENTITY: topic} if topic != "what" else {}
            buttons = [
                {
                    "title": name,
                    "payload": f"/ask_scheme_info{json.dumps({SCHEME_ENTITY: scheme_id, **extra})}",
                }
                for scheme_id, name in scheme_names(as_of()).items()
            ]
            dispatcher.utter_message(text=say("scheme_info", "which"), buttons=buttons)
            return []
        for message in messages:
            dispatcher.utter_message(text=message)
        return []
