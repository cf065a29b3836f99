"""The behaviour every interview form shares, written once.

- Which question comes next is decided by the engine (``bot.conversation.interview.next_question``):
  only answers that can still change an outcome are asked, in the order of ``questions.yaml``.
- One message can answer several questions ("I'm 32, Indian, 8 years in banking"): everything it
  mentions is filled, and the user is told what was understood.
- An answer that can't be read gets a kind, specific hint and the question again; after a few tries
  the question is left unanswered (unknown), so there is always a way forward.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import answers_from, as_of, latest_entities, latest_intent
from actions.asking import ASKED_GROUP_SLOT, DECLINED_GROUPS_SLOT, REFINING_SLOT
from actions.consent import consent_events
from actions.corrections import BEFORE_CHANGE_SLOT
from bot.conversation import groups
from bot.conversation.interview import (
    SKIPPED,
    Question,
    next_question,
    question_for_field,
    question_for_slot,
    questions,
)
from bot.conversation.presenting import describe_changes, say, texts
from bot.conversation.understanding import (
    Understood,
    is_bare_answer,
    names_a_correction,
    understand,
    understand_together,
    without_a_lower_degree,
    yes_or_no,
)

FAILURES_SLOT = "interview_failures"
# Messages with these intents are read as answers. Any other intent ("why?", "show my answers",
# "start over"...) is left to the dialogue rules: returning no events makes the form reject the turn,
# which is how Rasa lets a rule handle an interruption and then resume the form.
ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "skip", "nlu_fallback", "greet", "thank"})
# A bare value under these intents means what the intent says: a correction of another answer, or a
# hypothetical ("what if") that must not become a real answer.
NEVER_READ_AS_ANSWERS = frozenset({"correct_answer", "what_if"})


class InterviewFormValidation(FormValidationAction):
    """Base for interview forms; a subclass only names itself (``validate_<form>``)."""

    @abstractmethod
    def name(self) -> str:
        """``validate_<form name>``. Abstract, so the action server does not register this base."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        answers = answers_from(tracker)
        answered = [q.slot for q in questions() if q.slot in answers]
        # An answer the user asked to change is asked again, whether or not any scheme still needs it
        # ("Change: Good English" after the result showed the result again instead of asking).
        changing = [s for s in tracker.get_slot(BEFORE_CHANGE_SLOT) or {} if s not in answers]
        upcoming = next_question(answers, as_of(), refine=bool(tracker.get_slot(REFINING_SLOT)))
        return answered + changing + ([upcoming.slot] if upcoming else [])

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = self.answer_events(dispatcher, tracker)
        if any(e.get("event") == "slot" and question_for_slot(e.get("name") or "") for e in events):
            events += consent_events(tracker, domain)  # answering after the notice is agreeing to it
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Always ours: rasa-sdk defers to Rasa when the list happens to equal the domain's, which it may."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return SlotSet(REQUESTED_SLOT, next((s for s in required if tracker.slots.get(s) is None), None))

    def answer_events(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        asked = question_for_slot(tracker.get_slot("requested_slot") or "")
        if asked is not None and not self.form_spoke_last(tracker):
            return []
        asked_group = tracker.get_slot(ASKED_GROUP_SLOT)
        in_group = asked is not None and bool(asked_group) and asked.field in asked_group["members"]
        intent, message = latest_intent(tracker), tracker.latest_message.get("text") or ""
        entities = latest_entities(tracker)
        answers = answers_from(tracker)
        if (
            intent == "correct_answer"
            and asked
            and not names_a_correction(message, entities, as_of(), answers)
        ):
            intent = "inform"  # a "correction" naming nothing to change answers the question asked
        # Another intent is an interruption for the rules, unless the message is nothing but an answer to
        # this question ("Germany", "28"): then the classifier's intent cannot be what was meant.
        bare = asked is not None and intent not in ANSWER_INTENTS
        if bare and (
            in_group or intent in NEVER_READ_AS_ANSWERS or not is_bare_answer(message, entities, asked.kind)
        ):
            return []
        if in_group:
            return self.group_answer_events(dispatcher, tracker, asked, asked_group, intent, answers)
        understood = understand(message, entities, asked, "inform" if bare else intent, as_of())
        without_a_lower_degree(understood, answers, asked)
        if bare and understood.answers.get(asked.slot, SKIPPED) == SKIPPED:
            return []
        events: list[EventType] = [SlotSet(slot, value) for slot, value in understood.answers.items()]
        volunteered = {
            slot: v for slot, v in understood.answers.items() if asked is None or slot != asked.slot
        }
        self.say_back(dispatcher, understood, with_answers=bool(volunteered))
        if asked is not None and understood.answers.get(asked.slot) == SKIPPED:
            events += self.earlier_answer_kept(dispatcher, tracker, asked.slot)
        if asked is not None and asked.slot not in understood.answers:
            hint = not understood.explained
            events += self.not_understood(dispatcher, tracker, asked.slot, asked.kind, hint=hint)
        elif asked is not None:
            events.append(SlotSet(FAILURES_SLOT, {}))
        return events

    def form_spoke_last(self, tracker: Tracker) -> bool:
        """Whether the user is replying to the form's own question. After another question ("Delete your
        data?", "Start over?") a "yes" answers that question: the form declines the turn and the rules
        handle it."""
        seen_user = False
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                seen_user = True
            elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
                return event.get("name") == self.form_name()
        return True  # nothing said before: the form's first turn

    def group_answer_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        asked: Question,
        asked_group: dict[str, Any],
        intent: str | None,
        answers: dict[str, Any],
    ) -> list[EventType]:
        """The answer to a group question: all its members at once, or one by one after a "no"."""
        text = tracker.latest_message.get("text") or ""
        members = [question_for_field(m) for m in asked_group["members"]]
        done: list[EventType] = [SlotSet(ASKED_GROUP_SLOT, None), SlotSet(FAILURES_SLOT, {})]
        if intent == "skip":
            return [SlotSet(q.slot, SKIPPED) for q in members if q] + done
        if asked_group["kind"] == "together":
            return self.together_answer_events(dispatcher, tracker, asked, members, done, intent, answers)
        answer = yes_or_no(text, intent)
        values = groups.read(asked_group, text, answer is True, answer is False, as_of())
        if values is not None:
            return [SlotSet(question_for_field(f).slot, v) for f, v in values.items()] + done
        if asked_group["kind"] == "all_yes" and answer is False:
            declined = [*(tracker.get_slot(DECLINED_GROUPS_SLOT) or []), asked_group["name"]]
            return [SlotSet(DECLINED_GROUPS_SLOT, declined), SlotSet(asked.slot, None), *done]
        kind = "checklist" if asked_group["kind"] == "checklist" else "yes_no"
        return self.not_understood(dispatcher, tracker, asked.slot, kind)

    def together_answer_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        asked: Question,
        members: list[Question],
        done: list[EventType],
        intent: str | None,
        answers: dict[str, Any],
    ) -> list[EventType]:
        """A reply to questions asked together: each answer it gives, said back so a misreading shows at
        once; a question it leaves out is asked on its own next."""
        text = tracker.latest_message.get("text") or ""
        understood = understand_together(text, latest_entities(tracker), members, intent, as_of())
        without_a_lower_degree(understood, answers, asked)
        if not understood.answers:
            return self.not_understood(dispatcher, tracker, asked.slot, "together")
        self.say_back(dispatcher, understood, with_answers=True)
        events = [SlotSet(slot, value) for slot, value in understood.answers.items()]
        if not any(q.slot in understood.answers for q in members):
            # It told us something else ("my bachelor's was at the University of Manchester"): kept and
            # said back, and the questions come again, as they were not answered, with no "didn't catch".
            return [*events, SlotSet(asked.slot, None)]
        return events + done

    @staticmethod
    def say_back(dispatcher: CollectingDispatcher, understood: Understood, with_answers: bool) -> None:
        """ "Got it: ..." with the answers read (when there is more than the plain answer asked for), then
        how we read them ("I read 800,000 CNY as about HK$855,200 ...")."""
        if with_answers:
            dispatcher.utter_message(
                text=say("answers", "understood", changes=describe_changes(understood.answers))
            )
        for note in understood.notes:
            dispatcher.utter_message(text=note)

    @staticmethod
    def earlier_answer_kept(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> list[EventType]:
        """After "change my age" asked it again, a skip or no usable reply keeps the earlier answer (said
        back); the events put it back. None if there was no earlier answer."""
        before = dict(tracker.get_slot(BEFORE_CHANGE_SLOT) or {})
        if slot not in before:
            return []
        earlier = before.pop(slot)
        dispatcher.utter_message(text=say("answers", "kept", changes=describe_changes({slot: earlier})))
        return [SlotSet(slot, earlier), SlotSet(BEFORE_CHANGE_SLOT, before)]

    def not_understood(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, kind: str, hint: bool = True
    ) -> list[EventType]:
        """A hint (unless a note has already said what was wrong) and the question again; after a few
        tries, leave it unknown and move on."""
        failures: dict[str, Any] = dict(tracker.get_slot(FAILURES_SLOT) or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] >= texts()["max_failed_attempts"]:
            failures.pop(slot)
            kept = self.earlier_answer_kept(dispatcher, tracker, slot)
            if not kept:
                dispatcher.utter_message(text=texts()["gave_up"])
            return [SlotSet(slot, SKIPPED), *kept, SlotSet(FAILURES_SLOT, failures)]
        if hint:
            dispatcher.utter_message(text=texts()["reask"][kind])
        # Setting the asked slot (to None) tells the form the answer was handled: it asks again
        # instead of rejecting the message.
        return [SlotSet(slot, None), SlotSet(FAILURES_SLOT, failures)]
