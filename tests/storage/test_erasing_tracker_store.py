"""An erased conversation stays erased even though the Rasa server still holds it in memory.

These tests drive Rasa's real SQLTrackerStore and DialogueStateTracker with the project's domain the
way MessageProcessor.handle_message does: retrieve at the start of a turn, update, save at the end.
"""

from __future__ import annotations

import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import read_endpoint_config

from bot.storage import ERASE_REQUESTED_SLOT, erase_conversation, save_assessment
from rasa_addons.tracker_store import ErasingSQLTrackerStore
from tests.storage.rasa_helpers import DOMAIN, run

SENDER = "+85291234567"
OTHER = "web-other"


def stored_events(engine, sender_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender_id}
        ).scalar_one()


def without_timestamps(tracker) -> list[dict]:
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in tracker.events]


def have_a_conversation(store, sender_id: str, turns: int = 2) -> None:
    """Turns as the Rasa server runs them: fetch the tracker, add the turn's events, save."""
    for turn in range(turns):
        tracker = run(store.get_or_create_tracker(sender_id))
        tracker.update(UserUttered(f"I am {30 + turn}", {"name": "inform", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_show_privacy_notice_once"))
        tracker.update(SlotSet("privacy_notice_shown", True))
        tracker.update(BotUttered("Noted."))
        tracker.update(ActionExecuted("action_listen"))
        run(store.save(tracker))


def erase_turn(
    store, sender_id: str, *, action_server_erases: bool, engine=None, returns_marker: bool = True
):
    """The "delete my data" turn. The action server may delete rows mid-turn, as it would in
    action_erase_my_data; its response carries the marker when it succeeded."""
    tracker = run(store.get_or_create_tracker(sender_id))
    tracker.update(UserUttered("yes, delete my data", {"name": "affirm", "confidence": 1.0}))
    if action_server_erases:
        erase_conversation(engine, sender_id)
    tracker.update(ActionExecuted("action_erase_my_data"))
    if returns_marker:
        tracker.update(SlotSet(ERASE_REQUESTED_SLOT, True))
    tracker.update(BotUttered("Done: I have deleted everything I kept about this conversation."))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    return tracker


def test_rasas_own_store_writes_back_rows_deleted_during_a_turn(database, engine, rasa_store):
    """The problem (docs/decisions/0300): Rasa counts stored rows to find new events."""
    have_a_conversation(rasa_store, SENDER)
    erase_turn(rasa_store, SENDER, action_server_erases=True, engine=database.engine)
    assert stored_events(database.engine, SENDER) > 0


def test_the_erasure_marker_deletes_the_conversation_instead_of_saving_it(database, erasing_store):
    have_a_conversation(erasing_store, SENDER)
    have_a_conversation(erasing_store, OTHER)
    others_before = stored_events(database.engine, OTHER)

    erase_turn(erasing_store, SENDER, action_server_erases=False)

    assert stored_events(database.engine, SENDER) == 0
    assert stored_events(database.engine, OTHER) == others_before
    assert run(erasing_store.retrieve(SENDER)) is None


def test_rows_deleted_by_the_action_server_are_not_written_back(database, engine, erasing_store):
    have_a_conversation(erasing_store, SENDER)
    save_assessment(engine, SENDER, {"age": 30}, {})

    erase_turn(erasing_store, SENDER, action_server_erases=True, engine=engine)

    assert stored_events(engine, SENDER) == 0
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM saved_assessments")).scalar_one() == 0


def test_rows_deleted_from_outside_during_a_turn_are_not_written_back_even_without_the_marker(
    database, engine, erasing_store
):
    """An operator's `python -m bot.storage erase` (or a purge) racing a turn in progress."""
    have_a_conversation(erasing_store, SENDER)
    tracker = run(erasing_store.get_or_create_tracker(SENDER))
    tracker.update(UserUttered("I have a master's degree", {"name": "inform", "confidence": 1.0}))
    erase_conversation(engine, SENDER)
    run(erasing_store.save(tracker))
    assert stored_events(engine, SENDER) == 0

    tracker.update(ActionExecuted("action_listen"))
    run(erasing_store.save(tracker))  # a second save of the same turn must not bring it back either
    assert stored_events(engine, SENDER) == 0


def test_saving_an_erased_tracker_again_writes_nothing(database, erasing_store):
    have_a_conversation(erasing_store, SENDER)
    tracker = erase_turn(erasing_store, SENDER, action_server_erases=False)
    tracker.update(BotUttered("Anything else?"))
    run(erasing_store.save(tracker))
    assert stored_events(database.engine, SENDER) == 0


def test_after_erasure_the_next_message_starts_a_fresh_conversation(database, erasing_store):
    have_a_conversation(erasing_store, SENDER)
    erase_turn(erasing_store, SENDER, action_server_erases=False)

    have_a_conversation(erasing_store, SENDER, turns=1)

    tracker = run(erasing_store.retrieve(SENDER))
    texts = [event.text for event in tracker.events if isinstance(event, UserUttered)]
    assert texts == ["I am 30"]
    assert tracker.get_slot(ERASE_REQUESTED_SLOT) is None


def test_an_erase_action_that_failed_erases_nothing(database, erasing_store):
    """Rasa logs ActionExecuted even when the action server is down, so that is not the marker."""
    have_a_conversation(erasing_store, SENDER)
    stored = stored_events(database.engine, SENDER)
    erase_turn(erasing_store, SENDER, action_server_erases=False, returns_marker=False)
    assert stored_events(database.engine, SENDER) == stored + 4


def test_setting_the_marker_slot_to_anything_but_true_erases_nothing(database, erasing_store):
    have_a_conversation(erasing_store, SENDER, turns=1)
    tracker = run(erasing_store.get_or_create_tracker(SENDER))
    tracker.update(SlotSet(ERASE_REQUESTED_SLOT, False))
    run(erasing_store.save(tracker))
    assert stored_events(database.engine, SENDER) == len(tracker.events)


def test_otherwise_it_stores_conversations_exactly_like_rasas_store(database, erasing_store, rasa_store):
    have_a_conversation(erasing_store, "ours", turns=3)
    have_a_conversation(rasa_store, "rasas", turns=3)
    ours = run(erasing_store.retrieve("ours"))
    rasas = run(rasa_store.retrieve("rasas"))
    assert without_timestamps(ours) == without_timestamps(rasas)
    assert stored_events(database.engine, "ours") == stored_events(database.engine, "rasas")


def test_erased_events_are_not_sent_to_an_event_broker(database, erasing_store):
    class RecordingBroker:
        def __init__(self):
            self.published = []

        def publish(self, event):
            self.published.append(event)

    have_a_conversation(erasing_store, SENDER, turns=1)
    erasing_store.event_broker = RecordingBroker()
    have_a_conversation(erasing_store, SENDER, turns=1)
    assert erasing_store.event_broker.published  # streaming works for ordinary turns
    erasing_store.event_broker.published.clear()

    erase_turn(erasing_store, SENDER, action_server_erases=False)

    assert erasing_store.event_broker.published == []


def test_endpoints_yml_can_select_the_erasing_store(database, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    dialect = "sqlite" if database.backend == "sqlite" else "postgresql"
    endpoints.write_text(
        yaml.safe_dump(
            {
                "tracker_store": {
                    "type": "rasa_addons.tracker_store.ErasingSQLTrackerStore",
                    "dialect": dialect,
                    "url": database.url,
                }
            }
        )
    )
    store = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"), domain=DOMAIN)
    try:
        assert isinstance(store, ErasingSQLTrackerStore) and isinstance(store, SQLTrackerStore)
        have_a_conversation(store, SENDER, turns=1)
        erase_turn(store, SENDER, action_server_erases=False)
        assert stored_events(database.engine, SENDER) == 0
    finally:
        store.engine.dispose()
