"""Asking a question that belongs to a group: the group's one question when two or more of its members
are still needed (bot/conversation/groups.py), the question's own text otherwise.

Rasa forms ask a slot with `action_ask_<slot>` when the domain declares one; one class per grouped
slot is made below from the interview data, all sharing this behaviour.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answers_from, as_of
from bot.conversation import groups
from bot.conversation.interview import pending, question_for_slot

ASKED_GROUP_SLOT = "asked_group"
DECLINED_GROUPS_SLOT = "declined_groups"
REFINING_SLOT = "refining"


class ActionAskQuestion(Action, ABC):
    """Abstract until a subclass names its slot, so the action server registers only the real ones."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for (a class attribute in each subclass)."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = answers_from(tracker)
        still_needed = [q.field for q in pending(answers, as_of(), bool(tracker.get_slot(REFINING_SLOT)))]
        field = question_for_slot(self.slot).field
        declined = tracker.get_slot(DECLINED_GROUPS_SLOT) or []
        grouped = groups.ask(field, still_needed, declined, as_of())
        if grouped is None:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
            return [SlotSet(ASKED_GROUP_SLOT, None)]
        dispatcher.utter_message(text=grouped.text, buttons=list(grouped.buttons))
        return [SlotSet(ASKED_GROUP_SLOT, grouped.as_slot())]


def _ask_action_for(slot: str) -> type[ActionAskQuestion]:
    return type(f"ActionAsk_{slot}", (ActionAskQuestion,), {"slot": slot})


GROUPED_SLOTS = list(dict.fromkeys(m.replace(".", "_") for group in groups.groups() for m in group.members))
ASK_ACTIONS = [_ask_action_for(slot) for slot in GROUPED_SLOTS]
