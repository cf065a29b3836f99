"""Where a turn's time goes: py-spy samples our Rasa and action servers under 10 concurrent interviews.

    pip install --target /tmp/pyspy py-spy          # a throwaway place, not the project's venv
    .venv/bin/python bench/pyspy_profile.py --py-spy /tmp/pyspy/bin/py-spy [--seconds 60] [--out bench/report]
    .venv/bin/python bench/pyspy_profile.py --shares bench/report/profile-rasa.txt.gz  # re-read a recording

Writes profile.md (and the raw collapsed stacks, profile-*.txt.gz) to --out. Shares are of each
server's busy samples (a stack waiting in the event loop counts as idle), grouped by the innermost frame
that names a known part; they are relative, so the machine's load does not skew them much.
About 3 minutes.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.run_all import load_average, stamp  # noqa: E402
from bench.stats import markdown_table  # noqa: E402

# The first matching part, looking from the innermost frame outwards, names a sample's cost. py-spy
# writes paths relative to their site-packages or the project ("(bot/engine.py:1)"), hence the "(".
PARTS = [
    ("JSON-schema check of action server replies (jsonschema)", ("(jsonschema/",)),
    ("TensorFlow (DIET/TED inference)", ("(tensorflow/", "(keras/")),
    ("spaCy pipeline", ("(spacy/", "(thinc/")),
    ("SQL tracker store (SQLAlchemy, SQLite)", ("(sqlalchemy/", "(sqlite3/", "tracker_store.py")),
    (
        "tracker featurisation and states",
        (
            "(rasa/core/featurizers/",
            "(rasa/shared/core/trackers.py",
            "(rasa/core/policies/rule_policy.py",
            "(rasa/core/policies/memoization.py",
        ),
    ),
    ("NLU featurisers and classifiers", ("(rasa/nlu/",)),
    ("events and JSON (de)serialisation", ("(rasa/shared/core/events.py", "(json/", "ujson")),
    ("our domain core (bot/)", ("(bot/",)),
    ("our actions (actions/)", ("(actions/",)),
    ("HTTP servers and clients (Sanic, aiohttp)", ("(sanic/", "(aiohttp/", "(asyncio/")),
    ("Rasa engine and other Rasa code", ("(rasa/", "(rasa_sdk/")),
]
# py-spy cannot always tell an idle thread: a stack ending in the event loop's wait is one.
IDLE = (
    "serve (sanic/server/runners.py",
    "select (selectors.py",
    "run_forever (asyncio/",
    "_run_once (asyncio/",
)
IDLE_PART = "idle (event loop waiting)"


def part_of(stack: str) -> str:
    frames = stack.split(";")
    if frames[-1].startswith(IDLE):
        return IDLE_PART
    for frame in reversed(frames):
        for name, needles in PARTS:
            if any(needle in frame for needle in needles):
                return name
    return "other (Python runtime, libraries)"


def shares(collapsed: Path) -> tuple[int, Counter]:
    """py-spy's raw format: one "frame;frame;... count" line per distinct stack."""
    counts: Counter = Counter()
    raw = gzip.decompress(collapsed.read_bytes()) if collapsed.suffix == ".gz" else collapsed.read_bytes()
    for line in raw.decode(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[part_of(stack)] += int(number)
    return sum(counts.values()), counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--py-spy", help="the py-spy executable")
    parser.add_argument("--shares", type=Path, help="only print the shares of an earlier run's raw file")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    args = parser.parse_args()
    if args.shares:
        total, counts = shares(args.shares)
        for part, n in counts.most_common():
            print(f"{100 * n / total:5.1f}%  {n:>6}  {part}")
        return 0
    if not args.py_spy:
        parser.error("--py-spy is required to record")
    args.out.mkdir(parents=True, exist_ok=True)
    helper = load.Helper()
    ours = load.start_ours(ROOT / "results" / "bench-profile")
    taken = stamp()
    try:
        load.run_conversations(ours.url, load.interviews(helper, 3), 1, "warm")
        records = {}
        for name, pid in ours.pids().items():
            path = args.out / f"profile-{name}.txt"
            command = [args.py_spy, "record", "--pid", str(pid), "--duration", str(args.seconds)]
            command += ["--rate", "50", "--format", "raw", "--output", str(path), "--nonblocking"]
            records[name] = (
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
                path,
            )
        stop = threading.Event()
        turns = 0

        def drive() -> None:  # keep 10 interviews in flight until py-spy is done
            nonlocal turns
            offset = 0
            while not stop.is_set():
                turns += len(
                    load.run_conversations(ours.url, load.interviews(helper, 10, offset), 10, "p").turns
                )
                offset += 10

        driver = threading.Thread(target=drive, daemon=True)
        driver.start()
        for process, _ in records.values():
            process.wait()
        stop.set()
        driver.join()
    finally:
        ours.stop()
    lines = [
        "# Profile: where a turn's time goes",
        "",
        f"`bench/pyspy_profile.py` at {taken['taken']} (load average {taken['load']} to "
        f"{load_average()}): py-spy "
        f"sampled each server for {args.seconds} s (50 Hz) while 10 interviews at a time "
        f"ran, {turns} turns.",
        "",
    ]
    for name, (_, path) in records.items():
        total, counts = shares(path) if path.exists() else (0, Counter())
        if path.exists():  # kept, compressed (megabytes of stacks), for --shares and flame graphs
            Path(f"{path}.gz").write_bytes(gzip.compress(path.read_bytes()))
            path.unlink()
        idle = counts.pop(IDLE_PART, 0)
        busy = total - idle
        rows = [[part, f"{100 * n / busy:.0f}%", n] for part, n in counts.most_common()] if busy else []
        lines += [
            f"## {name} server: busy in {busy} of {total} samples ({100 * busy / max(total, 1):.0f}%)",
            "",
            "Shares of the busy samples:",
            "",
            markdown_table(["part", "share", "samples"], rows),
            "",
        ]
    report = args.out / "profile.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
