"""A turn that cannot be completed is answered with an apology and not stored (docs/decisions/0600).

Rasa 3.6 handles a failing custom action by logging it and carrying on with no events, so a user whose
action server is down gets silence, or replies from a half-run turn; a database error escapes to the
channel, which answers REST with an empty list and logs the user's text. Here, for every channel:

* **Action server unreachable or failing** (connection refused, timeout, 5xx, a malformed answer): a
  connection that was refused is retried briefly (the request never arrived, so a retry cannot repeat
  anything), then the turn is abandoned at the first failed action. Nothing of the turn is saved: the
  conversation stays as it was before the message, and the user is asked to send it again, which then
  runs exactly as it would have. ``utter_fault_action_server_unavailable``.
* **The conversation store unreachable** (any SQLAlchemy error while loading or saving the tracker):
  ``utter_fault_database_unavailable``. Rasa's ``FailSafeTrackerStore`` would instead carry on in
  memory: a conversation it cannot load is treated as new (the user is greeted and asked everything
  again, and what they answer is forgotten when the database returns). Here the error reaches the
  processor. The tracker store pings pooled connections before use, so the first message after the
  database returns works (rasa_addons/tracker_store.py).
* **An action server that takes the request and never answers**: Rasa would wait 5 minutes. A call
  gets HKTA_ACTION_TIMEOUT seconds (default 20; the slowest action measured took 0.34 s; 0: Rasa's own
  5 minutes), then the turn is abandoned as above (docs/decisions/0602).
* **The lock store unreachable** (Redis, with several replicas): the conversation's lock is taken
  before the processor runs, so Rasa's error escaped to the channel (REST answered an empty list). The
  message is not handled: ``utter_fault_database_unavailable``, "I can't reach my records" (0603).
* **Anything else** that escapes the processor: ``utter_fault_unexpected_error``.
* **Too many messages from one sender at once**: each waited for the conversation's lock, served about
  one a second, so most of 2,000 sent at once were still waiting when their clients gave up (3 min). A
  sender may have HKTA_MAX_MESSAGES_IN_FLIGHT messages (default 5) handled or waiting in this process;
  one more is answered at once with ``utter_fault_too_many_messages`` and not read, so it changes nothing
  (docs/decisions/0601).
* **A message longer than MAX_MESSAGE_CHARACTERS** is not read: ``utter_fault_message_too_long``.
  The NLU's cost grows faster than the length (100 KB of words held the server, and every other
  conversation with it, for minutes), and no answer to the interview needs that much.
* **Text that is not valid Unicode** (lone surrogates, which JSON can carry) made spaCy fail: it is
  mended (U+FFFD) before the message is handled.
* **A malformed REST request** (a body that is not a JSON object, no sender, a message that is not
  text) made Rasa answer 500, or file it under the shared conversation "default": it is refused with
  400 and says why. A number as the message is read as its text.

On the REST channel the apology replaces what the abandoned turn had collected, since none of it took
effect; a socket.io client may already have been sent part of it. The texts live in domain.yml. Logs name
the failure, never the user's message or sender id.

``install()`` reads the settings and patches Rasa's ``Agent.handle_message``, ``RemoteAction.run`` and
``MessageProcessor`` once; importing ``rasa_addons``
(which every configured extension of ours does: the tracker store, the channels) calls it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import sys
from dataclasses import dataclass
from typing import Any

import aiohttp
import rasa.core.channels.rest as rasa_rest
import sqlalchemy.exc
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sanic.exceptions import InvalidUsage

logger = logging.getLogger(__name__)

ACTION_SERVER_UNAVAILABLE = "utter_fault_action_server_unavailable"
DATABASE_UNAVAILABLE = "utter_fault_database_unavailable"
UNEXPECTED_ERROR = "utter_fault_unexpected_error"
MESSAGE_TOO_LONG = "utter_fault_message_too_long"
TOO_MANY_MESSAGES = "utter_fault_too_many_messages"
# The lock store (Redis, with several replicas) holds the conversation's place in the queue, so to the
# user its outage is one of "my records": the same apology as the database's.
LOCK_STORE_UNAVAILABLE = DATABASE_UNAVAILABLE

# About 200 words: far more than any answer, and a few seconds of NLU at most on one core.
MAX_MESSAGE_CHARACTERS = 1000

# A refused connection is retried this many times, this far apart: enough to ride over a restart of
# the action server, short enough that a user of a server that is really down hears back quickly.
CONNECT_RETRIES = 2
CONNECT_RETRY_PAUSE_SECONDS = 0.5

# How many messages of one sender this server handles or queues at once (docs/decisions/0601); one more
# is answered at once with TOO_MANY_MESSAGES and not read. 0 turns the guard off.
MAX_MESSAGES_IN_FLIGHT_VARIABLE = "HKTA_MAX_MESSAGES_IN_FLIGHT"
DEFAULT_MAX_MESSAGES_IN_FLIGHT = 5
MAX_MESSAGES_IN_FLIGHT = DEFAULT_MAX_MESSAGES_IN_FLIGHT

# How long one call to the action server may take before the turn is abandoned (docs/decisions/0602).
ACTION_TIMEOUT_VARIABLE = "HKTA_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT_SECONDS = 20.0
ACTION_TIMEOUT_SECONDS = DEFAULT_ACTION_TIMEOUT_SECONDS


@dataclass
class _Turn:
    failed_action: str | None = None


# The message being handled in this task; RemoteAction.run marks it failed.
_current_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("hkta_turn", default=None)


class TurnAbandoned(Exception):
    """A custom action failed: stop the turn before anything else runs or is saved."""


def _refused(error: BaseException) -> bool:
    """Whether the action server could not be reached at all (so the request was never delivered)."""
    cause = error.__cause__ or error.__context__
    return isinstance(cause, aiohttp.ClientConnectorError) or isinstance(error, aiohttp.ClientConnectorError)


_original_remote_run = RemoteAction.run
_original_agent_handle_message = Agent.handle_message
_original_handle_message = MessageProcessor.handle_message
_original_run_action = MessageProcessor._run_action


async def _remote_run(self: RemoteAction, output_channel, nlg, tracker, domain) -> list:
    turn = _current_turn.get()
    attempt = 0
    while True:
        try:
            # Rasa waits 5 minutes for an action server that took the request and never answers.
            return await asyncio.wait_for(
                _original_remote_run(self, output_channel, nlg, tracker, domain), ACTION_TIMEOUT_SECONDS
            )
        except ActionExecutionRejection:
            raise  # the action declined the turn on purpose (a form's validation): Rasa's normal path
        except (RasaException, aiohttp.ClientError, asyncio.TimeoutError) as error:
            if _refused(error) and attempt < CONNECT_RETRIES:
                attempt += 1
                await asyncio.sleep(CONNECT_RETRY_PAUSE_SECONDS)
                continue
            if turn is None:
                raise  # not inside a user's message (e.g. the HTTP API's trigger_intent): Rasa's handling
            turn.failed_action = self.name()
            logger.error(
                "Custom action %s failed (%s); the turn is abandoned.", self.name(), type(error).__name__
            )
            raise TurnAbandoned(self.name()) from error


async def _run_action(self: MessageProcessor, action, tracker, output_channel, nlg, prediction) -> bool:
    should_predict_another = await _original_run_action(
        self, action, tracker, output_channel, nlg, prediction
    )
    turn = _current_turn.get()
    # Rasa's _run_action swallows the failure (a form's validation fails inside the form's own run);
    # the mark on the turn survives that and stops the prediction loop here.
    if turn is not None and turn.failed_action is not None:
        raise TurnAbandoned(turn.failed_action)
    return should_predict_another


def valid_unicode(text: str) -> str:
    """The text with lone surrogates replaced by U+FFFD (and escaped pairs joined)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


async def _handle_message(self: MessageProcessor, message: UserMessage) -> list[dict[str, Any]] | None:
    if isinstance(message.text, str):
        message.text = valid_unicode(message.text)
        if len(message.text) > MAX_MESSAGE_CHARACTERS:
            await _apologise(self, message, MESSAGE_TOO_LONG, limit=f"{MAX_MESSAGE_CHARACTERS:,}")
            return _collected(message)
    token = _current_turn.set(_Turn())
    try:
        return await _original_handle_message(self, message)
    except TurnAbandoned:
        response = ACTION_SERVER_UNAVAILABLE
    except sqlalchemy.exc.SQLAlchemyError as error:
        logger.error("The conversation store failed (%s); the message was not handled.", type(error).__name__)
        response = DATABASE_UNAVAILABLE
    except Exception:
        logger.exception("A message could not be handled.")
        response = UNEXPECTED_ERROR
    finally:
        _current_turn.reset(token)
    await _apologise(self, message, response)
    return _collected(message)


# Messages of each sender this process is handling or queueing now; a sender with none has no entry.
_in_flight: dict[str, int] = {}
# Senders refused since they last had nothing in flight: the refusal is logged once per burst.
_refusing: set[str] = set()


async def _agent_handle_message(self: Agent, message: UserMessage) -> list[dict[str, Any]] | None:
    """Rasa's Agent.handle_message (take the conversation's lock, then handle the message), behind a cap
    on each sender's messages in flight, and with a lock store that fails answered by an apology."""
    if not self.is_ready():
        return await _original_agent_handle_message(self, message)
    sender = message.sender_id
    if MAX_MESSAGES_IN_FLIGHT and _in_flight.get(sender, 0) >= MAX_MESSAGES_IN_FLIGHT:
        if sender not in _refusing:
            _refusing.add(sender)
            logger.warning(
                "A conversation has %d messages in flight; further ones are refused until it catches up.",
                MAX_MESSAGES_IN_FLIGHT,
            )
        await _apologise(self.processor, message, TOO_MANY_MESSAGES)
        return _collected(message)
    _in_flight[sender] = _in_flight.get(sender, 0) + 1
    try:
        return await _locked_turn(self, message)
    finally:
        _in_flight[sender] -= 1
        if not _in_flight[sender]:
            del _in_flight[sender]
            _refusing.discard(sender)


async def _locked_turn(agent: Agent, message: UserMessage) -> list[dict[str, Any]] | None:
    handled, replies = False, None
    try:
        async with agent.lock_store.lock(message.sender_id):
            # Our MessageProcessor.handle_message answers every failure of its own, so what is raised
            # here comes from the lock store.
            replies = await agent.processor.handle_message(message)
            handled = True
    except Exception as error:
        if handled:  # the turn was taken and stored; only giving the lock back failed
            logger.error(
                "The lock store failed releasing a lock (%s); the message was handled.", type(error).__name__
            )
            return replies
        logger.error("The lock store failed (%s); the message was not handled.", type(error).__name__)
        await _apologise(agent.processor, message, LOCK_STORE_UNAVAILABLE)
        return _collected(message)
    return replies


def _collected(message: UserMessage) -> list[dict[str, Any]] | None:
    """What Rasa's handle_message returns: the replies, for a channel that collects them."""
    channel = message.output_channel
    return channel.messages if isinstance(channel, CollectingOutputChannel) else None


async def _apologise(
    processor: MessageProcessor, message: UserMessage, response_name: str, **values: str
) -> None:
    channel = message.output_channel
    if isinstance(channel, CollectingOutputChannel):
        channel.messages.clear()  # replies of a turn that was not kept describe what did not happen
    # The stored tracker may be unreachable; the fault texts use no slots, so an empty one will do.
    blank = DialogueStateTracker(message.sender_id or "", processor.domain.slots)
    try:
        reply = await processor.nlg.generate(response_name, blank, channel.name(), **values)
        if reply is None:
            raise LookupError(f"{response_name} is not in the domain")
        await channel.send_response(message.sender_id, reply)
    except Exception:
        logger.exception("Could not send the apology %s.", response_name)


def _rest_body(request) -> dict:
    body = request.json  # Sanic answers 400 itself for a body that is not JSON
    if not isinstance(body, dict):
        raise InvalidUsage('The body must be a JSON object: {"sender": "...", "message": "..."}')
    return body


async def _rest_sender(self: RestInput, request) -> str:
    sender = _rest_body(request).get("sender")
    if not isinstance(sender, str) or not sender.strip():
        # Rasa would file it under "default", one conversation shared by every such client.
        raise InvalidUsage('"sender" must be a non-empty string: the id of the conversation')
    return sender


def _rest_message(self: RestInput, request) -> str:
    message = _rest_body(request).get("message")
    if message is None:
        return ""  # answered like an empty message
    if isinstance(message, (int, float)) and not isinstance(message, bool):
        return str(message)  # a client that sends an age as a number
    if not isinstance(message, str):
        raise InvalidUsage('"message" must be a string')
    return message


async def _retrieve_or_raise(self: FailSafeTrackerStore, sender_id: str) -> DialogueStateTracker | None:
    return await self._tracker_store.retrieve(sender_id)


async def _save_or_raise(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    await self._tracker_store.save(tracker)


def _setting(variable: str, default: float, kind: type) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{variable} must be a number of at least 0, got {raw!r}")
    return value


class WithoutMessageText:
    """Rasa's REST channel logs the user's message (``text=``) when handling it times out or fails, and
    ``exception`` adds the traceback's locals, the message among them. This logs the same events with
    neither: the event's name and the exception's type say what went wrong."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def error(self, event: str, **fields: Any) -> None:
        fields.pop("text", None)
        self._inner.error(event, **fields)

    def exception(self, event: str, **fields: Any) -> None:
        fields.pop("text", None)
        failure = sys.exc_info()[0]
        self._inner.error(event, error=failure.__name__ if failure else None, **fields)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def install() -> None:
    """Read the settings and patch Rasa once (idempotent)."""
    global MAX_MESSAGES_IN_FLIGHT, ACTION_TIMEOUT_SECONDS
    if getattr(MessageProcessor, "_hkta_faults_installed", False):
        return
    MAX_MESSAGES_IN_FLIGHT = int(
        _setting(MAX_MESSAGES_IN_FLIGHT_VARIABLE, DEFAULT_MAX_MESSAGES_IN_FLIGHT, int)
    )
    ACTION_TIMEOUT_SECONDS = _setting(ACTION_TIMEOUT_VARIABLE, DEFAULT_ACTION_TIMEOUT_SECONDS, float) or None
    Agent.handle_message = _agent_handle_message
    RemoteAction.run = _remote_run
    MessageProcessor._run_action = _run_action
    MessageProcessor.handle_message = _handle_message
    FailSafeTrackerStore.retrieve = _retrieve_or_raise
    FailSafeTrackerStore.save = _save_or_raise
    RestInput._extract_sender = _rest_sender
    RestInput._extract_message = _rest_message
    if not isinstance(rasa_rest.structlogger, WithoutMessageText):
        rasa_rest.structlogger = WithoutMessageText(rasa_rest.structlogger)
    MessageProcessor._hkta_faults_installed = True
