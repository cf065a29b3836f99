"""Fakes of the four platforms' APIs on 127.0.0.1, for the end-to-end tests: Telegram's Bot API, Twilio's
Messages API, Messenger's Send API and Slack's Web API, each under its own path prefix. Every call is
recorded with its parsed parameters and checked for the credentials the real API would demand; a call
without them is answered as the real API would (401/403) and recorded as refused."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    platform: str
    method: str
    params: dict[str, Any]
    authorised: bool
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Credentials:
    telegram_token: str
    twilio_account_sid: str
    twilio_auth_token: str
    facebook_page_token: str
    slack_token: str


class FakePlatforms:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                status, answer = fake.answer(self.path, dict(self.headers), params)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakePlatforms:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def calls_since(self, start: int, platform: str | None = None, method: str | None = None) -> list[Call]:
        with self._changed:
            calls = self.calls[start:]
        return [
            c for c in calls if (platform is None or c.platform == platform) and (method in (None, c.method))
        ]

    def wait_for(
        self, start: int, platform: str, method: str, count: int = 1, timeout: float = 60, quiet: float = 1.5
    ) -> list[Call]:
        """The platform's calls of ``method`` after ``start``, once there are ``count`` of them and no call
        has come for ``quiet`` seconds (a reply of several messages has finished)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matching = [c for c in self.calls[start:] if (c.platform, c.method) == (platform, method)]
                if len(matching) >= count:
                    seen = len(self.calls)
                    self._changed.wait(timeout=quiet)
                    if len(self.calls) == seen:
                        return matching
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{count} {platform} {method} call(s) expected within {timeout} s")
                self._changed.wait(timeout=min(remaining, 0.5))

    # ---- the APIs --------------------------------------------------------------------------------

    def answer(self, path: str, headers: dict[str, str], params: dict[str, Any]) -> tuple[int, dict]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        platform, _, rest = parts.path.lstrip("/").partition("/")
        handler = getattr(self, f"_{platform}", None)
        if handler is None:
            return 404, {"error": "unknown platform"}
        return handler(rest, headers, params, query)

    def _telegram(self, rest: str, headers: dict, params: dict, query: dict) -> tuple[int, dict]:
        match = re.fullmatch(r"bot(?P<token>[^/]+)/(?P<method>\w+)", rest)
        authorised = bool(match) and match["token"] == self.credentials.telegram_token
        method = match["method"] if match else rest
        self.record(Call("telegram", method, params, authorised))
        if not authorised:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private"}
            message = {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": chat,
                "text": params["text"],
            }
            return 200, {"ok": True, "result": message}
        return 200, {"ok": True, "result": True}

    def _twilio(self, rest: str, headers: dict, params: dict, query: dict) -> tuple[int, dict]:
        sid, token = self.credentials.twilio_account_sid, self.credentials.twilio_auth_token
        expected = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
        authorised = (
            headers.get("Authorization") == expected and rest == f"2010-04-01/Accounts/{sid}/Messages.json"
        )
        self.record(Call("twilio", "Messages.create", params, authorised))
        if not authorised:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        message = {
            "sid": f"SM{len(self.calls):032d}",
            "account_sid": sid,
            "to": params.get("To"),
            "from": params.get("From"),
            "body": params.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
        }
        return 201, message

    def _facebook(self, rest: str, headers: dict, params: dict, query: dict) -> tuple[int, dict]:
        authorised = query.get("access_token") == self.credentials.facebook_page_token and bool(
            re.fullmatch(r"v[\d.]+/me/messages", rest)
        )
        self.record(Call("facebook", "me/messages", params, authorised, query))
        if not authorised:
            return 400, {
                "error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
            }
        return 200, {"recipient_id": params["recipient"]["id"], "message_id": f"m_{len(self.calls)}"}

    def _slack(self, rest: str, headers: dict, params: dict, query: dict) -> tuple[int, dict]:
        authorised = headers.get("Authorization") == f"Bearer {self.credentials.slack_token}"
        method = rest.removeprefix("api/")
        self.record(Call("slack", method, params, authorised))
        if not authorised:
            return 200, {"ok": False, "error": "invalid_auth"}
        return 200, {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
