"""Reading the applicant's answers from the tracker: the one place actions learn slot names."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from rasa_sdk import Tracker

from bot.conversation.interview import questions


def answers_from(tracker: Tracker) -> dict[str, Any]:
    """Every interview slot with a value (skipped ones included)."""
    return {q.slot: tracker.get_slot(q.slot) for q in questions() if tracker.get_slot(q.slot) is not None}


def as_of() -> dt.date:
    """The date whose rules apply: today, or HKTA_AS_OF (YYYY-MM-DD) for reproducible runs and tests."""
    fixed = os.environ.get("HKTA_AS_OF")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.latest_message.get("entities") or [])


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")
