"""A tracker rebuilt with one replay at its last rewind (rasa_addons/tracker_replay.py) is the tracker
Rasa's own event-by-event rebuild makes, for any sequence of events; and it replays far less."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import AnySlot, FloatSlot, TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons import tracker_replay

SLOTS = [
    TextSlot("nationality", mappings=[{}]),
    FloatSlot("age", mappings=[{}]),
    AnySlot("answers", mappings=[{}]),
]

EVENTS = st.one_of(
    st.builds(
        lambda text, intent: UserUttered(text, {"name": intent, "confidence": 1.0}),
        st.sampled_from(["hi", "I'm 32", "why?", "skip"]),
        st.sampled_from(["greet", "inform", "ask_why", "skip"]),
    ),
    st.builds(
        ActionExecuted, st.sampled_from(["action_listen", "profile_form", "utter_why", "action_show_answers"])
    ),
    st.builds(BotUttered, st.sampled_from(["How old are you?", "Because..."])),
    st.builds(SlotSet, st.just("nationality"), st.sampled_from(["India", "Kenya", None])),
    st.builds(SlotSet, st.just("age"), st.sampled_from([32.0, 35.0, None])),
    st.builds(SlotSet, st.just("answers"), st.sampled_from([{"age": 32}, ["a"], None])),
    st.builds(ActiveLoop, st.sampled_from(["profile_form", None])),
    st.builds(FollowupAction, st.just("profile_form")),
    st.just(UserUtteranceReverted()),
    st.just(ActionReverted()),
    st.just(AllSlotsReset()),
    st.just(Restarted()),
    st.just(SessionStarted()),
)


def timeless(event) -> dict | None:
    """An event as a dict, without the time an empty "latest message" was made at (the reset's time)."""
    return None if event is None else {k: v for k, v in event.as_dict().items() if k != "timestamp"}


def state(tracker: DialogueStateTracker) -> dict:
    return {
        "events": [e.as_dict() for e in tracker.events],
        "slots": {name: slot.value for name, slot in tracker.slots.items()},
        "slots_set": {name: slot.has_been_set for name, slot in tracker.slots.items()},
        "active_loop": tracker.active_loop,
        "latest_message": timeless(tracker.latest_message),
        "latest_action": tracker.latest_action,
        "latest_bot_utterance": timeless(tracker.latest_bot_utterance),
        "followup_action": tracker.followup_action,
        "paused": tracker.is_paused(),
        "applied": [e.as_dict() for e in tracker.applied_events()],
    }


@pytest.fixture
def stock_rasa():
    """Run Rasa's own rebuild, then put ours back (the package installs it on import)."""
    tracker_replay.uninstall()
    try:
        yield
    finally:
        tracker_replay.install()


def with_timestamps(events: list) -> list:
    for n, event in enumerate(events):
        event.timestamp = 1_000.0 + n
    return events


def rebuilt(events: list, stock: bool) -> tuple[dict, dict]:
    """(from_events, travel_back_in_time to the middle event) of a copy of `events`, as dicts."""
    if stock:
        tracker_replay.uninstall()
    try:
        loaded = DialogueStateTracker.from_events("someone", copy.deepcopy(events), copy.deepcopy(SLOTS))
        middle = events[len(events) // 2].timestamp if events else 0.0
        return state(loaded), state(loaded.travel_back_in_time(middle))
    finally:
        tracker_replay.install()


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, max_size=40))
def test_a_rebuilt_tracker_is_the_tracker_rasa_would_rebuild(events):
    events = with_timestamps(events)
    assert rebuilt(events, stock=False) == rebuilt(events, stock=True)


def test_a_copy_is_the_copy_rasa_would_make():
    events = with_timestamps(
        [
            UserUttered("hi", {"name": "greet", "confidence": 1.0}),
            SlotSet("age", 32.0),
            UserUtteranceReverted(),
            SlotSet("nationality", "India"),
            ActiveLoop("profile_form"),
        ]
    )
    ours = DialogueStateTracker.from_events("someone", copy.deepcopy(events), copy.deepcopy(SLOTS))
    assert state(ours.copy()) == state(ours)
    assert ours.get_slot("age") is None and ours.get_slot("nationality") == "India"
    assert ours.active_loop_name == "profile_form"


def test_a_long_conversation_is_replayed_once_not_at_every_rewind(monkeypatch):
    replays = []
    stock_replay = DialogueStateTracker.replay_events
    monkeypatch.setattr(DialogueStateTracker, "replay_events", lambda t: replays.append(1) or stock_replay(t))
    turn = [
        UserUttered("why?", {"name": "ask_why", "confidence": 1.0}),
        ActionExecuted("utter_why"),
        UserUtteranceReverted(),
        SlotSet("age", 32.0),
    ]
    events = with_timestamps([copy.deepcopy(e) for _ in range(100) for e in turn])
    tracker = DialogueStateTracker.from_events("someone", events, copy.deepcopy(SLOTS))
    assert len(replays) == 1, "one replay, at the last of 100 rewinds"
    assert tracker.get_slot("age") == 32.0
    replays.clear()
    tracker.copy()
    assert len(replays) == 1
