"""The action server goes down mid-interview: the user is told so and asked to resend, the conversation
is kept as it was, and once the action server is back the same message carries the interview on."""

from __future__ import annotations

import pytest

from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import RestClient, SocketClient, asked_question, response_text, slots
from tests.scripted_applicant import slots_asked

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

APOLOGY = response_text("utter_fault_action_server_unavailable")


def test_with_the_action_server_down_the_user_is_asked_to_resend_and_then_carries_on(assistant):
    rest, sender = RestClient(assistant), "fault-actions-down-rest"
    first = rest.say(sender, FIRST_MESSAGE)
    question = asked_question(first.messages)
    assert first.status == 200 and question, first.text
    stored = assistant.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    events_before = len(stored.events)

    assistant.stop_actions()
    try:
        for message in (answer_to(question), "show my answers"):
            down = rest.say(sender, message)
            assert (down.status, down.text) == (200, APOLOGY)
        assert assistant.rasa_alive()
        # The turns that could not run were not stored: the conversation is as the user left it.
        stored = assistant.tracker(sender)
        assert len(stored.events) == events_before
        assert slots(stored, *GIVEN) == GIVEN
        assert stored.get_slot("requested_slot") == slots_asked(question)[0]
    finally:
        assistant.start_actions()

    back = rest.say(sender, answer_to(question))
    assert back.status == 200 and APOLOGY not in back.text
    assert asked_question(back.messages) not in (None, question), back.text
    stored = assistant.tracker(sender)
    assert slots(stored, *GIVEN) == GIVEN
    assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))


def test_over_socketio_the_apology_reaches_the_widget_and_the_conversation_resumes(assistant):
    socket = SocketClient(assistant)
    try:
        question = asked_question(socket.say(FIRST_MESSAGE))
        assert question
        assistant.stop_actions()
        try:
            down = socket.say(answer_to(question))
        finally:
            assistant.start_actions()
        assert [reply.get("text") for reply in down] == [APOLOGY]
        back = socket.say(answer_to(question))
        assert asked_question(back) not in (None, question), back
        stored = assistant.tracker(socket.session_id)
        assert slots(stored, *GIVEN) == GIVEN
        assert all(stored.get_slot(slot) is not None for slot in slots_asked(question))
    finally:
        socket.close()
