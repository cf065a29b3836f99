"""The Rasa server is stopped (SIGTERM) mid-interview and started again on the same database: the user
carries on at the question they were asked, with every earlier answer intact."""

from __future__ import annotations

import signal

import pytest

from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import RestClient, asked_question, slots
from tests.scripted_applicant import slots_asked

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]


def test_after_a_restart_the_interview_resumes_with_every_answer_intact(assistant):
    rest, sender = RestClient(assistant), "fault-restart"
    first = rest.say(sender, FIRST_MESSAGE)
    question = asked_question(first.messages)
    assert question, first.text
    second = rest.say(sender, answer_to(question))
    question = asked_question(second.messages)
    assert question, second.text
    before = assistant.tracker(sender)

    assistant.stop_rasa(signal.SIGTERM)
    assert not assistant.rasa_alive()
    assistant.start_rasa()

    after = assistant.tracker(sender)
    assert after.current_slot_values() == before.current_slot_values()
    requested = slots_asked(question)[0]  # questions asked together are asked as their first
    assert after.active_loop_name == "profile_form" and after.get_slot("requested_slot") == requested
    # The answer to the question asked before the restart is taken as that answer.
    reply = rest.say(sender, answer_to(question))
    assert reply.status == 200
    assert asked_question(reply.messages) not in (None, question), reply.text
    stored = assistant.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))
    shown = rest.say(sender, "show my answers").text
    assert "32" in shown and "India" in shown, shown
