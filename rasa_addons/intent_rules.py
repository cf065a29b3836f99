"""Two messages whose intent is certain from their form, whatever the classifier says (decision 0202).

- A reference code with a digit ("K7M2N9P4QR", "get back my result e7f8g9h2j3") is someone opening a
  saved result: a code exists only once a result is saved, so nobody sends one to save. A classifier
  of word and letter counts sees a code as random letter fragments (DIET gave them to save_result or
  inform).
- A message of nothing but values ("Germany", "28", "about 10 years", "HK$2.5m";
  `bot.conversation.understanding.is_bare_answer`) is an answer (inform). Word and letter counts alone
  cannot tell "Germany" from "xyz".

Every other message keeps the classifier's intent. The rule's intent goes first in the ranking with
confidence 1, and runs before the FallbackClassifier, which then has nothing to fall back from.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.conversation.understanding import is_bare_answer
from bot.storage.codes import reference_code_in

OPEN_RESULT, ANSWER = "open_result", "inform"


def intent_by_form(text: str, entities: list[dict[str, Any]]) -> str | None:
    """The intent a message's form makes certain, or None (then the classifier's stands)."""
    if reference_code_in(text, pieces=1, with_a_digit=True):
        return OPEN_RESULT
    if is_bare_answer(text, entities):
        return ANSWER
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentByForm(GraphComponent, IntentClassifier):
    """Sets the intent of a message whose form makes it certain (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentByForm:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = intent_by_form(message.get(TEXT) or "", message.get(ENTITIES) or [])
            if intent is None:
                continue
            certain = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
            message.set(INTENT, certain, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [certain, *ranking], add_to_output=True)
        return messages
