"""The entity annotations in data/nlu, read as Rasa reads them, next to what the pipeline finds.

Entities come only from the rule-based spaCy pipeline, so every annotation in data/nlu must be a span the
pipeline produces (same characters, same label), and nothing else. Used by
tests/nlp/test_training_data_agrees.py and bench/nlu.py. It reads data with Rasa,
so it lives with the tests rather than in bot/ (which never imports Rasa).

Rule: the examples of an intent that carries no annotation at all (greet, out_of_scope, what_if, ...)
are not checked; they may well name a country or an amount ("what's the weather in hong kong") that
nobody reads as an answer. Every example of an intent with annotations (inform, correct_answer) must
agree with the pipeline exactly, including examples without any annotation (they must yield nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlp.labels import ENTITY_LABELS

Span = tuple[int, int, str]  # start char, end char, label


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    spans: tuple[Span, ...]  # annotated spans with a pipeline label, sorted

    def show(self, spans: Iterable[Span]) -> str:
        return ", ".join(f"{self.text[start:end]!r}={label}" for start, end, label in spans) or "nothing"


def load_examples(nlu_dir: Path) -> list[Example]:
    """Every NLU example under nlu_dir (Rasa's own loader, so spans are exactly what Rasa trains on)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(nlu_dir))
    examples = []
    for message in data.nlu_examples:
        entities: list[dict[str, Any]] = message.get("entities") or []
        spans = sorted(
            (int(e["start"]), int(e["end"]), str(e["entity"]))
            for e in entities
            if e["entity"] in ENTITY_LABELS
        )
        examples.append(Example(str(message.get("intent")), str(message.get("text")), tuple(spans)))
    return examples


def annotated_examples(nlu_dir: Path) -> list[Example]:
    """The examples whose intent has at least one annotation somewhere (see the module docstring)."""
    examples = load_examples(nlu_dir)
    annotated_intents = {example.intent for example in examples if example.spans}
    return [example for example in examples if example.intent in annotated_intents]


def pipeline_spans(nlp: Any, text: str) -> list[Span]:
    """What the loaded spaCy pipeline tags in text, as Rasa's SpacyEntityExtractor passes it on."""
    return sorted(
        (ent.start_char, ent.end_char, ent.label_) for ent in nlp(text).ents if ent.label_ in ENTITY_LABELS
    )
