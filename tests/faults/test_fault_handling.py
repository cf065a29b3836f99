"""rasa_addons/faults.py in process, without servers: mending text; what a call to an action server that
refuses the connection, or never answers, does inside and outside a user's message; and the agent's
guards: each sender's allowance of messages in flight, and a lock store that fails."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from rasa_addons import faults
from rasa_addons.lock_store import AtomicRedisLockStore
from scripts.assistant import ROOT
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


# --- A call to an action server that takes the request and never answers -------------------------


def test_an_action_server_that_never_answers_abandons_the_turn_after_the_timeout(monkeypatch):
    listener = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; nothing ever answers
    monkeypatch.setattr(faults, "ACTION_TIMEOUT_SECONDS", 0.5)
    action = RemoteAction(
        "action_show_answers", EndpointConfig(f"http://127.0.0.1:{listener.getsockname()[1]}/webhook")
    )

    async def in_a_turn():
        turn = faults._Turn()
        faults._current_turn.set(turn)
        call = action.run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
            DialogueStateTracker("someone", []), Domain.empty(),
        )  # fmt: skip
        with pytest.raises(faults.TurnAbandoned):
            await asyncio.wait_for(call, 60)  # without our timeout, Rasa's (5 minutes) ends this
        return turn

    faults.install()
    try:
        assert asyncio.run(in_a_turn()).failed_action == "action_show_answers"
    finally:
        listener.close()


# --- The agent: messages in flight per sender, and the lock store failing -------------------------

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
TOO_MANY = DOMAIN.responses["utter_fault_too_many_messages"][0]["text"]
RECORDS_DOWN = DOMAIN.responses["utter_fault_database_unavailable"][0]["text"]


class HeldProcessor:
    """Handles a message when the test lets it (`release`), with the real domain's apologies."""

    def __init__(self) -> None:
        self.domain = DOMAIN
        self.nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        self.release = asyncio.Event()
        self.started: list[str] = []

    async def handle_message(self, message):
        self.started.append(message.text)
        await self.release.wait()
        await message.output_channel.send_text_message(message.sender_id, f"handled: {message.text}")
        return message.output_channel.messages


def agent_with(lock_store) -> Agent:
    faults.install()
    agent = Agent(domain=DOMAIN, lock_store=lock_store)
    agent.tracker_store = InMemoryTrackerStore(DOMAIN)
    agent.processor = HeldProcessor()
    return agent


async def say(agent: Agent, sender: str, text: str) -> list[str]:
    replies = await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
    return [reply["text"] for reply in replies]


def test_a_message_beyond_a_senders_allowance_is_answered_at_once_and_not_read(monkeypatch):
    monkeypatch.setattr(faults, "MAX_MESSAGES_IN_FLIGHT", 3)

    async def flood():
        agent = agent_with(InMemoryLockStore())
        held = [asyncio.create_task(say(agent, "flooder", f"message {n}")) for n in range(3)]
        other = asyncio.create_task(say(agent, "someone else", "hello"))
        await asyncio.sleep(0.1)
        refused = await asyncio.wait_for(say(agent, "flooder", "one too many"), 5)
        assert not any(task.done() for task in [*held, other])  # answered while the others still wait
        agent.processor.release.set()
        answered = await asyncio.gather(*held, other)
        after = await say(agent, "flooder", "once it caught up")
        return refused, answered, after, agent.processor.started

    refused, answered, after, started = asyncio.run(flood())
    assert refused == [TOO_MANY]
    assert answered == [[f"handled: message {n}"] for n in range(3)] + [["handled: hello"]]
    assert after == ["handled: once it caught up"]
    assert "one too many" not in started  # never reached the processor: nothing of it is stored
    assert faults._in_flight == {}


def test_messages_sent_one_after_another_are_never_refused(monkeypatch):
    monkeypatch.setattr(faults, "MAX_MESSAGES_IN_FLIGHT", 1)

    async def one_by_one():
        agent = agent_with(InMemoryLockStore())
        agent.processor.release.set()
        return [await say(agent, "quick typist", f"answer {n}") for n in range(200)]

    assert asyncio.run(one_by_one()) == [[f"handled: answer {n}"] for n in range(200)]


def test_with_the_guard_off_every_message_waits_its_turn(monkeypatch):
    monkeypatch.setattr(faults, "MAX_MESSAGES_IN_FLIGHT", 0)

    async def many_at_once():
        agent = agent_with(InMemoryLockStore())
        tasks = [asyncio.create_task(say(agent, "flooder", f"m{n}")) for n in range(4)]
        await asyncio.sleep(0.1)
        agent.processor.release.set()
        return await asyncio.gather(*tasks)

    assert asyncio.run(many_at_once()) == [[f"handled: m{n}"] for n in range(4)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", 5), ("  ", 5), ("0", 0), ("12", 12), ("2.5", "error"), ("-1", "error"), ("x", "error")],
)
def test_the_allowance_is_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv(faults.MAX_MESSAGES_IN_FLIGHT_VARIABLE, raw)
    read = lambda: faults._setting(faults.MAX_MESSAGES_IN_FLIGHT_VARIABLE, 5, int)  # noqa: E731
    if expected == "error":
        with pytest.raises(ValueError, match=faults.MAX_MESSAGES_IN_FLIGHT_VARIABLE):
            read()
    else:
        assert read() == expected


def test_a_lock_store_that_cannot_be_reached_gets_an_apology_and_the_message_is_not_read():
    unreachable = AtomicRedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=2)

    async def turn():
        agent = agent_with(unreachable)
        agent.processor.release.set()
        return await say(agent, "someone", "I'm 32"), agent.processor.started

    replies, started = asyncio.run(turn())
    assert replies == [RECORDS_DOWN]
    assert started == []
    assert faults._in_flight == {}


class LockThatFailsOnRelease(InMemoryLockStore):
    def cleanup(self, conversation_id, ticket_number):
        raise ConnectionError("the lock store went away")


def test_a_lock_store_that_fails_after_the_turn_keeps_the_turns_replies():
    async def turn():
        agent = agent_with(LockThatFailsOnRelease())
        agent.processor.release.set()
        return await say(agent, "someone", "I'm 32")

    assert asyncio.run(turn()) == ["handled: I'm 32"]


def test_the_rest_channel_logs_a_failed_message_without_its_text():
    import rasa.core.channels.rest as rasa_rest

    assert isinstance(rasa_rest.structlogger, faults.WithoutMessageText), "installed with rasa_addons"
    recorded = []

    class Recorder:
        def error(self, event, **fields):
            recorded.append((event, fields))

    logger = faults.WithoutMessageText(Recorder())
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("rest.message.received.failure", text="I'm 32, Indian, HK$1.2m")
    logger.error("rest.message.received.timeout", text="I'm 32, Indian, HK$1.2m")
    assert recorded == [
        ("rest.message.received.failure", {"error": "RuntimeError"}),  # no traceback: its locals hold it
        ("rest.message.received.timeout", {}),
    ]
