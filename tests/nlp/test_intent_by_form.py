"""Messages whose form makes the intent certain (rasa_addons/intent_rules.py, decision 0202)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def classify(nlp):
    """text, the classifier's intent -> intent, ranking after IntentByForm, with the pipeline's entities."""
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from rasa_addons.intent_rules import IntentByForm

    component = IntentByForm()

    def run(text: str, classifier_intent: str = "out_of_scope"):
        entities = [{"entity": e.label_, "start": e.start_char, "end": e.end_char} for e in nlp(text).ents]
        classified = {"name": classifier_intent, "confidence": 0.6}
        message = Message(
            data={
                TEXT: text,
                ENTITIES: entities,
                INTENT: classified,
                INTENT_RANKING_KEY: [classified, {"name": "inform", "confidence": 0.3}],
            }
        )
        component.process([message])
        return message.get(INTENT), message.get(INTENT_RANKING_KEY)

    return run


@pytest.mark.parametrize("text", ["K7M2N9P4QR", "get back my result e7f8g9h2j3", "here: 5gt8h-j2kpq"])
def test_a_reference_code_opens_a_saved_result(classify, text):
    intent, ranking = classify(text, classifier_intent="save_result")
    assert intent == {"name": "open_result", "confidence": 1.0}
    assert ranking[0] == intent and [r["name"] for r in ranking].count("open_result") == 1


@pytest.mark.parametrize("text", ["Germany", "28", "about 10 years", "HK$2.5m", "i'm from India"])
def test_a_message_of_nothing_but_values_is_an_answer(classify, text):
    intent, ranking = classify(text)
    assert intent["name"] == "inform" and intent["confidence"] == 1.0
    assert [r["name"] for r in ranking] == ["inform", "out_of_scope"]  # the classifier's own guesses follow


@pytest.mark.parametrize(
    ("text", "classifier_intent"),
    [
        ("xyz", "out_of_scope"),
        ("germany work visa", "out_of_scope"),
        ("save my result", "save_result"),
        ("ABCDEFGHJK", "greet"),  # ten letters of the alphabet, no digit: a word as often as a code
        ("not 30, i'm 31", "correct_answer"),
    ],
)
def test_anything_else_keeps_the_classifiers_intent(classify, text, classifier_intent):
    intent, _ = classify(text, classifier_intent)
    assert intent == {"name": classifier_intent, "confidence": 0.6}


def test_the_rules_run_after_the_classifier_and_before_the_fallback():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    names = [component["name"].rsplit(".", 1)[-1] for component in pipeline]
    order = [names.index(name) for name in ("LinearIntentClassifier", "IntentByForm", "FallbackClassifier")]
    assert order == sorted(order)
