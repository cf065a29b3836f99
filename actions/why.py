""" "Why do you ask?" at any question: the reason from the rules data, and the schemes it affects."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of
from actions.asking import ASKED_GROUP_SLOT
from bot.conversation.interview import profile, question_for_slot
from bot.conversation.presenting import say, schemes_needing
from bot.engine import assess
from bot.texts import why_we_ask


class ActionExplainQuestion(Action):
    def name(self) -> str:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        asked = question_for_slot(tracker.get_slot("requested_slot") or "")
        if asked is None:
            dispatcher.utter_message(response="utter_why_general")
            return []
        assessment = assess(profile(answers_from(tracker)), as_of(), near_misses=False)
        group = tracker.get_slot(ASKED_GROUP_SLOT) or {}
        # A question asked with others ("Two quick questions: ...") is explained part by part.
        fields = group["members"] if asked.field in group.get("members", ()) else [asked.field]
        reasons = []
        for field in fields:
            schemes = ", ".join(schemes_needing(assessment, field))
            affects = say("why", "affects", schemes=schemes) if schemes else say("why", "no_scheme")
            reasons.append(f"{why_we_ask(field)} {affects}")
        dispatcher.utter_message(text="\n\n".join(reasons))
        return []
