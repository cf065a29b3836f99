"""How long rebuilding a tracker takes, Rasa's way and ours (rasa_addons/tracker_replay.py), by length.

    .venv/bin/python bench/tracker_replay.py            # 50, 300 and 1,000 turns; 1 turn in 4 rewinds

Rasa rebuilds the tracker from the store at every message and copies it for every action it runs. Each
turn here is a real turn's events (the user's message, the form and its slot, the bot's question, the
listen); one turn in four is unclear and ends with the core fallback's rewind (UserUtteranceReverted), as
gibberish or a flood of one sender's messages does. Prints milliseconds per rebuild (from_events + one
copy, the median of several) for both, and their ratio, taken in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.slots import FloatSlot
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons import tracker_replay


def conversation(turns: int, rewind_every: int) -> list:
    events = []
    for n in range(turns):
        events += [
            UserUttered(f"message {n}", {"name": "inform", "confidence": 0.9}),
            ActionExecuted("profile_form"),
            SlotSet("age", float(n)),
            BotUttered("How old are you?"),
            ActionExecuted("action_listen"),
        ]
        if rewind_every and n % rewind_every == rewind_every - 1:
            events += [
                ActionExecuted("action_default_fallback"),
                BotUttered("Sorry?"),
                UserUtteranceReverted(),
            ]
    return events


def rebuild_ms(events: list, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        tracker = DialogueStateTracker.from_events("bench", events, [FloatSlot("age", mappings=[{}])])
        tracker.copy()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", default="50,300,1000")
    parser.add_argument("--rewind-every", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| turns | events | Rasa's rebuild ms | ours ms | Rasa's / ours |\n|---|---|---|---|---|")
    for turns in (int(t) for t in args.turns.split(",")):
        events = conversation(turns, args.rewind_every)
        ours = rebuild_ms(events, args.repeats)
        tracker_replay.uninstall()
        try:
            stock = rebuild_ms(events, args.repeats)
        finally:
            tracker_replay.install()
        print(f"| {turns} | {len(events)} | {stock:.1f} | {ours:.1f} | {stock / ours:.1f}x |")


if __name__ == "__main__":
    main()
