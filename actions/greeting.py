"""Conversation housekeeping: the privacy notice and starting over. No business rules."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

PRIVACY_SLOT = "privacy_notice_shown"
CONSENT_SLOT = "privacy_consent_recorded"  # see actions/consent.py


class ActionShowPrivacyNoticeOnce(Action):
    """Shows the privacy notice the first time only, so a returning user is not told twice."""

    def name(self) -> str:
        return "action_show_privacy_notice_once"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot(PRIVACY_SLOT):
            return []
        dispatcher.utter_message(response="utter_privacy_notice")
        return [SlotSet(PRIVACY_SLOT, True)]


class ActionStartOver(Action):
    """Clears every answer once the user has confirmed, and leaves any interview; the privacy notice
    and the consent to it stay acknowledged."""

    def name(self) -> str:
        return "action_start_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [ActiveLoop(None), AllSlotsReset()]
        for kept in (PRIVACY_SLOT, CONSENT_SLOT):
            if tracker.get_slot(kept):
                events.append(SlotSet(kept, True))
        return events


class ActionRestartAsksFirst(Action):
    """Replaces Rasa's built-in `action_restart`, which a typed "/restart" (or a channel's restart
    command) runs at once, silently wiping every answer. Here it asks first, as "start over" does; the
    rules in data/rules then clear the answers only on a yes."""

    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_start_over")
        return []
