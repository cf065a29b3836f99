"""The linear intent classifier (rasa_addons/linear_intent.py, decision 0203), on hand-made features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
import yaml

ROOT = Path(__file__).resolve().parents[2]

# Two "featurizers": four word columns and two letter-n-gram columns.
WORDS = {"hello": 0, "hi": 1, "visa": 2, "apply": 3}
TRAINING = [
    ("greet", ["hello"]),
    ("greet", ["hi"]),
    ("greet", ["hello", "hi"]),
    ("check_eligibility", ["visa"]),
    ("check_eligibility", ["apply", "visa"]),
    ("check_eligibility", ["apply"]),
]


def message(words: list[str], intent: str | None = None):
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    data = {TEXT: " ".join(words)}
    if intent:
        data[INTENT] = intent
    result = Message(data=data)
    if not words:
        return result
    counts = np.zeros((1, len(WORDS)))
    for word in words:
        counts[0, WORDS[word]] += 1
    letters = np.array([[float("h" in " ".join(words)), float("v" in " ".join(words))]])
    result.add_features(Features(scipy.sparse.coo_matrix(counts), "sentence", TEXT, "words"))
    result.add_features(Features(scipy.sparse.coo_matrix(letters), "sentence", TEXT, "letters"))
    return result


@pytest.fixture
def storage(tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    return LocalModelStorage(tmp_path), Resource("linear_intent")


@pytest.fixture
def context():
    from rasa.engine.graph import ExecutionContext, GraphSchema

    return ExecutionContext(GraphSchema({}), "linear_intent")


def trained(storage, context, **config):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from rasa_addons.linear_intent import LinearIntentClassifier

    model_storage, resource = storage
    component = LinearIntentClassifier.create(config, model_storage, resource, context)
    component.train(TrainingData([message(words, intent) for intent, words in TRAINING]))
    return component


def classify(component, words: list[str]):
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

    [result] = component.process([message(words)])
    return result.get(INTENT), result.get(INTENT_RANKING_KEY)


@pytest.mark.parametrize("normalise", ["message", "featurizer"])
def test_it_learns_the_intents_and_ranks_them_by_probability(storage, context, normalise):
    component = trained(storage, context, normalise=normalise)
    intent, ranking = classify(component, ["hello"])
    assert intent["name"] == "greet" and intent == ranking[0]
    assert classify(component, ["apply", "visa"])[0]["name"] == "check_eligibility"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)


def test_a_larger_c_gives_more_confident_answers(storage, context):
    gentle = classify(trained(storage, context, C=0.5), ["hello"])[0]["confidence"]
    sharp = classify(trained(storage, context, C=50), ["hello"])[0]["confidence"]
    assert 0.5 < gentle < sharp


def test_the_loaded_model_predicts_exactly_what_the_trained_one_did(storage, context):
    from rasa_addons.linear_intent import LinearIntentClassifier

    component = trained(storage, context, normalise="featurizer")
    model_storage, resource = storage
    loaded = LinearIntentClassifier.load({"normalise": "featurizer"}, model_storage, resource, context)
    for words in (["hello"], ["visa"], ["hi", "apply"]):
        assert classify(loaded, words) == classify(component, words)


def test_a_model_without_weights_refuses_to_load_instead_of_running_untrained(storage, context):
    from rasa_addons.linear_intent import LinearIntentClassifier, UntrainedModelError

    model_storage, resource = storage
    with pytest.raises(UntrainedModelError, match="train it again"):
        LinearIntentClassifier.load({}, model_storage, resource, context)


def test_an_empty_message_gets_the_prior_not_an_error(storage, context):
    intent, ranking = classify(trained(storage, context), [])
    assert intent["name"] in {"greet", "check_eligibility"} and len(ranking) == 2


def test_the_ranking_is_cut_to_the_configured_length(storage, context):
    _, ranking = classify(trained(storage, context, ranking_length=1), ["hello"])
    assert len(ranking) == 1


def test_the_project_classifies_intents_with_it_before_the_intent_rules():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    names = [component["name"].rsplit(".", 1)[-1] for component in pipeline]
    assert "DIETClassifier" not in names
    order = [names.index(name) for name in ("LinearIntentClassifier", "IntentByForm", "FallbackClassifier")]
    assert order == sorted(order)
