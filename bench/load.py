"""Servers and scripted conversations for the speed benchmarks (bench/run_all.py drives them).

Our stack is started with scripts/assistant.py's own functions (action server, Rasa server, SQL tracker
store on SQLite, as `make run` starts them, without the demo page); the reference is Rasa's starter bot
(`rasa init --no-prompt`) in a temporary folder, with its own SQL tracker store on SQLite. Both are
spoken to through the REST webhook by closed-loop clients: each conversation sends its next message as
soon as the previous answer arrives, and a level of N keeps N conversations in flight.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

from bench import effort
from scripts import assistant

ROOT = Path(__file__).resolve().parents[1]

# The starter bot's side of a greet/mood exchange; cycled to the length of our conversations.
STARTER_MESSAGES = [
    "hello there",
    "I am feeling sad",
    "no",
    "are you a bot?",
    "I am great",
    "yes",
    "are you a human?",
    "goodbye",
]

# Said after the result in a long conversation (what an applicant asks next), cycled.
FOLLOW_UPS = [
    "what if I earned 2.6m?",
    "show my answers",
    "how much does it cost to apply for ttps",
    "actually I'm 35",
    "why do you ask?",
    "what documents do i need for qmas",
]
# The same message at every probed turn, so the probes differ only in the conversation's length.
PROBE = "how long does ttps take"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- servers


@dataclass
class Stack:
    """A running bot: its REST webhook and the servers behind it."""

    name: str
    url: str
    servers: list[assistant.Server]
    workdir: Path
    notes: dict = field(default_factory=dict)

    def pids(self) -> dict[str, int]:
        return {server.name: server.process.pid for server in self.servers}

    def stop(self) -> None:
        assistant.stop_all(self.servers)


def start_ours(workdir: Path) -> Stack:
    """Action server + Rasa server + SQL tracker store on a fresh SQLite file, as `make run` starts them."""
    workdir.mkdir(parents=True, exist_ok=True)
    assistant.LOGS = workdir / "logs"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'tracker.db'}"
    model = assistant.ensure_model()
    rasa_port, action_port = free_port(), free_port()
    servers = assistant.start_servers(model, rasa_port, action_port)
    return Stack("ours", f"http://127.0.0.1:{rasa_port}", servers, workdir, {"model": model.name})


def train_starter(workdir: Path) -> float:
    """`rasa init --no-prompt` into workdir (it trains the model there); returns the seconds it took."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    started = time.monotonic()
    with (workdir / "init.log").open("w") as log:
        result = subprocess.run(
            [str(assistant.BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(workdir)],
            cwd=workdir, env=assistant.quiet_env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    if result.returncode != 0 or not list((workdir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed; see {workdir / 'init.log'}")
    return time.monotonic() - started


def start_starter(workdir: Path) -> Stack:
    """The starter bot's Rasa server with an SQL tracker store on SQLite, like ours. It has no custom
    actions (its actions.py is all comments), so it runs no action server."""
    endpoints = workdir / "bench-endpoints.yml"
    store = {"type": "SQL", "dialect": "sqlite", "db": str(workdir / "tracker.db")}
    endpoints.write_text(yaml.safe_dump({"tracker_store": store}))
    model = max((workdir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assistant.LOGS = workdir / "logs"
    port = free_port()
    command = [str(assistant.BIN / "rasa"), "run", "--model", str(model), "--port", str(port)]
    command += ["--endpoints", str(endpoints), "--credentials", str(workdir / "credentials.yml")]
    server = assistant.start("starter", command, f"http://127.0.0.1:{port}/webhooks/rest/")
    deadline = time.monotonic() + float(os.environ.get("HKTA_STARTUP_TIMEOUT", "300"))
    while not server.is_healthy():
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the starter bot did not start:\n{server.log_tail()}")
        time.sleep(0.5)
    return Stack("starter", f"http://127.0.0.1:{port}", [server], workdir, {"model": model.name})


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in bytes."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    return total


# ---------------------------------------------------------------- conversations


class Script:
    """One side of a conversation: the first message, then the next one given the bot's replies."""

    def first(self) -> str:
        raise NotImplementedError

    def next(self, replies: list[dict]) -> str | None:
        """The next message, or None when the conversation is over."""
        raise NotImplementedError


class Interview(Script):
    """An applicant (a persona of bench/personas.yaml) answering the interview until the result, as
    bench/effort.py's REST mode does; then, if `turns` asks for more, follow-up questions, with PROBE
    sent at the turns in `probes`."""

    def __init__(self, helper: Helper, persona: dict, turns: int | None = None, probes: tuple[int, ...] = ()):
        self.helper, self.persona, self.turns, self.probes = helper, persona, turns, probes
        self.sent, self.done, self.follow_ups = 0, False, itertools.cycle(FOLLOW_UPS)
        self.result_at: int | None = None

    def first(self) -> str:
        self.sent = 1
        return PROBE if 1 in self.probes else self.persona["opening"]

    def next(self, replies: list[dict]) -> str | None:
        if any(r.get("custom", {}).get("type") == "assessment" for r in replies) and self.result_at is None:
            self.result_at, self.done = self.sent, True
        if self.turns is None and (self.done or self.sent >= effort.MAX_MESSAGES):
            return None
        if self.turns is not None and self.sent >= self.turns:
            return None
        self.sent += 1
        if self.sent in self.probes:
            return PROBE
        if self.done:
            return next(self.follow_ups)
        return self.helper.answer(self.persona, replies)


class Exchange(Script):
    """The starter bot's scripted greet/mood exchange of a given length."""

    def __init__(self, length: int):
        self.messages = list(itertools.islice(itertools.cycle(STARTER_MESSAGES), length))
        self.sent = 0

    def first(self) -> str:
        self.sent = 1
        return self.messages[0]

    def next(self, replies: list[dict]) -> str | None:
        if self.sent >= len(self.messages):
            return None
        self.sent += 1
        return self.messages[self.sent - 1]


class Helper:
    """Reads our bot's questions from its replies and picks the persona's answer (bench/effort.py's REST
    logic); answers are cached because 50 concurrent clients ask the same things."""

    def __init__(self) -> None:
        self.rest = effort.OverRest("http://unused")
        self.openings = effort.OverRest._group_openings()
        self.cache: dict[tuple[str, str], str] = {}

    def answer(self, persona: dict, replies: list[dict]) -> str:
        texts = [r.get("text", "") for r in replies]
        key = (persona["name"], "\n".join(texts))
        if key not in self.cache:
            grouped = [t for t in texts if t[:30] in self.openings]
            if grouped:
                self.cache[key] = self.rest._group_reply(persona, grouped[-1])
            else:
                asked = [self.rest.questions[t] for t in texts if t in self.rest.questions]
                self.cache[key] = persona["answers"].get(asked[-1], "skip") if asked else "skip"
        return self.cache[key]


@dataclass
class Turn:
    conversation: int
    number: int  # 1-based turn within its conversation
    message: str
    seconds: float
    ok: bool


@dataclass
class LevelResult:
    turns: list[Turn]
    wall_seconds: float
    errors: int

    def latencies(self) -> list[float]:
        return [t.seconds for t in self.turns if t.ok]


async def _converse(
    session: aiohttp.ClientSession, url: str, index: int, script: Script, sender: str, turns: list[Turn]
) -> int:
    errors = 0
    message: str | None = script.first()
    number = 0
    while message is not None:
        number += 1
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": message}) as response:
                replies = await response.json(content_type=None) if response.status == 200 else []
                ok = response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
            replies, ok = [], False
        turns.append(Turn(index, number, message, time.perf_counter() - started, ok))
        if not ok:
            errors += 1
            if errors >= 3:
                break  # the server is in trouble: stop this conversation rather than loop
        message = script.next(replies or [])
    return errors


async def _run(url: str, scripts: list[Script], concurrency: int, label: str) -> LevelResult:
    endpoint = url.rstrip("/") + "/webhooks/rest/webhook"
    turns: list[Turn] = []
    gate = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=300)
    run_id = uuid.uuid4().hex[:8]

    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one(index: int, script: Script) -> int:
            async with gate:
                return await _converse(
                    session, endpoint, index, script, f"bench-{label}-{run_id}-{index}", turns
                )

        started = time.perf_counter()
        errors = await asyncio.gather(*(one(i, s) for i, s in enumerate(scripts)))
        wall = time.perf_counter() - started
    return LevelResult(turns, wall, sum(errors))


def run_conversations(url: str, scripts: list[Script], concurrency: int, label: str = "load") -> LevelResult:
    """Run every script against the bot at `url`, `concurrency` conversations in flight at a time."""
    return asyncio.run(_run(url, scripts, concurrency, label))


def interviews(helper: Helper, count: int, offset: int = 0) -> list[Script]:
    """`count` interviews, the personas taken in turn, so every level sees the same mix."""
    people = effort.personas()
    return [Interview(helper, people[(offset + i) % len(people)]) for i in range(count)]


def exchanges(lengths: list[int]) -> list[Script]:
    return [Exchange(n) for n in lengths]


def wait_until_answering(url: str, timeout: float) -> float:
    """Post "hi" until the bot answers; the seconds that took (used by the start-up measure)."""
    import urllib.error
    import urllib.request

    started = time.monotonic()
    request = urllib.request.Request(
        url.rstrip("/") + "/webhooks/rest/webhook",
        data=json.dumps({"sender": f"bench-start-{uuid.uuid4().hex[:8]}", "message": "hi"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if json.loads(response.read()):
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError, json.JSONDecodeError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} after {timeout:.0f} s")


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


Factory = Callable[[], list[Script]]
