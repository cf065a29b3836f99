"""The README's run command, end to end: it starts both servers, answers through the REST webhook,
remembers the conversation in the SQL store, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_until_up(process: subprocess.Popen, port: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the run command exited early:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/rest/", timeout=2):
                return
        except OSError:
            time.sleep(1)
    pytest.fail("the assistant did not come up in time")


@pytest.fixture(scope="module")
def running_assistant(tmp_path_factory):
    rasa_port, action_port = free_port(), free_port()
    database = tmp_path_factory.mktemp("db") / "tracker.db"
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        DATABASE_URL=f"sqlite:///{database}",
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/assistant.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(process, rasa_port)
        yield process, rasa_port, database
    finally:
        if process.poll() is None:
            process.kill()


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_hi_gets_a_greeting_the_menu_and_the_privacy_notice(running_assistant):
    _, port, _ = running_assistant
    replies = texts(post(port, "e2e-first", "hi"))
    assert "guidance assistant for Hong Kong talent visas" in replies
    assert "privacy" in replies.lower()
    assert "QMAS" in replies


def test_the_privacy_notice_is_not_repeated_in_the_same_conversation(running_assistant):
    _, port, database = running_assistant
    post(port, "e2e-second", "hello")
    replies = texts(post(port, "e2e-second", "hey there"))
    assert "guidance assistant" in replies
    assert "privacy" not in replies.lower()
    assert database.exists()  # the conversation went to the SQL tracker store


def test_ctrl_c_stops_both_servers_cleanly(running_assistant):
    process, port, _ = running_assistant
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/rest/", timeout=2)
