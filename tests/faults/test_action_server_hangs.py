"""The action server hangs mid-interview (it takes the connection and never answers): the user gets the
"part of me isn't responding" apology after the action timeout (HKTA_ACTION_TIMEOUT), not after Rasa's
five minutes; the turn is not stored; once the action server answers again the same message carries the
interview on. The time the apology took goes to the test's output."""

from __future__ import annotations

import time

import pytest

from rasa_addons import faults
from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import RestClient, asked_question, response_text, slots
from tests.faults.tcp_proxy import SilentServer
from tests.scripted_applicant import slots_asked

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

APOLOGY = response_text("utter_fault_action_server_unavailable")


def test_a_hung_action_server_gets_the_apology_after_the_timeout_and_the_interview_resumes(assistant):
    rest, sender = RestClient(assistant), "fault-actions-hang"
    first = rest.say(sender, FIRST_MESSAGE)
    question = asked_question(first.messages)
    assert first.status == 200 and question, first.text
    events_before = len(assistant.tracker(sender).events)

    assistant.stop_actions()
    hung = SilentServer(assistant.action_port).start()  # where Rasa calls its actions
    try:
        started = time.monotonic()
        down = rest.say(sender, answer_to(question))  # the client gives up after 120 s; Rasa waited 300
        seconds = time.monotonic() - started
        print(f"\nthe apology for a hung action server came after {seconds:.1f} s")
        assert (down.status, down.text) == (200, APOLOGY)
        assert hung.accepted > 0  # the call reached the hung server: this was a hang, not a refusal
        assert seconds >= faults.DEFAULT_ACTION_TIMEOUT_SECONDS
        assert assistant.rasa_alive()
        stored = assistant.tracker(sender)
        assert len(stored.events) == events_before  # the abandoned turn was not stored
        assert stored.get_slot("requested_slot") == slots_asked(question)[0]
    finally:
        hung.stop()
        assistant.start_actions()

    back = rest.say(sender, answer_to(question))
    assert back.status == 200 and APOLOGY not in back.text
    assert asked_question(back.messages) not in (None, question), back.text
    stored = assistant.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))
