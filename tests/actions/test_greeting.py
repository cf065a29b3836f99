import asyncio

from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet

from actions.greeting import ActionRestartAsksFirst, ActionShowPrivacyNoticeOnce, ActionStartOver
from tests.actions.conftest import make_tracker


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, domain={}))


def test_privacy_notice_is_shown_the_first_time_and_remembered(dispatcher):
    events = run(ActionShowPrivacyNoticeOnce(), dispatcher, make_tracker())
    assert [m["response"] for m in dispatcher.messages] == ["utter_privacy_notice"]
    assert events == [SlotSet("privacy_notice_shown", True)]


def test_privacy_notice_is_not_repeated(dispatcher):
    events = run(ActionShowPrivacyNoticeOnce(), dispatcher, make_tracker({"privacy_notice_shown": True}))
    assert dispatcher.messages == []
    assert events == []


def test_start_over_clears_answers_but_keeps_privacy_acknowledged(dispatcher):
    tracker = make_tracker({"privacy_notice_shown": True, "age": 32})
    events = run(ActionStartOver(), dispatcher, tracker)
    assert events == [ActiveLoop(None), AllSlotsReset(), SlotSet("privacy_notice_shown", True)]


def test_start_over_before_the_notice_leaves_it_to_be_shown(dispatcher):
    events = run(ActionStartOver(), dispatcher, make_tracker())
    assert events == [ActiveLoop(None), AllSlotsReset()]


def test_a_typed_restart_asks_first_and_clears_nothing_itself(dispatcher):
    events = run(ActionRestartAsksFirst(), dispatcher, make_tracker({"age": 32}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_start_over"]
    assert events == []
