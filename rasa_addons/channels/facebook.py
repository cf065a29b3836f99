"""Facebook Messenger, on Rasa's stock connector's settings and URL, with stricter signatures and replies
laid out for Messenger.

Rasa's stock connector checks ``X-Hub-Signature`` (HMAC-SHA1) but answers a forged request with 200
"not validated", compares signatures with ``==`` and lets the header choose the hash function. This one
checks ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret, which Meta sends with
every webhook) in constant time, answers 403 otherwise, and handles every event of a batch, not only the
first. The verification handshake (GET with ``hub.verify_token``) is kept, also answering 403 to a wrong
token.

Replies: texts cut at Messenger's 2000 characters; the turn's buttons become quick replies on its last
message (Messenger shows them only under the latest one), titles shortened to its 20 characters with the
full titles listed in the text when any was shortened; a turn with more than 13 options, more than
Messenger shows, is numbered as on WhatsApp. The conversation id is a pseudonym of the page-scoped id.

Configure in credentials.yml (``scripts/runtime_config.py`` writes it from FACEBOOK_* variables)::

    rasa_addons.channels.facebook.FacebookInput:
      verify: "..."                # the verify token you chose when adding the webhook
      secret: "..."                # the app secret
      page-access-token: "..."
      api_url: "https://graph.facebook.com"   # optional
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.formatting import (
    MESSENGER_QUICK_REPLIES,
    MESSENGER_QUICK_REPLY_TITLE,
    MESSENGER_TEXT_LIMIT,
    BotMessage,
    Button,
    number_turn,
    shorten,
    split_message,
)
from rasa_addons.channels.turns import (
    TurnReplies,
    agent_of,
    choose_prompt,
    conversation_id,
    refused,
    reply_with_number_hint,
    required_settings,
    same_secret,
    take_turn,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is "sha256=" + the hex HMAC-SHA256 of ``body`` keyed with the app secret."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return same_secret(header, expected)


def read_events(payload: Any) -> Iterator[tuple[str, str]]:
    """(page-scoped sender id, text) of every message, quick reply and postback in a webhook call;
    echoes of our own messages, deliveries, reads and attachments are skipped."""
    if not isinstance(payload, Mapping):
        return
    for entry in payload.get("entry") or ():
        for event in (entry or {}).get("messaging") or ():
            sender = str((event.get("sender") or {}).get("id") or "")
            message = event.get("message") or {}
            postback = event.get("postback") or {}
            if not sender or message.get("is_echo"):
                continue
            text = (
                (message.get("quick_reply") or {}).get("payload")
                or message.get("text")
                or postback.get("payload")
            )
            if isinstance(text, str) and text.strip():
                yield sender, text


def turn_buttons(turn: Sequence[BotMessage]) -> list[Button]:
    """Every button of the turn, once each, in order."""
    seen, buttons = set(), []
    for message in turn:
        for button in message.buttons:
            if button not in seen:
                seen.add(button)
                buttons.append(button)
    return buttons


def needs_numbers(turn: Sequence[BotMessage]) -> bool:
    return len(turn_buttons(turn)) > MESSENGER_QUICK_REPLIES


def choices_for_turn(turn: Sequence[BotMessage]) -> Mapping[int, str]:
    return (
        number_turn(turn, MESSENGER_TEXT_LIMIT, reply_with_number_hint()).choices
        if needs_numbers(turn)
        else {}
    )


def messenger_messages(turn: Sequence[BotMessage]) -> list[dict[str, Any]]:
    """The Send API ``message`` objects for a turn."""
    if needs_numbers(turn):
        return [
            {"text": text}
            for text in number_turn(turn, MESSENGER_TEXT_LIMIT, reply_with_number_hint()).messages
        ]
    buttons = turn_buttons(turn)
    titles = [shorten(button.title, MESSENGER_QUICK_REPLY_TITLE) for button in buttons]
    texts = [message.text for message in turn if message.text]
    if titles != [button.title for button in buttons]:  # what a shortened title stood for
        texts.append("\n".join(f"• {button.title}" for button in buttons))
    if buttons and not texts:
        texts.append(choose_prompt())
    pieces = [piece for text in texts for piece in split_message(text, MESSENGER_TEXT_LIMIT)]
    messages: list[dict[str, Any]] = [{"text": piece} for piece in pieces]
    if buttons:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": title, "payload": button.payload}
            for title, button in zip(titles, buttons, strict=True)
        ]
    return messages


class MessengerReplies(TurnReplies):
    channel = "facebook"

    def __init__(self, client: MessengerClient, recipient: str, conversation: str) -> None:
        super().__init__(conversation)
        self._client = client
        self._recipient = recipient

    async def deliver(self) -> None:
        for message in messenger_messages(self.turn):
            # fbmessenger uses `requests`: in a thread, so the server goes on serving meanwhile.
            result = await asyncio.to_thread(self._client.send, message, self._recipient, "RESPONSE")
            if isinstance(result, Mapping) and result.get("error"):
                error = result["error"]
                logger.error("Messenger refused a message (code %s).", (error or {}).get("code"))
                return


class FacebookInput(RasaFacebookInput):
    """Rasa's Facebook channel (same URL: /webhooks/facebook/webhook), checked with SHA-256 signatures."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = required_settings(cls.name(), credentials, ("verify", "secret", "page-access-token"))
        return cls(
            settings["verify"],
            settings["secret"],
            settings["page-access-token"],
            api_url=settings.get("api_url") or None,
        )

    def __init__(
        self, fb_verify: str, fb_secret: str, fb_access_token: str, api_url: str | None = None
    ) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.api_url = api_url.rstrip("/") if api_url else None

    def client(self) -> MessengerClient:
        client = MessengerClient(self.fb_access_token, app_secret=self.fb_secret)  # sends appsecret_proof
        if self.api_url:
            client.graph_url = f"{self.api_url}/v{client.api_version}"
        return client

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if not same_secret(request.args.get("hub.verify_token"), self.fb_verify):
                return refused()
            return response.text(request.args.get("hub.challenge") or "")

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_is_valid(self.fb_secret, request.body, request.headers.get(SIGNATURE_HEADER)):
                return refused()
            agent = agent_of(request)
            for sender, text in read_events(request.json):
                replies = MessengerReplies(self.client(), sender, conversation_id(self.name(), sender))
                await take_turn(on_new_message, replies, text, agent, choices_for_turn)
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> None:
        """No messages outside a turn: the conversation id is a pseudonym, the sender id is not kept."""
        return None
