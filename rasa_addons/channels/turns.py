"""What the messaging channels share: the conversation id as a pseudonym, the bot's reply collected for
the whole turn and sent to the real recipient, a numbered choice read back, refusals, and settings.

One incoming message is one turn. The connector makes a ``TurnReplies`` for it that alone knows the
person's platform id (phone number, chat id...); Rasa sees only the pseudonym. Rasa hands each bot
message to ``send_response`` while it works, and the connector calls ``deliver()`` once the turn is
over, so that the whole reply can be laid out for the platform at once (numbered options must know
whether the turn ends with a question that has options). The platform id lives only in that object,
in memory, for the turn (docs/decisions/0400-pseudonymous-conversation-ids.md).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.exceptions import RasaException
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.conversation.presenting import say
from bot.storage.identity import pseudonymous_sender_id
from rasa_addons.channels.formatting import BotMessage, chosen_number

logger = logging.getLogger(__name__)

ChoicesForTurn = Callable[[Sequence[BotMessage]], Mapping[int, str]]


class ChannelSettingsError(RasaException):
    """A messaging channel is configured wrongly; the message says which setting and how to mend it."""


def required_settings(channel: str, credentials: Mapping[str, Any] | None, keys: Iterable[str]) -> dict:
    """``credentials`` with every key in ``keys`` present and non-empty, or an error naming the missing."""
    credentials = dict(credentials or {})
    missing = [key for key in keys if not str(credentials.get(key) or "").strip()]
    if missing:
        raise ChannelSettingsError(
            f"The {channel} channel is missing {', '.join(missing)} in its credentials "
            "(see the README, 'Messaging channels')."
        )
    return credentials


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a secret a request presents with ours; a missing one never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def refused() -> HTTPResponse:
    """The answer to a request that is not signed by the platform: 403, and nothing is processed."""
    return response.text("Forbidden: the request is not signed by the platform.", status=403)


def reply_with_number_hint() -> str:
    return say("channels", "reply_with_number")


def choose_prompt() -> str:
    """The text of a message that has buttons but no text (platforms require some)."""
    return say("channels", "choose")


class TurnReplies(OutputChannel):
    """Collects the bot's messages of one turn for one person; ``deliver()`` sends them to the platform.

    Subclasses hold the person's platform id and implement ``deliver``. A message for any conversation
    other than the one this turn belongs to is dropped: a reply never goes to the wrong person.
    """

    channel = "messaging"

    def __init__(self, conversation_id: str) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.turn: list[BotMessage] = []

    @classmethod
    def name(cls) -> str:
        return cls.channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if recipient_id != self.conversation_id:
            logger.error("A %s reply for another conversation was dropped.", self.channel)
            return
        bot_message = BotMessage.from_rasa(message)
        if not bot_message.is_empty:
            self.turn.append(bot_message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def deliver(self) -> None:
        raise NotImplementedError


def conversation_id(channel: str, platform_id: str | int) -> str:
    return pseudonymous_sender_id(channel, str(platform_id))


def agent_of(request: Request) -> Any:
    return getattr(request.app.ctx, "agent", None)


def latest_turn(events: Iterable[Any]) -> list[BotMessage]:
    """The bot's messages since the person last wrote: what they are answering now."""
    turn: list[BotMessage] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            turn.append(BotMessage.from_rasa(event.message()))
    return turn[::-1]


async def read_numbered_choice(
    agent: Any, conversation: str, text: str, choices_for_turn: ChoicesForTurn
) -> str:
    """The payload of the option a reply like "2" picks, from the turn the person is answering, as the
    conversation store has it (so any replica can read it); otherwise the text as it came.

    The conversation's lock is taken first, so a turn still being processed is saved before it is read.
    """
    number = chosen_number(text)
    if number is None or agent is None or agent.tracker_store is None:
        return text
    async with agent.lock_store.lock(conversation):
        tracker = await agent.tracker_store.retrieve(conversation)
    if tracker is None:
        return text
    return choices_for_turn(latest_turn(tracker.events)).get(number, text)


async def take_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    replies: TurnReplies,
    text: str,
    agent: Any = None,
    choices_for_turn: ChoicesForTurn | None = None,
) -> None:
    """Hand the person's message to Rasa under its pseudonym, then send the whole reply."""
    if choices_for_turn is not None:
        text = await read_numbered_choice(agent, replies.conversation_id, text, choices_for_turn)
    message = UserMessage(text, replies, replies.conversation_id, input_channel=replies.channel)
    try:
        await on_new_message(message)
    except Exception as error:
        # Not raised: the platform would resend the message again and again. Only the error's type is
        # logged at INFO and above: a platform's error message can quote a phone number.
        logger.error("A %s message could not be processed (%s).", replies.channel, type(error).__name__)
        logger.debug("Processing error", exc_info=True)
    try:
        await replies.deliver()
    except Exception as error:
        logger.error("A %s reply could not be sent (%s).", replies.channel, type(error).__name__)
        logger.debug("Delivery error", exc_info=True)
