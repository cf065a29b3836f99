"""Telegram, with every webhook request authenticated by its secret token.

Rasa's stock connector accepts any POST to its webhook: its only check asks Telegram for our own bot's
name (``getMe``, with our token) and compares it with the configured one, which says nothing about who
sent the request. Telegram's ``setWebhook`` takes a ``secret_token`` that it then sends in the
``X-Telegram-Bot-Api-Secret-Token`` header of every update; this connector registers the webhook with
it at start (when ``webhook_url`` is set) and answers 403 to a request without it.

Replies: each bot message is one Telegram message (longer than 4096 characters: several, cut between
paragraphs), its buttons an inline keyboard, one button per row. The conversation id is a pseudonym of
the chat id. ``api_url`` points the Bot API client elsewhere (a local Bot API server, or a test's fake).

Configure in credentials.yml (``scripts/runtime_config.py`` writes it from TELEGRAM_* variables)::

    rasa_addons.channels.telegram.TelegramInput:
      access_token: "123456:ABC..."        # from @BotFather
      secret_token: "..."                  # 1-256 of A-Z a-z 0-9 _ -
      webhook_url: "https://bot.example.org/webhooks/telegram/webhook"   # optional
      api_url: "https://api.telegram.org"  # optional
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.formatting import (
    TELEGRAM_CALLBACK_DATA_BYTES,
    TELEGRAM_TEXT_LIMIT,
    Button,
    split_message,
)
from rasa_addons.channels.turns import (
    ChannelSettingsError,
    TurnReplies,
    agent_of,
    choose_prompt,
    conversation_id,
    refused,
    required_settings,
    same_secret,
    take_turn,
)

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts
START_COMMAND = re.compile(r"/start(@\w+)?(\s.*)?", re.DOTALL)  # the first message of every Telegram chat
GREETING_PAYLOAD = "/greet"
UPDATES_WANTED = ["message", "callback_query"]


@dataclass(frozen=True)
class Incoming:
    chat_id: int | str
    text: str
    callback_query_id: str | None = None


def read_update(update: Any) -> Incoming | None:
    """The chat and text of an update we answer: a text message or a button tap; else None (edits,
    photos, stickers, channel posts...)."""
    if not isinstance(update, Mapping):
        return None
    query = update.get("callback_query")
    if isinstance(query, Mapping) and isinstance(query.get("data"), str):
        chat = (query.get("message") or {}).get("chat") or {}
        chat_id = chat.get("id", (query.get("from") or {}).get("id"))
        return Incoming(chat_id, query["data"], str(query.get("id"))) if chat_id is not None else None
    message = update.get("message")
    if not isinstance(message, Mapping) or not isinstance(message.get("text"), str):
        return None
    chat_id = (message.get("chat") or {}).get("id")
    if chat_id is None:
        return None
    text = message["text"]
    if START_COMMAND.fullmatch(text.strip()):
        text = GREETING_PAYLOAD
    return Incoming(chat_id, text)


def keyboard(buttons: Sequence[Button]) -> list[list[dict[str, str]]]:
    """Inline keyboard rows, one button per row (our titles are whole phrases). A payload longer than
    Telegram's 64 bytes of callback data cannot be carried: that button sends its title instead,
    which the assistant understands as words."""
    rows = []
    for button in buttons:
        data = button.payload
        if len(data.encode("utf-8")) > TELEGRAM_CALLBACK_DATA_BYTES:
            logger.warning("A button payload is over Telegram's 64 bytes; the button sends its title.")
            data = button.title.encode("utf-8")[:TELEGRAM_CALLBACK_DATA_BYTES].decode("utf-8", "ignore")
        rows.append([{"text": button.title, "callback_data": data}])
    return rows


class TelegramReplies(TurnReplies):
    channel = "telegram"

    def __init__(self, bot: Bot, chat_id: int | str, conversation: str) -> None:
        super().__init__(conversation)
        self._bot = bot
        self._chat_id = chat_id

    async def deliver(self) -> None:
        for message in self.turn:
            pieces = split_message(message.text or choose_prompt(), TELEGRAM_TEXT_LIMIT)
            for number, piece in enumerate(pieces, start=1):
                markup = None
                if message.buttons and number == len(pieces):
                    markup = InlineKeyboardMarkup(
                        inline_keyboard=[
                            [InlineKeyboardButton(**button) for button in row]
                            for row in keyboard(message.buttons)
                        ]
                    )
                await self._bot.send_message(
                    self._chat_id, piece, reply_markup=markup, disable_web_page_preview=True
                )


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram channel (same URL: /webhooks/telegram/webhook), authenticated by secret token."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = required_settings(cls.name(), credentials, ("access_token", "secret_token"))
        return cls(
            settings["access_token"],
            settings["secret_token"],
            webhook_url=settings.get("webhook_url") or None,
            api_url=settings.get("api_url") or None,
        )

    def __init__(
        self, access_token: str, secret_token: str, webhook_url: str | None = None, api_url: str | None = None
    ) -> None:
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        if not SECRET_TOKEN.fullmatch(secret_token or ""):
            raise ChannelSettingsError(
                "The telegram secret_token (TELEGRAM_WEBHOOK_SECRET) must be 1 to 256 characters of "
                "A-Z, a-z, 0-9, _ and -, as Telegram's setWebhook requires."
            )
        self.secret_token = secret_token
        self.server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        self._bot: Bot | None = None

    def bot(self) -> Bot:
        """The Bot API client, made on first use inside the server's event loop."""
        if self._bot is None:
            self._bot = Bot(self.access_token, server=self.server)
        return self._bot

    async def close(self) -> None:
        """Close the Bot API client's HTTP session (aiogram 2's ``Bot.close`` is deprecated)."""
        if self._bot is not None:
            await self._bot.session.close()
            self._bot = None

    async def register_webhook(self) -> None:
        """Tell Telegram where to send updates, and the secret to send with them."""
        settings = {
            "url": self.webhook_url,
            "secret_token": self.secret_token,
            "allowed_updates": json.dumps(UPDATES_WANTED),
        }
        try:
            result = await self.bot().request("setWebhook", settings)
        except Exception as error:  # aiogram raises one class per Bot API error
            raise ChannelSettingsError(
                f"Telegram did not accept the webhook ({type(error).__name__}: {error}); "
                "check TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_URL"
            ) from error
        if result is not True:
            raise ChannelSettingsError(f"Telegram did not accept the webhook: {result!r}")
        logger.info("Telegram webhook registered with its secret token.")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)

        @telegram_webhook.listener("before_server_start")
        async def register(_app: Any, _loop: Any) -> None:
            if self.webhook_url:  # else the operator registers it (README: 'Messaging channels')
                await self.register_webhook()

        @telegram_webhook.listener("after_server_stop")
        async def close(_app: Any, _loop: Any) -> None:
            await self.close()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not same_secret(request.headers.get(SECRET_HEADER), self.secret_token):
                return refused()
            incoming = read_update(request.json)
            if incoming is None:
                return response.text("ok")  # 200, or Telegram sends the same update again
            bot = self.bot()
            if incoming.callback_query_id:
                await self._answer_callback(bot, incoming.callback_query_id)
            replies = TelegramReplies(bot, incoming.chat_id, conversation_id(self.name(), incoming.chat_id))
            await take_turn(on_new_message, replies, incoming.text, agent_of(request))
            return response.text("ok")

        return telegram_webhook

    @staticmethod
    async def _answer_callback(bot: Bot, callback_query_id: str) -> None:
        """Stop the tapped button's spinner; a failure here must not lose the message."""
        try:
            await bot.answer_callback_query(callback_query_id)
        except Exception as error:
            logger.warning("answerCallbackQuery failed (%s).", type(error).__name__)

    def get_output_channel(self) -> None:
        """No messages outside a turn: the conversation id is a pseudonym, the chat id is not kept."""
        return None
