"""Slack, on Rasa's stock connector, which already checks Slack's signatures (``X-Slack-Signature``:
HMAC-SHA256 of "v0:timestamp:body" with the signing secret, at most five minutes old, compared in
constant time). This connector keeps that check and its handling of Slack's retries, and changes:

* a request that fails the check gets 403 (Rasa answers 400, which reads like a malformed request);
* the conversation id is a pseudonym of the Slack user id (or of user and channel, or user, channel and
  thread, by ``conversation_granularity``), and no Slack id is stored with the message: Rasa's stock
  connector keeps the channel and user ids as message metadata in the conversation;
* replies are laid out for Slack: texts escaped for mrkdwn and cut at a section block's 3000 characters,
  buttons in action blocks of at most 25 (Rasa's drops every button above 5), without the legacy
  ``as_user``. ``api_url`` points the Web API client elsewhere (a test's fake).

The reply is processed in the background, as Rasa's connector does, because Slack expects an answer
within three seconds; it runs in the same process, with the channel id kept in memory for the turn.

Configure in credentials.yml (``scripts/runtime_config.py`` writes it from SLACK_* variables)::

    rasa_addons.channels.slack.SlackInput:
      slack_token: "xoxb-..."
      slack_signing_secret: "..."
      api_url: "https://slack.com/api/"   # optional
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from rasa_addons.channels.formatting import (
    SLACK_BUTTON_TEXT,
    SLACK_BUTTONS_PER_BLOCK,
    SLACK_SECTION_TEXT_LIMIT,
    Button,
    shorten,
    split_message,
)
from rasa_addons.channels.turns import (
    TurnReplies,
    agent_of,
    choose_prompt,
    conversation_id,
    refused,
    required_settings,
    take_turn,
)

logger = logging.getLogger(__name__)


def escape_mrkdwn(text: str) -> str:
    """Slack reads &, < and > as markup in message text: they must be sent escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def button_blocks(buttons: Sequence[Button]) -> list[dict[str, Any]]:
    """Action blocks holding the buttons, at most 25 to a block."""
    blocks = []
    for start in range(0, len(buttons), SLACK_BUTTONS_PER_BLOCK):
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": shorten(button.title, SLACK_BUTTON_TEXT)},
                "value": button.payload,
                "action_id": f"option-{start + offset}",
            }
            for offset, button in enumerate(buttons[start : start + SLACK_BUTTONS_PER_BLOCK])
        ]
        blocks.append({"type": "actions", "elements": elements})
    return blocks


class SlackReplies(TurnReplies):
    channel = "slack"

    def __init__(
        self, client: AsyncWebClient, slack_channel: str, thread: str | None, conversation: str
    ) -> None:
        super().__init__(conversation)
        self._client = client
        self._slack_channel = slack_channel
        self._thread = thread

    async def deliver(self) -> None:
        for message in self.turn:
            pieces = split_message(escape_mrkdwn(message.text or choose_prompt()), SLACK_SECTION_TEXT_LIMIT)
            for number, piece in enumerate(pieces, start=1):
                post: dict[str, Any] = {"channel": self._slack_channel, "text": piece}
                if self._thread:
                    post["thread_ts"] = self._thread
                if message.buttons and number == len(pieces):
                    section = {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
                    post["blocks"] = [section, *button_blocks(message.buttons)]
                await self._client.chat_postMessage(**post)


class SlackInput(RasaSlackInput):
    """Rasa's Slack channel (same URL: /webhooks/slack/webhook) with pseudonyms and Slack-shaped replies."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = required_settings(cls.name(), credentials, ("slack_token", "slack_signing_secret"))
        return cls(
            settings["slack_token"],
            slack_signing_secret=settings["slack_signing_secret"],
            conversation_granularity=settings.get("conversation_granularity", "sender"),
            use_threads=bool(settings.get("use_threads", False)),
            api_url=settings.get("api_url") or None,
        )

    def __init__(self, slack_token: str, api_url: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("slack_retry_reason_header", "x-slack-retry-reason")
        kwargs.setdefault("slack_retry_number_header", "x-slack-retry-num")
        super().__init__(slack_token, **kwargs)
        self.api_url = api_url

    def client(self) -> AsyncWebClient:
        if self.api_url:
            return AsyncWebClient(self.slack_token, base_url=self.api_url, proxy=self.proxy)
        return AsyncWebClient(self.slack_token, proxy=self.proxy)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = super().blueprint(on_new_message)

        @slack_webhook.middleware("request")
        async def signed_only(request: Request) -> HTTPResponse | None:
            """Rasa's check, run first so that a forged request gets 403 before anything is read."""
            if request.method == "POST" and not self.is_request_from_slack_authentic(request):
                return refused()
            return None

        return slack_webhook

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict | None,
    ) -> Any:
        retry_reason = request.headers.get(self.retry_reason_header)
        if request.headers.get(self.retry_num_header) and retry_reason in self.errors_ignore_retry:
            return response.text("", status=HTTPStatus.CREATED, headers={"X-Slack-No-Retry": "1"})
        metadata = metadata or {}
        slack_channel = metadata.get("out_channel") or self.slack_channel
        if not sender_id or not slack_channel:
            return response.text("")
        thread = metadata.get("thread_id") if self.use_threads else None
        replies = SlackReplies(self.client(), slack_channel, thread, conversation_id(self.name(), sender_id))
        # Slack wants its answer within 3 seconds: the turn goes on in this process, in the background.
        task = asyncio.create_task(take_turn(on_new_message, replies, text, agent_of(request)))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return response.text("")

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> None:
        """No messages outside a turn: the conversation id is a pseudonym, the channel id is not kept."""
        return None
