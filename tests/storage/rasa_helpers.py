"""Write and read conversations with Rasa's real classes, as the Rasa server would."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def run(coroutine):
    return asyncio.run(coroutine)


def conversation_events(text: str, started_at: float, turns: int = 2) -> list:
    """A short conversation whose events are timestamped one second apart from ``started_at``."""
    events = [
        ActionExecuted("action_session_start", timestamp=started_at),
        SessionStarted(timestamp=started_at),
        ActionExecuted("action_listen", timestamp=started_at),
    ]
    moment = started_at
    for turn in range(turns):
        moment += 1
        events += [
            UserUttered(f"{text} {turn}", {"name": "inform", "confidence": 1.0}, timestamp=moment),
            SlotSet("privacy_notice_shown", True, timestamp=moment),
            BotUttered("Noted.", timestamp=moment),
            ActionExecuted("action_listen", timestamp=moment),
        ]
    return events


def store_conversation(store: SQLTrackerStore, sender_id: str, events: list) -> None:
    tracker = DialogueStateTracker.from_events(sender_id, events, slots=DOMAIN.slots)
    run(store.save(tracker))
