from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def entity(label: str, value: str, text: str) -> dict[str, Any]:
    """An entity as the spaCy extractor reports it, located in ``text``."""
    start = text.index(value)
    return {"entity": label, "value": value, "start": start, "end": start + len(value)}


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "hi",
    intent: str = "greet",
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker as the action server receives it, with only what the actions read."""
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
            },
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
