"""The entity annotations in data/nlu are exactly what the project's spaCy pipeline extracts.

Entities come only from the rule-based pipeline (DIET has entity_recognition: false), and the NLU bench
scores the pipeline against these annotations, so they must agree span for span and label for label.
Examples of intents without any annotation (greet, out_of_scope, what_if, ...) are not checked: see
tests/nlp/training_data.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.labels import ENTITY_LABELS
from tests.nlp.training_data import annotated_examples, load_examples, pipeline_spans

NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
EXAMPLES = annotated_examples(NLU_DIR)


def test_some_intents_carry_annotations():
    intents = {example.intent for example in EXAMPLES if example.spans}
    assert {"inform", "correct_answer"} <= intents
    assert sum(len(example.spans) for example in EXAMPLES) >= 50


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.intent}:{e.text[:40]}" for e in EXAMPLES])
def test_annotations_are_what_the_pipeline_finds(project_nlp, example):
    found = pipeline_spans(project_nlp, example.text)
    assert list(example.spans) == found, (
        f"{example.intent}: {example.text!r}\n  annotated: {example.show(example.spans)}"
        f"\n  pipeline:  {example.show(found)}"
    )


def test_every_label_is_exercised():
    labels = {span[2] for example in EXAMPLES for span in example.spans}
    assert labels == set(ENTITY_LABELS)


def test_no_duplicate_examples():
    seen: dict[str, str] = {}
    for example in load_examples(NLU_DIR):
        key = " ".join(example.text.lower().split())
        assert key not in seen, f"{example.text!r} is under {seen[key]} and {example.intent}"
        seen[key] = example.intent
