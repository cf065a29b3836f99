"""Changing an answer at any time: "actually I'm 35", "change my income to 2.6m", "I got the degree wrong"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of, latest_entities, latest_intent
from bot.conversation.interview import SKIPPED, question_for_field
from bot.conversation.presenting import describe_changes, say
from bot.conversation.understanding import (
    ANSWER_FIELD_ENTITY,
    field_named_in,
    understand,
    university_named_alone,
)

# The answer a change without a new value cleared, kept until a new one is given: a "skip" or three
# unreadable replies then put it back (actions/form_base.py) instead of losing it.
BEFORE_CHANGE_SLOT = "answer_before_change"


class ActionCorrectAnswer(Action):
    """Sets the new value when the message has one; otherwise clears the named answer so it is asked again,
    remembering it so that nothing is lost if no new one comes.

    What comes next (asking again, recomputing the result) is the profile form's job: the rules run it
    after this action.
    """

    def name(self) -> str:
        return "action_correct_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        entities = latest_entities(tracker)
        named_by_button = next(
            (e.get("value") for e in entities if e.get("entity") == ANSWER_FIELD_ENTITY), None
        )
        text = tracker.latest_message.get("text") or ""
        if named_by_button is None:
            understood = understand(text, entities, None, latest_intent(tracker), as_of())
            changes = understood.answers or university_named_alone(entities, answers_from(tracker))
            if changes:
                dispatcher.utter_message(text=say("answers", "updated", changes=describe_changes(changes)))
                for note in understood.notes:
                    dispatcher.utter_message(text=note)
                return [SlotSet(slot, value) for slot, value in changes.items()]
        question = question_for_field(named_by_button) if named_by_button else field_named_in(text)
        if question is None and tracker.active_loop_name and tracker.get_slot("requested_slot"):
            return []  # nothing named to change, at a question: the form reads it as the answer
        if question is None:
            show = {"title": say("answers", "show_button"), "payload": "/show_answers"}
            dispatcher.utter_message(text=say("answers", "which"), buttons=[show])
            return []
        dispatcher.utter_message(text=say("answers", "redo", label=question.label))
        earlier = tracker.get_slot(question.slot)
        before = dict(tracker.get_slot(BEFORE_CHANGE_SLOT) or {})
        if earlier is not None and earlier != SKIPPED:
            before[question.slot] = earlier
        return [SlotSet(question.slot, None), SlotSet(BEFORE_CHANGE_SLOT, before)]
