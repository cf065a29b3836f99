"""Rasa's socket.io channel, mended for the website widget (web/widget/).

Rasa 3.6's stock ``socketio`` connector has two faults with the libraries we lock:

* ``session_request`` calls ``sio.enter_room()`` without ``await``; since python-socketio 5.9 that is a
  coroutine, so the socket never joins its conversation's room and, with ``session_persistence: true``,
  no reply ever reaches the browser.
* ``send_custom_json`` passes the custom payload as keyword arguments to ``sio.emit()``, which fails for
  any payload that is not shaped like emit's own parameters (ours is ``{"type": "assessment", ...}``).

This connector fixes both, sends a custom payload as ``{"custom": {...}}`` (the REST channel's shape),
and hardens session persistence: a session id is a bearer secret, so the server accepts only ids it
could have made itself (32 hex digits, as ``uuid4().hex``), hands out a new one otherwise, and takes a
message only for the session id its socket asked for.

It also limits connections to the web origins allowed to use the server. Rasa's ``--cors`` governs HTTP
only, and Rasa creates its socket.io server with origin checks off, so any web page could open a
WebSocket to it from its visitors' browsers. A browser always sends its page's ``Origin``; a connection
whose origin is not in ``cors_allowed_origins`` is refused ("*" allows all). Clients that send no
``Origin`` (not browsers) are not affected. Without the setting, browsers are refused, with a warning.

Configure in credentials.yml (``scripts/runtime_config.py`` fills the origins from CORS_ORIGINS)::

    rasa_addons.socketio_channel.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      cors_allowed_origins: ["https://www.example.org"]
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[0-9a-f]{32}")


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


class SocketIOOutput(RasaSocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(RasaSocketIOInput):
    """Drop-in for Rasa's ``socketio`` channel (same credentials keys, same events)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None)
        channel = super().from_credentials(credentials)
        if origins is None:
            logger.warning("socket.io has no cors_allowed_origins: connections from web pages are refused.")
        channel.allowed_origins = [str(origin).rstrip("/") for origin in origins or ()]
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sessions: dict[str, str] = {}  # socket id -> the session id it was confirmed
        self.allowed_origins: list[str] = []

    def origin_allowed(self, origin: str | None) -> bool:
        return origin is None or "*" in self.allowed_origins or origin.rstrip("/") in self.allowed_origins

    def get_output_channel(self) -> OutputChannel | None:
        return None if self.sio is None else SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        namespace = self.namespace

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if valid_session_id(requested) else uuid.uuid4().hex
            if self.session_persistence:
                previous = self._sessions.get(sid)
                if previous and previous != session_id:  # a new conversation in the same socket
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
            self._sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = self._sessions.get(sid)
                if sender_id is None or data.get("session_id") != sender_id:
                    logger.warning("socket.io message without the session id confirmed to it; ignored")
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = UserMessage(
                str(data.get("message", "")),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        async def disconnect(sid: str, reason: Any = None) -> None:
            self._sessions.pop(sid, None)

        stock_connect = sio.handlers.get(namespace or "/", {}).get("connect")

        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not self.origin_allowed(origin):
                logger.warning("socket.io connection from %s refused: not in CORS_ORIGINS.", origin)
                return False
            return True if stock_connect is None else await stock_connect(sid, environ, auth)

        # python-socketio keeps one handler per event: these replace the stock ones.
        sio.on("connect", connect, namespace=namespace)
        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        return socketio_webhook
