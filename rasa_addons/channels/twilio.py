"""WhatsApp through Twilio, with every webhook request's signature checked.

Rasa's stock Twilio connector accepts any POST. Twilio signs each request in ``X-Twilio-Signature``:
base64 of HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio called followed by
every POST parameter, sorted by name, as name + value. Behind a proxy the server sees another URL than
Twilio called (http://127.0.0.1:5005/... for https://bot.example.org/...), so the URL is rebuilt from
the configured public base URL and the request's path and query. Anything unsigned or wrongly signed
gets 403 and is not processed.

WhatsApp has no buttons for a bot outside approved templates, so a turn's buttons become numbered
options and a reply of "2" picks option 2 (docs/decisions/0401-numbered-options.md). A turn's texts go
out in as few messages as Twilio's 1600-character limit allows. The conversation id is a pseudonym of
the phone number; the number itself stays in memory for the turn only.

Configure in credentials.yml (``scripts/runtime_config.py`` writes it from TWILIO_* variables)::

    rasa_addons.channels.twilio.TwilioInput:
      account_sid: "AC..."
      auth_token: "..."
      whatsapp_number: "whatsapp:+14155238886"
      public_url: "https://bot.example.org"     # where Twilio reaches this server
      api_url: "https://api.twilio.com"         # optional
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator, add_port, remove_port
from twilio.rest import Client

from rasa_addons.channels.formatting import TWILIO_BODY_LIMIT, BotMessage, number_turn
from rasa_addons.channels.turns import (
    ChannelSettingsError,
    TurnReplies,
    agent_of,
    conversation_id,
    refused,
    reply_with_number_hint,
    required_settings,
    take_turn,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
WHATSAPP_PREFIX = "whatsapp:"
PHONE_NUMBER = re.compile(r"\+[1-9]\d{6,14}")  # E.164


def signature_is_valid(auth_token: str, url: str, params: Any, signature: str | None) -> bool:
    """Whether ``signature`` is Twilio's for this URL and these POST parameters.

    The string signed is built by the Twilio library's own ``RequestValidator`` (sorted names, each
    value), with and without the default port, as Twilio signs either; the comparison is ours, in
    constant time (``hmac.compare_digest``)."""
    if not signature:
        return False
    validator = RequestValidator(auth_token)
    parsed = urlparse(url)
    given = signature.encode("utf-8")
    matches = [
        hmac.compare_digest(validator.compute_signature(candidate, params).encode("utf-8"), given)
        for candidate in (remove_port(parsed), add_port(parsed))
    ]
    return any(matches)


def choices_for_turn(turn: Sequence[BotMessage]) -> Mapping[int, str]:
    return number_turn(turn, TWILIO_BODY_LIMIT, reply_with_number_hint()).choices


class TwilioReplies(TurnReplies):
    channel = "twilio"

    def __init__(self, client: Client, from_number: str, to: str, conversation: str) -> None:
        super().__init__(conversation)
        self._client = client
        self._from = from_number
        self._to = to

    async def deliver(self) -> None:
        # In order, one at a time: Twilio may deliver messages sent together out of order.
        for body in number_turn(self.turn, TWILIO_BODY_LIMIT, reply_with_number_hint()).messages:
            await self._client.messages.create_async(to=self._to, from_=self._from, body=body)


class TwilioInput(RasaTwilioInput):
    """Rasa's Twilio channel (same URL: /webhooks/twilio/webhook), with signatures checked, for WhatsApp."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        keys = ("account_sid", "auth_token", "whatsapp_number", "public_url")
        settings = required_settings(cls.name(), credentials, keys)
        return cls(*(settings[key] for key in keys), api_url=settings.get("api_url") or None)

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        whatsapp_number: str,
        public_url: str,
        api_url: str | None = None,
    ) -> None:
        number = whatsapp_number.strip().removeprefix(WHATSAPP_PREFIX)
        if not PHONE_NUMBER.fullmatch(number):
            raise ChannelSettingsError(
                "The twilio whatsapp_number (TWILIO_WHATSAPP_NUMBER) must be the WhatsApp sender's number "
                "in international form, like whatsapp:+14155238886."
            )
        super().__init__(account_sid, auth_token, WHATSAPP_PREFIX + number, debug_mode=False)
        parts = urlparse(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ChannelSettingsError(
                "The twilio public_url (TWILIO_PUBLIC_URL) must be the base URL Twilio calls, like "
                "https://bot.example.org, the webhook being <public_url>/webhooks/twilio/webhook."
            )
        self.public_url = public_url.rstrip("/")
        self.api_url = api_url
        self._client: Client | None = None

    def client(self) -> Client:
        if self._client is None:
            # One HTTP session per request: nothing to close, and nothing opened outside the event loop.
            client = Client(
                self.account_sid, self.auth_token, http_client=AsyncTwilioHttpClient(pool_connections=False)
            )
            if self.api_url:
                client.api.base_url = self.api_url  # the Messages API's host; a test points it at a fake
            self._client = client
        return self._client

    def public_url_of(self, request: Request) -> str:
        """The URL Twilio called: the configured public base, then this request's path and query."""
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.public_url}{request.path}{query}"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            signature = request.headers.get(SIGNATURE_HEADER)
            if not signature_is_valid(self.auth_token, self.public_url_of(request), request.form, signature):
                return refused()
            sender = request.form.get("From") or ""
            text = request.form.get("Body") or ""
            if not sender or not text.strip():
                return response.text("", status=204)  # a photo or a status callback: nothing to answer
            phone_number = sender.removeprefix(WHATSAPP_PREFIX)
            replies = TwilioReplies(
                self.client(), self.twilio_number, sender, conversation_id(self.name(), phone_number)
            )
            await take_turn(on_new_message, replies, text, agent_of(request), choices_for_turn)
            return response.text("", status=204)

        return twilio_webhook

    def get_output_channel(self) -> None:
        """No messages outside a turn: the conversation id is a pseudonym, the number is not kept."""
        return None
