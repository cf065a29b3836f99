"""The action server and the Rasa server as separate processes the fault tests can stop and start, each
on a free port, with the test's own database; plus clients for the REST and socket.io channels.

`scripts/assistant.py run` starts both servers as one command, so it cannot stop one of them alone.
This starts them with the same commands, environment and generated settings (scripts/runtime_config.py),
written to the test's own folder instead of build/.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

from scripts.assistant import BIN, ROOT, ensure_model, quiet_env
from scripts.runtime_config import credentials, endpoints
from tests.ports import free_port
from tests.scripted_applicant import GROUP_QUESTIONS, QUESTIONS

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


def response_text(name: str) -> str:
    return RESPONSES[name][0]["text"]


def wait_until_healthy(process: subprocess.Popen, url: str, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} not healthy after {timeout:.0f} s")


def _die_with_parent() -> None:
    """A server whose test run was killed stops too (Linux), rather than holding its port and CPU."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Assistant:
    """Both servers of one assistant; `rasa_port` stays the same across restarts."""

    folder: Path
    database_url: str
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    rasa: subprocess.Popen | None = None
    actions: subprocess.Popen | None = None
    rasa_starts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. REDIS_URL, for the Redis lock store

    def __post_init__(self) -> None:
        self.model = ensure_model()  # cached by content hash: trains only if nothing is trained yet
        self.env = {
            "DATABASE_URL": self.database_url,
            "HKTA_ID_SECRET": "test-id-secret-for-the-fault-tests-0123456789",
            "HKTA_AS_OF": "2026-11-22",
            "HKTA_LOG_DIR": str(self.folder / "logs"),
            **self.extra_env,
        }
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        self.endpoints_file = self.folder / "endpoints.yml"
        self.credentials_file = self.folder / "credentials.yml"
        self.endpoints_file.write_text(yaml.safe_dump(endpoints(self.env, self.action_port)))
        self.credentials_file.write_text(yaml.safe_dump(credentials(self.env, ["*"])))
        # Our own tables (consents, saved results), as `make run` creates them before starting.
        subprocess.run(
            [sys.executable, "-m", "bot.storage", "migrate"], cwd=ROOT, env=quiet_env(**self.env), check=True
        )

    def log(self, name: str) -> Path:
        return self.folder / "logs" / name

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        with self.log(name).open("a") as log:
            return subprocess.Popen(
                command, cwd=ROOT, env=quiet_env(**self.env), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stopping it stops its children
                preexec_fn=_die_with_parent,
            )  # fmt: skip

    def start_actions(self) -> None:
        command = [
            str(BIN / "rasa"),
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(self.action_port),
        ]
        self.actions = self._start("actions.log", command)
        wait_until_healthy(
            self.actions, f"http://127.0.0.1:{self.action_port}/health", self.log("actions.log")
        )

    def stop_actions(self) -> None:
        stop(self.actions)

    def start_rasa(self) -> None:
        command = [str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.rasa_port)]
        command += ["--endpoints", str(self.endpoints_file), "--credentials", str(self.credentials_file)]
        self.rasa = self._start("rasa.log", command)
        self.rasa_starts += 1
        wait_until_healthy(self.rasa, self.url("/webhooks/rest/"), self.log("rasa.log"))

    def stop_rasa(self, sig: int = signal.SIGTERM) -> int:
        assert self.rasa is not None
        stop(self.rasa, sig)
        return self.rasa.returncode

    def start(self) -> Assistant:
        self.start_actions()
        self.start_rasa()
        return self

    def stop_all(self) -> None:
        stop(self.rasa)
        stop(self.actions)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.rasa_port}{path}"

    def rasa_alive(self) -> bool:
        return self.rasa is not None and self.rasa.poll() is None

    def tracker(self, sender_id: str):
        """The conversation as the server stored it, read with the server's own tracker store class."""
        from rasa.core.tracker_store import TrackerStore
        from rasa.shared.core.domain import Domain
        from rasa.utils.endpoints import EndpointConfig

        config = endpoints(self.env, self.action_port)["tracker_store"]
        store = TrackerStore.create(
            EndpointConfig.from_dict(config), domain=Domain.load(str(ROOT / "domain.yml"))
        )
        try:
            return asyncio.run(store.retrieve(sender_id))
        finally:
            store.engine.dispose()


@dataclass
class Reply:
    status: int
    messages: list[dict]

    @property
    def text(self) -> str:
        return "\n".join(message.get("text", "") for message in self.messages)


class RestClient:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.session = requests.Session()

    def post_raw(self, body: bytes, content_type: str = "application/json") -> Reply:
        response = self.session.post(
            self.assistant.url("/webhooks/rest/webhook"), data=body, headers={"Content-Type": content_type},
            timeout=120,
        )  # fmt: skip
        try:
            messages = response.json()
        except ValueError:
            messages = []
        return Reply(response.status_code, messages if isinstance(messages, list) else [])

    def say(self, sender: str, message) -> Reply:
        import json

        return self.post_raw(json.dumps({"sender": sender, "message": message}).encode())


class SocketClient:
    """One browser-like socket.io conversation (the widget's events, web/widget/), collecting replies."""

    def __init__(self, assistant: Assistant) -> None:
        import socketio

        self.client = socketio.Client(reconnection=False)
        self.replies: list[dict] = []
        self.arrived = threading.Condition()
        self.session_id: str | None = None

        @self.client.on("session_confirm")
        def confirmed(session_id):
            with self.arrived:
                self.session_id = session_id
                self.arrived.notify_all()

        @self.client.on("bot_uttered")
        def uttered(message):
            with self.arrived:
                self.replies.append(message)
                self.arrived.notify_all()

        # Long polling: the sync client needs the websocket-client package for WebSocket, not installed.
        self.client.connect(assistant.url(""), transports=["polling"], socketio_path="/socket.io")
        self.client.emit("session_request", {"session_id": None})
        with self.arrived:
            assert self.arrived.wait_for(lambda: self.session_id is not None, timeout=30), "no session"

    def say(self, message, quiet: float = 0.4, timeout: float = 60) -> list[dict]:
        """Send a message; return the replies that came until none came for `quiet` seconds."""
        with self.arrived:
            before = len(self.replies)
        self.client.emit("user_uttered", {"message": message, "session_id": self.session_id})
        deadline = time.monotonic() + timeout
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.replies) > before, timeout=timeout):
                return []
            seen = len(self.replies)
            while time.monotonic() < deadline:
                self.arrived.wait(timeout=quiet)
                if len(self.replies) == seen:
                    break
                seen = len(self.replies)
            return self.replies[before:]

    def close(self) -> None:
        self.client.disconnect()


def asked_question(messages: list[dict]) -> str | None:
    """The slot or question group the last question among these replies asks about."""
    asked = [
        QUESTIONS.get(m.get("text", "")) or GROUP_QUESTIONS.get(m.get("text", "")[:30]) for m in messages
    ]
    asked = [name for name in asked if name]
    return asked[-1] if asked else None


def slots(tracker, *names: str) -> dict:
    return {name: tracker.get_slot(name) for name in names}


def running(assistant: Assistant) -> Iterator[Assistant]:
    try:
        yield assistant.start()
    finally:
        assistant.stop_all()
