"""How long each custom action takes, as the Rasa server waits for it: the basis of HKTA_ACTION_TIMEOUT's
default (docs/decisions/0602).

Starts our action server and Rasa server (scripts/assistant.py's own functions, SQLite in a scratch
folder) with a timing proxy between them, runs full interviews of every persona of bench/personas.yaml
one at a time, then follow-up requests (show my answers, save my result, start over...), and prints, per
action, the calls, median, 95th percentile and slowest time, to stdout and bench/report/action-times.json.

    python -m bench.action_times [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path

import aiohttp
from aiohttp import web

from bench import effort, load
from scripts import assistant

REPORT = Path(__file__).resolve().parent / "report" / "action-times.json"


class TimingProxy:
    """Forwards the Rasa server's action calls to the action server, timing each by action name."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.port = load.free_port()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.loop = asyncio.new_event_loop()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        name = json.loads(body).get("next_action", "?")
        started = time.perf_counter()
        async with self.session.post(
            self.target, data=body, headers={"Content-Type": "application/json"}
        ) as response:
            answer = await response.read()
            status = response.status
        self.seconds[name].append(time.perf_counter() - started)
        return web.Response(body=answer, status=status, content_type="application/json")

    def start(self) -> TimingProxy:
        ready = threading.Event()

        async def serve() -> None:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_post("/webhook", self._forward)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(serve())
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(30)
        return self

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"


FOLLOW_UPS = ["show my answers", "why?", "save my result", "what documents do I need?", "start over", "yes"]


class InterviewThenFollowUps(load.Script):
    def __init__(self, interview: load.Interview) -> None:
        self.interview, self.extra = interview, list(FOLLOW_UPS)

    def first(self) -> str:
        return self.interview.first()

    def next(self, replies: list[dict]) -> str | None:
        message = self.interview.next(replies)
        if message is not None:
            return message
        return self.extra.pop(0) if self.extra else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="interviews of every persona (default 1)")
    args = parser.parse_args()

    workdir = load.scratch_dir("action-times")
    action_port = load.free_port()
    proxy = TimingProxy(f"http://127.0.0.1:{action_port}/webhook").start()
    os.environ["ACTION_SERVER_URL"] = proxy.url()
    assistant.LOGS = workdir / "logs"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'tracker.db'}"
    model = assistant.ensure_model()
    rasa_port = load.free_port()
    servers = assistant.start_servers(model, rasa_port, action_port)
    try:
        helper = load.Helper()
        people = effort.personas()
        scripts = [
            InterviewThenFollowUps(load.Interview(helper, people[i % len(people)]))
            for i in range(len(people) * args.rounds)
        ]
        result = load.run_conversations(f"http://127.0.0.1:{rasa_port}", scripts, concurrency=1)
    finally:
        assistant.stop_all(servers)

    rows = {
        name: {
            "calls": len(times),
            "median_s": round(statistics.median(times), 3),
            "p95_s": round(sorted(times)[math.ceil(len(times) * 0.95) - 1], 3),
            "max_s": round(max(times), 3),
        }
        for name, times in sorted(proxy.seconds.items(), key=lambda item: -max(item[1]))
    }
    every = [t for times in proxy.seconds.values() for t in times]
    report = {
        "conversations": len(scripts),
        "turns": len(result.turns),
        "turn_errors": result.errors,
        "action_calls": len(every),
        "slowest_action_s": round(max(every), 3),
        "actions": rows,
    }
    print(f"{'action':40} {'calls':>6} {'median':>8} {'p95':>8} {'max':>8}")
    for name, row in rows.items():
        print(f"{name:40} {row['calls']:6} {row['median_s']:8.3f} {row['p95_s']:8.3f} {row['max_s']:8.3f}")
    print(f"{len(every)} calls in {len(result.turns)} turns; slowest {report['slowest_action_s']} s")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
