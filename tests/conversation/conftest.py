from __future__ import annotations

import datetime as dt

import pytest

from bot.conversation.interview import question_for_slot
from bot.conversation.understanding import Understood, understand
from bot.nlp.build import build_pipeline

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def nlp():
    """The project's real entity pipeline, built in memory (the same one Rasa loads from disk)."""
    return build_pipeline()


@pytest.fixture
def read(nlp):
    """Understand a message as the running assistant would: entities from the pipeline, then our reading."""

    def _read(text: str, asked_slot: str | None = None, intent: str | None = "inform") -> Understood:
        doc = nlp(text)
        entities = [
            {"entity": e.label_, "value": e.text, "start": e.start_char, "end": e.end_char} for e in doc.ents
        ]
        asked = question_for_slot(asked_slot) if asked_slot else None
        return understand(text, entities, asked, intent, AS_OF)

    return _read
