"""rasa_addons/faults.py in process, without servers: mending text, and what a call to an action server
that refuses the connection does inside and outside a user's message."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_addons import faults
from tests.ports import free_port


def test_lone_surrogates_are_mended_and_escaped_pairs_joined():
    assert faults.valid_unicode("a\ud800b") == "a\ufffdb"
    assert faults.valid_unicode("\ud83d\ude00") == "😀"
    assert faults.valid_unicode("香港 ok") == "香港 ok"


def refused_call() -> RemoteAction:
    action = RemoteAction("action_show_answers", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))
    domain = Domain.empty()
    tracker = DialogueStateTracker("someone", [])
    return action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain)


def test_in_a_users_message_a_refused_action_server_is_retried_then_the_turn_abandoned():
    async def in_a_turn():
        turn = faults._Turn()
        faults._current_turn.set(turn)
        started = time.monotonic()
        with pytest.raises(faults.TurnAbandoned):
            await refused_call()
        return turn, time.monotonic() - started

    faults.install()
    turn, seconds = asyncio.run(in_a_turn())
    assert turn.failed_action == "action_show_answers"
    assert seconds >= faults.CONNECT_RETRIES * faults.CONNECT_RETRY_PAUSE_SECONDS


def test_outside_a_users_message_rasas_own_error_is_kept():
    faults.install()
    with pytest.raises(RasaException, match="Couldn't connect"):
        asyncio.run(refused_call())
