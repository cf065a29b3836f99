"""Rebuild a tracker from its events with one replay, not one per rewind (docs/decisions/0604).

A rewind (``UserUtteranceReverted``, ``ActionReverted``) applies itself by resetting the tracker and
replaying every event so far. Rasa rebuilds a tracker event by event, both when it loads one from the
store (``from_events``) and when it copies one for each action it runs (``travel_back_in_time``), so a
conversation with R rewinds costs R full replays, and R grows with its length: this interview rewinds at
every "why?", "skip", interruption and correction. The state after a rewind depends only on the events up
to it (the reset clears everything an event can set), so replaying once, at the last rewind, and applying
the later events one by one gives the same tracker: same events, slots, active loop, latest message and
action, the same as Rasa's own code would (tests/faults/test_tracker_replay.py checks that on generated
event sequences). Patched once, on import of ``rasa_addons``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from rasa.shared.constants import ASSISTANT_ID_KEY
from rasa.shared.core.events import ActionReverted, Event, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import METADATA_MODEL_ID

# Events whose apply_to is "reset, then replay everything so far" (exact types: a subclass may differ).
REWINDS = (UserUtteranceReverted, ActionReverted)


def _record(tracker: DialogueStateTracker, event: Event) -> None:
    """What DialogueStateTracker.update does before applying the event: stamp and store it."""
    if tracker.model_id and METADATA_MODEL_ID not in event.metadata:
        event.metadata = {**event.metadata, METADATA_MODEL_ID: tracker.model_id}
    if tracker.assistant_id and ASSISTANT_ID_KEY not in event.metadata:
        event.metadata = {**event.metadata, ASSISTANT_ID_KEY: tracker.assistant_id}
    tracker.events.append(event)


def apply_events(tracker: DialogueStateTracker, events: Iterable[Event]) -> DialogueStateTracker:
    """``tracker.update(e)`` for each event, with the events before the last rewind only recorded: the
    last rewind's replay applies them."""
    events = list(events)
    last_rewind = max((n for n, e in enumerate(events) if type(e) in REWINDS), default=0)
    for event in events[:last_rewind]:
        _record(tracker, event)
    for event in events[last_rewind:]:
        tracker.update(event)
    return tracker


_stock_from_events = DialogueStateTracker.from_events.__func__
_stock_travel_back_in_time = DialogueStateTracker.travel_back_in_time


def _from_events(cls, sender_id, evts, slots=None, max_event_history=None, sender_source=None, domain=None):
    return apply_events(cls(sender_id, slots, max_event_history, sender_source), evts)


def _travel_back_in_time(self: DialogueStateTracker, target_time: float) -> DialogueStateTracker:
    return apply_events(
        self.init_copy(), itertools.takewhile(lambda e: e.timestamp <= target_time, self.events)
    )


def install() -> None:
    DialogueStateTracker.from_events = classmethod(_from_events)
    DialogueStateTracker.travel_back_in_time = _travel_back_in_time


def uninstall() -> None:
    """Rasa's own code back (tests compare the two)."""
    DialogueStateTracker.from_events = classmethod(_stock_from_events)
    DialogueStateTracker.travel_back_in_time = _stock_travel_back_in_time
