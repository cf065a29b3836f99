"""Thousands of messages from one sender at once, over REST, mid-interview: each gets a 200 and a sensible
text (the turn's reply, or the kind "too many messages at once" for those beyond the sender's allowance),
another user's interview goes on meanwhile with the right questions, the messages refused were not
stored, and the flooding user's earlier answers are intact; and a burst over socket.io, the widget's
channel, is guarded the same way. The figures (how many were answered, how many refused, the other
user's reply times with and without the flood) go to the test's output and to
artifacts/flood-at-once-rest.json."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest
from rasa.shared.core.events import UserUttered

from scripts.assistant import ROOT, fault_response_names
from tests.faults.answers import FIRST_MESSAGE, GIVEN, answer_to
from tests.faults.servers import RestClient, SocketClient, asked_question, response_text, slots

pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

FLOOD_MESSAGES = 2000
CONNECTIONS = 100
# Messages that leave the interview where it is (questions about it), none too long: each one is either
# read, and stored as a turn, or refused. Not noise ("😀", ""): three unreadable answers in a row leave
# the question for later, by design, so which of them happened to be read would decide the question
# asked next. Noise is the fuzz tests' (test_bad_input.py).
FLOOD_KINDS = ["why?", "what is QMAS?", "why do you ask?", "what is the Top Talent Pass Scheme?"]
TOO_MANY = response_text("utter_fault_too_many_messages")
OTHER_FAULTS = {response_text(name) for name in fault_response_names()} - {TOO_MANY}
ARTIFACTS = ROOT / "artifacts"
# Generous: the flood must not make any request wait anywhere near this long; Rasa 3.6 alone did.
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=180)


async def post(
    session: aiohttp.ClientSession, url: str, sender: str, message: str
) -> tuple[int, list, float]:
    sent = time.monotonic()
    async with session.post(url, json={"sender": sender, "message": message}) as response:
        body = await response.json(content_type=None) if response.status == 200 else None
        return response.status, body if isinstance(body, list) else [], time.monotonic() - sent


def user_messages(tracker) -> int:
    return sum(isinstance(event, UserUttered) for event in tracker.events)


async def other_users_interview(url: str) -> list[float]:
    """Three turns of another user's interview, each asking the next question; their reply times."""
    latencies = []
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        message, asked_before = FIRST_MESSAGE, None
        for _ in range(3):
            status, replies, seconds = await post(session, url, "fault-flood-bystander", message)
            asked = asked_question(replies)
            assert status == 200 and asked not in (None, asked_before), (status, replies)
            latencies.append(seconds)
            message, asked_before = answer_to(asked), asked
    return latencies


async def flood_and_interview(url: str, sender: str) -> tuple[list, list[float], float]:
    # Every message is sent at once; they go over up to CONNECTIONS connections, as many as the Rasa
    # server's listen backlog (SANIC_BACKLOG, 100): more connections at once than that are reset by the
    # kernel before the server sees them, a limit of the network, not of the assistant.
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(connector=connector, timeout=REQUEST_TIMEOUT) as session:
        started = time.monotonic()
        flood = [
            asyncio.create_task(post(session, url, sender, FLOOD_KINDS[n % len(FLOOD_KINDS)]))
            for n in range(FLOOD_MESSAGES)
        ]
        await asyncio.sleep(0)  # the flood's requests are under way before the other user starts
        other = await other_users_interview(url)
        results = await asyncio.gather(*flood, return_exceptions=True)
        return results, other, time.monotonic() - started


def test_a_flood_from_one_sender_gets_kind_replies_and_others_carry_on(assistant):
    rest, sender = RestClient(assistant), "fault-flood-at-once"
    first = rest.say(sender, FIRST_MESSAGE)
    assert first.status == 200 and asked_question(first.messages), first.text
    before = assistant.tracker(sender)
    started = time.monotonic()
    baseline = rest.say("fault-flood-baseline", FIRST_MESSAGE)  # another user's first turn, no flood
    baseline_seconds = time.monotonic() - started
    assert baseline.status == 200 and asked_question(baseline.messages), baseline.text
    results, other, seconds = asyncio.run(
        flood_and_interview(assistant.url("/webhooks/rest/webhook"), sender)
    )

    failed = [repr(result) for result in results if isinstance(result, BaseException)]
    done = [result for result in results if not isinstance(result, BaseException)]
    texts = ["\n".join(m.get("text", "") for m in replies) for _, replies, _ in done]
    refused = texts.count(TOO_MANY)
    report = {
        "messages": len(results),
        "failed_requests": len(failed),
        "not_200": sum(status != 200 for status, _, _ in done),
        "answered": len(texts) - refused,
        "refused_too_many": refused,
        "flood_seconds": round(seconds, 1),
        "flood_reply_max_s": round(max((latency for _, _, latency in done), default=0), 2),
        "other_user_replies_s": [round(latency, 2) for latency in other],
        "other_user_reply_without_flood_s": round(baseline_seconds, 2),
    }
    print(f"\n{FLOOD_MESSAGES} messages at once from one sender: {report}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "flood-at-once-rest.json").write_text(json.dumps(report, indent=2) + "\n")

    assert failed == [], f"{len(failed)} requests failed, e.g. {failed[:3]}"
    assert [status for status, _, _ in done if status != 200] == []
    assert [text for text in texts if not text.strip()] == []  # every message got a reply with text
    assert [text for text in texts if text in OTHER_FAULTS] == []  # no turn failed
    answered = report["answered"]
    assert refused > 0 and answered > 0

    assert assistant.rasa_alive()
    after = assistant.tracker(sender)
    # Only the messages that were answered became turns: the refused ones left no trace.
    assert user_messages(after) == user_messages(before) + answered
    assert slots(after, *GIVEN) == GIVEN
    assert after.get_slot("requested_slot") == before.get_slot("requested_slot")
    shown = rest.say(sender, "show my answers")
    assert shown.status == 200 and "32" in shown.text and "India" in shown.text, shown.text


# Over long-polling the client sends the messages emitted at once in one request, and engine.io refuses a
# request of more than 16 packets whole ("Too many packets in payload"): 12 stay under that, and are
# still more than a sender's allowance.
SOCKET_FLOOD = 12


def test_a_burst_over_socketio_gets_kind_replies_and_only_the_messages_read_are_stored(assistant):
    """The guard covers the widget's channel too: a burst of messages emitted without waiting for the
    replies (a script in the page, or a stuck key) gets the first ones answered and the rest refused,
    one kind reply each, and only the ones read become turns."""
    socket = SocketClient(assistant)
    try:
        assert asked_question(socket.say(FIRST_MESSAGE)), "the interview did not start"
        before = assistant.tracker(socket.session_id)
        with socket.arrived:
            seen = len(socket.replies)
        for n in range(SOCKET_FLOOD):
            socket.client.emit(
                "user_uttered",
                {"message": FLOOD_KINDS[n % len(FLOOD_KINDS)], "session_id": socket.session_id},
            )
        replies = socket.say("show my answers", quiet=3, timeout=120)  # after the burst: read or refused
        with socket.arrived:
            texts = [reply.get("text", "") for reply in socket.replies[seen:]]
        assert assistant.rasa_alive()
        refused = texts.count(TOO_MANY)
        assert 0 < refused <= SOCKET_FLOOD + 1
        assert [text for text in texts if text in OTHER_FAULTS] == []
        after = assistant.tracker(socket.session_id)
        # Each message emitted was either read (a turn) or refused (nothing stored): none was lost.
        assert user_messages(after) - user_messages(before) == SOCKET_FLOOD + 1 - refused
        assert slots(after, *GIVEN) == GIVEN
        print(f"\n{SOCKET_FLOOD + 1} socket.io messages at once: {refused} refused, the rest answered")
        assert replies, "no reply after the burst"
    finally:
        socket.close()
