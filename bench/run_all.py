"""Every benchmark, side by side: speed, how cost grows, understanding, effort, the engine, start-up.

    .venv/bin/python bench/run_all.py                  # everything; writes bench/report/ (report.md, PNGs)
    .venv/bin/python bench/run_all.py --quick          # a smoke run; writes results/bench/
    .venv/bin/python bench/run_all.py --only latency,memory
    .venv/bin/python bench/run_all.py --report-only    # re-write report.md and the PNGs from results.json

Stages (--only takes any of them, comma-separated; a partial run keeps the other stages' last results in
the same --out folder and says when each was taken):

  engine    assessments per second on one core (bench/engine.py)                    ~10 s
  effort    messages to the full comparison for every persona, through a running assistant
            (the real NLU) and in process, and a form's pages                       ~1 min
  startup   `scripts/assistant.py run`, model already trained, to the first answer   ~1 min per start
  latency   our stack and Rasa's starter bot (trained here first, ~3 min) under 1, 10 and 50 concurrent
            scripted conversations, interleaved so both see the same machine       ~15 min
  growth    per-turn latency at turns 5, 20 and 50 of long conversations            ~5 min
  memory    the servers' resident memory before and after 1,000 short conversations ~10 min
  nlu       `rasa test nlu` cross-validation (bench/nlu.py) and its confusion matrix ~10 min

The full run takes 20 minutes on two quiet cores, 35 when they are shared (--quick: about 15).
Figures are medians and ratios taken in the same run, because absolute times drift with the machine's
load, which the report records (os.getloadavg) at every stage. Targets are reported here, never
asserted by tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench import effort, engine, load, plots  # noqa: E402
from bench import nlu as nlu_bench  # noqa: E402
from bench.stats import (  # noqa: E402
    confusion_counts,
    fmt,
    growth,
    markdown_table,
    ratio,
    summarise_latencies,
    text_table,
    verdict,
    within,
)

LEVELS = (1, 10, 50)
P95_RATIO_TARGET = 1.5  # issue 7: p95 at 10 concurrent conversations within 1.5x the starter bot's
PROBED_TURNS = (5, 20, 50)
STAGES = ("latency", "growth", "memory", "startup", "engine", "effort", "nlu")  # timed ones first


def say(message: str) -> None:
    print(f"\033[1m--> {message}\033[0m", flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def stamp() -> dict:
    return {"taken": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "load": load_average()}


# ---------------------------------------------------------------- stages


def stage_engine(args: argparse.Namespace) -> dict:
    return engine.figures(1.0 if args.quick else 3.0)


def stage_effort(args: argparse.Namespace) -> dict:
    """Every persona through the running assistant (the real NLU, as a user meets it) and in process
    (the interview logic alone): a persona that needs more over REST was misread by the classifier,
    which only the REST run can show (one such reply once looped for ever)."""
    local = effort.InProcess()
    in_process = {name: messages for name, messages, _ in effort.table(local, local)}
    ours = load.start_ours(args.work / "ours-effort")
    try:
        rows = effort.table(effort.OverRest(ours.url, local), local)
    finally:
        ours.stop()
    people = [
        {"name": n, "messages": m, "messages_in_process": in_process[n], "form_pages": p} for n, m, p in rows
    ]
    return {
        "personas": people,
        "median_messages": statistics.median(p["messages"] for p in people),
        "median_messages_in_process": statistics.median(p["messages_in_process"] for p in people),
        "median_form_pages": statistics.median(p["form_pages"] for p in people),
        "misread_over_rest": [p["name"] for p in people if p["messages"] > p["messages_in_process"]],
    }


def stage_startup(args: argparse.Namespace) -> dict:
    """The README's run command with the model already trained, to the first answer on the webhook."""
    model = trained_model(args)
    times = []
    for attempt in range(1 if args.quick else 2):
        work = args.work / f"startup-{attempt}"
        work.mkdir(parents=True, exist_ok=True)
        rasa_port, action_port, web_port = load.free_port(), load.free_port(), load.free_port()
        env = dict(
            os.environ,
            RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port), WEB_PORT=str(web_port),
            DATABASE_URL=f"sqlite:///{work / 'tracker.db'}", HKTA_LOG_DIR=str(work / "logs"),
        )  # fmt: skip
        started = time.monotonic()
        with (work / "run.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "scripts/assistant.py", "run"], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                load.wait_until_answering(f"http://127.0.0.1:{rasa_port}", timeout=600)
                times.append(time.monotonic() - started)
                say(f"start-up {attempt + 1}: {times[-1]:.1f} s")
                # Rasa can answer before the demo page is up; a Ctrl-C before "is running" would leave
                # the servers behind, so stop only once the command watches over them.
                deadline = time.monotonic() + 120
                while "The assistant is running" not in (work / "run.log").read_text(errors="replace"):
                    if time.monotonic() > deadline or process.poll() is not None:
                        break
                    time.sleep(0.2)
            finally:
                process.send_signal(signal.SIGINT)  # as Ctrl-C: it stops its servers itself
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
    return {"seconds": times, "median_seconds": statistics.median(times), "model": model}


def trained_model(args: argparse.Namespace) -> str:
    """Train now if needed, so no stage counts training as start-up or latency."""
    from scripts import assistant

    return assistant.ensure_model().name


def _level_figures(results: list[load.LevelResult]) -> dict:
    """Pool the rounds of one bot at one level: latencies together, wall time summed."""
    latencies = [s for r in results for s in r.latencies()]
    wall = sum(r.wall_seconds for r in results)
    summary = summarise_latencies(latencies, wall).as_dict()
    summary["errors"] = sum(r.errors for r in results)
    summary["conversations"] = sum(len({t.conversation for t in r.turns}) for r in results)
    return summary


def stage_latency(args: argparse.Namespace) -> dict:
    say("Training Rasa's starter bot (rasa init --no-prompt) in a temporary folder")
    starter_dir = args.work / "starter"
    train_seconds = load.train_starter(starter_dir)
    say(f"starter bot trained in {train_seconds:.0f} s")
    helper = load.Helper()
    ours = load.start_ours(args.work / "ours-latency")
    starter = load.start_starter(starter_dir)
    try:
        # Warm-up (first calls load TensorFlow graphs, fill caches); it also gives our conversations'
        # lengths, which the starter bot's exchanges copy so both sides talk for as long.
        warm = load.run_conversations(ours.url, load.interviews(helper, len(effort.personas())), 1, "warm")
        lengths = [
            max(t.number for t in warm.turns if t.conversation == c)
            for c in {t.conversation for t in warm.turns}
        ]
        load.run_conversations(starter.url, load.exchanges(lengths), 1, "warm")
        exchange_length = round(statistics.median(lengths))
        rounds = 2  # each level alternates ours, starter, ours, starter, so drifting load hits both
        levels = {}
        for level in LEVELS:
            # At least `level` conversations per round, or the level is never reached; twice as many in
            # a full run, so most turns are taken at full concurrency rather than in the tail.
            per_round = level if args.quick else max(2 * level, 5)
            results: dict[str, list[load.LevelResult]] = {"ours": [], "starter": []}
            for r in range(rounds):
                say(f"level {level}: round {r + 1}/{rounds}, {per_round} conversations each")
                results["ours"].append(
                    load.run_conversations(
                        ours.url, load.interviews(helper, per_round, offset=r), level, f"c{level}"
                    )
                )
                results["starter"].append(
                    load.run_conversations(
                        starter.url, load.exchanges([exchange_length] * per_round), level, f"c{level}"
                    )
                )
            figures = {bot: _level_figures(res) for bot, res in results.items()}
            figures["ratio"] = {
                key: ratio(figures["ours"][key], figures["starter"][key])
                for key in ("p50_ms", "p95_ms", "p99_ms", "messages_per_second")
            }
            figures["load"] = load_average()
            levels[str(level)] = figures
            say(
                f"level {level}: p95 ours {figures['ours']['p95_ms']:.0f} ms, "
                f"starter {figures['starter']['p95_ms']:.0f} ms, ratio {figures['ratio']['p95_ms']:.2f}"
            )
    finally:
        ours.stop()
        starter.stop()
    p95_ratio = levels["10"]["ratio"]["p95_ms"]
    return {
        "levels": levels,
        "turns_per_conversation": {"ours_median": statistics.median(lengths), "starter": exchange_length},
        "starter_train_seconds": train_seconds,
        "p95_ratio_at_10": p95_ratio,
        "target_met": within(p95_ratio, P95_RATIO_TARGET),
    }


def stage_growth(args: argparse.Namespace) -> dict:
    """Long conversations: the same probe message at turns 5, 20 and 50, follow-ups in between."""
    helper = load.Helper()
    ours = load.start_ours(args.work / "ours-growth")
    people = effort.personas()
    count = 1 if args.quick else 3
    try:
        load.run_conversations(ours.url, load.interviews(helper, 2), 1, "warm")
        scripts = [
            load.Interview(helper, people[i % len(people)], PROBED_TURNS[-1], PROBED_TURNS)
            for i in range(count)
        ]
        result = load.run_conversations(ours.url, scripts, 1, "long")
    finally:
        ours.stop()
    probes = {n: [t.seconds * 1000 for t in result.turns if t.number == n and t.ok] for n in PROBED_TURNS}
    by_turn: dict[int, list[float]] = {}
    for t in result.turns:
        if t.ok:
            by_turn.setdefault(t.number, []).append(t.seconds * 1000)
    medians = growth(probes)
    return {
        "conversations": count,
        "probe": load.PROBE,
        "result_at_turn": [s.result_at for s in scripts],
        "probe_median_ms": {str(k): v for k, v in medians.items()},
        "ratio_50_to_5": ratio(medians.get(50, 0.0), medians.get(5, 0.0)),
        # Turn 5 is mid-interview (the probe is answered, then the question asked again); 20 and 50 both
        # come after the result, so 50 vs 20 is the cleaner view of length alone.
        "ratio_50_to_20": ratio(medians.get(50, 0.0), medians.get(20, 0.0)),
        "every_turn_median_ms": {str(k): statistics.median(v) for k, v in sorted(by_turn.items())},
        "errors": result.errors,
    }


def stage_memory(args: argparse.Namespace) -> dict:
    """1,000 short conversations (a greeting, then a detail or two) at 10 at a time; RSS as they go."""
    helper = load.Helper()
    ours = load.start_ours(args.work / "ours-memory")
    total = 100 if args.quick else 1000
    step = total // 4
    people = effort.personas()
    samples = []
    try:
        load.run_conversations(ours.url, load.interviews(helper, 2), 1, "warm")

        def sample(done: int) -> None:
            samples.append({"conversations": done, **{n: load.rss_bytes(p) for n, p in ours.pids().items()}})

        sample(0)
        errors = 0
        for done in range(step, total + 1, step):
            scripts = [load.Interview(helper, people[(done + i) % len(people)], 3) for i in range(step)]
            errors += load.run_conversations(ours.url, scripts, 10, f"m{done}").errors
            sample(done)
            say(f"memory: {done} conversations, rasa {samples[-1]['rasa'] / 2**20:.0f} MiB")
    finally:
        ours.stop()
    return {"conversations": total, "turns_each": 3, "samples": samples, "errors": errors}


def stage_nlu(args: argparse.Namespace) -> dict:
    out = args.work / "nlu_cv"
    folds = 2 if args.quick else 3
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "nlu.py"), "--folds", str(folds), "--out", str(out)], cwd=ROOT
    )
    accuracy, macro_f1, pairs, per_intent = nlu_bench.intent_figures(out)
    if accuracy is None:
        raise RuntimeError(f"bench/nlu.py wrote no intent report (exit {completed.returncode})")
    entities = nlu_bench.entity_figures(out) or {}
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    support = {name: int(scores["support"]) for name, scores in per_intent.items() if "support" in scores}
    labels, matrix = confusion_counts(
        support, [(e["intent"], e["intent_prediction"]["name"]) for e in errors]
    )
    held_accuracy, held_macro_f1, held_pairs, held_intents = nlu_bench.intent_figures(out / "holdout")
    return {
        "folds": folds,
        "minutes": (time.monotonic() - started) / 60,
        "intent_accuracy": accuracy,
        "intent_macro_f1": macro_f1,
        "entity_micro_f1": (entities.get("micro avg") or {}).get("f1-score"),
        "entity_f1_by_label": {
            k: v.get("f1-score")
            for k, v in entities.items()
            if k not in ("micro avg", "macro avg", "weighted avg", "accuracy")
        },
        "most_confused": [{"true": t, "predicted": p, "count": c} for c, t, p in pairs[:8]],
        "outcomes": nlu_bench.outcome_shares(out),
        "holdout": None
        if held_accuracy is None
        else {
            "intent_accuracy": held_accuracy,
            "intent_macro_f1": held_macro_f1,
            "examples": sum(int(v.get("support", 0)) for v in held_intents.values()),
            "outcomes": nlu_bench.outcome_shares(out / "holdout"),
            "most_confused": [{"true": t, "predicted": p, "count": c} for c, t, p in held_pairs[:8]],
        },
        "confusion": {"labels": labels, "matrix": matrix},
        "targets": {
            "intent_accuracy": nlu_bench.INTENT_ACCURACY_TARGET,
            "entity_f1": nlu_bench.ENTITY_F1_TARGET,
        },
        "exit_status": completed.returncode,
    }


RUNNERS: dict[str, Callable[[argparse.Namespace], dict]] = {
    "engine": stage_engine,
    "effort": stage_effort,
    "startup": stage_startup,
    "latency": stage_latency,
    "growth": stage_growth,
    "memory": stage_memory,
    "nlu": stage_nlu,
}


# ---------------------------------------------------------------- the report


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    import rasa

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "system": f"{platform.system()} {platform.release()}",
    }


def summary_rows(results: dict) -> list[list[str]]:
    """(measure, ours, reference, ratio or note, target, verdict) for the headline table."""
    rows = []
    lat = results.get("latency")
    if lat:
        for level in LEVELS:
            fig = lat["levels"][str(level)]
            for key in ("p50_ms", "p95_ms", "p99_ms"):
                target = met = ""
                if level == 10 and key == "p95_ms":
                    target, met = f"ratio <= {P95_RATIO_TARGET}", verdict(lat["target_met"])
                ours, starter, times = fig["ours"][key], fig["starter"][key], fig["ratio"][key]
                name = f"{key.removesuffix('_ms')} per turn, {level} concurrent"
                rows.append(
                    [name, fmt(ours, 0, " ms"), fmt(starter, 0, " ms"), fmt(times, 2, "x"), target, met]
                )
            key = "messages_per_second"
            ours, starter, times = fig["ours"][key], fig["starter"][key], fig["ratio"][key]
            rows.append(
                [f"messages/s, {level} concurrent", fmt(ours, 1), fmt(starter, 1), fmt(times, 2, "x"), "", ""]
            )
    gro = results.get("growth")
    if gro:
        med = " / ".join(fmt(gro["probe_median_ms"].get(str(t)), 0) for t in PROBED_TURNS) + " ms"
        to_5, to_20 = fmt(gro["ratio_50_to_5"], 2, "x"), fmt(gro.get("ratio_50_to_20"), 2, "x")
        times = f"{to_5} (50 vs 5), {to_20} (50 vs 20)"
        rows.append(["turn 5 / 20 / 50 of a long conversation", med, "", times, "", ""])
    mem = results.get("memory")
    if mem:
        first, last = mem["samples"][0], mem["samples"][-1]
        for name in ("rasa", "actions"):
            measure = f"RSS of the {name} server after {mem['conversations']:,} conversations"
            before = f"from {fmt(first[name] / 2**20, 0, ' MiB')}"
            rows.append([measure, fmt(last[name] / 2**20, 0, " MiB"), "", before, "", ""])
    nlu = results.get("nlu")
    if nlu:
        accuracy, f1, targets = nlu["intent_accuracy"], nlu["entity_micro_f1"], nlu["targets"]
        met = verdict(accuracy >= targets["intent_accuracy"])
        rows.append(
            [
                "intent accuracy (cross-validation)",
                fmt(accuracy, 3),
                "",
                "",
                f">= {targets['intent_accuracy']}",
                met,
            ]
        )
        met = verdict(None if f1 is None else f1 >= targets["entity_f1"])
        rows.append(["entity F1 (micro, token level)", fmt(f1, 3), "", "", f">= {targets['entity_f1']}", met])
    eff = results.get("effort")
    if eff:
        through = ", over REST" if "median_messages_in_process" in eff else ""
        measure = f"messages to the full comparison (median, {len(eff['personas'])} personas{through})"
        pages = fmt(eff["median_form_pages"], 1) + " form pages"
        met = verdict(eff["median_messages"] <= effort.TARGET_MEDIAN)
        rows.append([measure, fmt(eff["median_messages"], 1), pages, "", f"<= {effort.TARGET_MEDIAN}", met])
    eng = results.get("engine")
    if eng:
        note = f"{fmt(eng['near_miss_per_second'], 0)} with near misses"
        met = verdict(eng["core_per_second"] >= engine.TARGET_PER_SECOND)
        target = f">= {engine.TARGET_PER_SECOND:,}"
        rows.append(["assessments/s on one core", fmt(eng["core_per_second"], 0), "", note, target, met])
    sta = results.get("startup")
    if sta:
        note = f"{len(sta['seconds'])} start(s)"
        rows.append(["start-up to the first answer", fmt(sta["median_seconds"], 1, " s"), "", note, "", ""])
    return rows


SUMMARY_HEADER = ["measure", "ours", "reference (starter bot, form)", "ratio / note", "target", "verdict"]


def write_report(results: dict, out: Path, quick: bool) -> Path:
    pictures = plots.draw_all(results, out)
    meta = results["_meta"]
    m = meta["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run_all.py{' --quick' if quick else ''}` on {meta['finished'][:10]} "
        f"({meta['started']} to {meta['finished']} UTC). Machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gib']} GiB, {m['system']}; Python {m['python']}, Rasa {m['rasa']}. The "
        "machine was shared "
        "with other jobs, so absolute times drift: compare the ratios, taken in the same run. Load average "
        f"(1, 5, 15 min) at the start {meta['load_start']}, at the end {meta['load_end']}; each "
        "stage notes its own.",
        "",
        *_earlier_stages(results),
        "## Summary",
        "",
        markdown_table(SUMMARY_HEADER, summary_rows(results)),
        "",
    ]
    if (out / "profile.md").exists():  # written by bench/pyspy_profile.py, which needs py-spy
        lines += ["Where a turn's time goes, sampled with py-spy: [profile.md](profile.md).", ""]
    lines += (
        _latency_section(results, pictures)
        + _growth_section(results, pictures)
        + _memory_section(results, pictures)
    )
    lines += (
        _nlu_section(results, pictures)
        + _effort_section(results, pictures)
        + _engine_startup_section(results)
    )
    report = out / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def _earlier_stages(results: dict) -> list[str]:
    """A partial run (--only) keeps the other stages' figures from earlier runs: say which."""
    ran = results["_meta"]["stages"]
    earlier = [name for name in STAGES if name in results and name not in ran]
    if not earlier:
        return []
    return [
        f"This run measured {', '.join(ran)}; {', '.join(earlier)} come from earlier runs, as each notes.",
        "",
    ]


def _taken(stage: dict) -> str:
    return f"_Taken {stage['_stamp']['taken']}, load average {stage['_stamp']['load']}._"


def _picture(pictures: dict, name: str, alt: str) -> list[str]:
    return [f"![{alt}]({pictures[name].name})", ""] if name in pictures else []


def _latency_section(results: dict, pictures: dict) -> list[str]:
    lat = results.get("latency")
    if not lat:
        return []
    turns = lat["turns_per_conversation"]
    rows = []
    for level in LEVELS:
        fig = lat["levels"][str(level)]
        for bot in ("ours", "starter"):
            f = fig[bot]
            percentiles = [fmt(f["p50_ms"]), fmt(f["p95_ms"]), fmt(f["p99_ms"])]
            rate = fmt(f["messages_per_second"], 1)
            rows.append(
                [level, bot, f["conversations"], f["turns"], *percentiles, rate, f["errors"], fig["load"]]
            )
    return [
        "## Latency and throughput",
        "",
        _taken(lat),
        "",
        "Our full stack (action server, Rasa server, SQL tracker store on SQLite, started by "
        "`scripts/assistant.py`'s own functions) against Rasa's starter bot (`rasa init "
        "--no-prompt`, trained "
        f"here in {lat['starter_train_seconds']:.0f} s, SQL tracker store on SQLite, no custom "
        "actions so no action "
        "server), both through the REST webhook. Each client sends its next message when the answer arrives "
        "(no think time); N conversations stay in flight. Our conversations are the personas of "
        "bench/personas.yaml answering the interview until the result (median "
        f"{turns['ours_median']:g} turns); "
        f"the starter bot's are greet/mood exchanges of {turns['starter']} turns. Each level "
        "alternates two rounds "
        "of each bot so that the machine's drifting load falls on both. Latency is per turn "
        "(request to full reply).",
        "",
        markdown_table(
            [
                "concurrent",
                "bot",
                "conversations",
                "turns",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "messages/s",
                "errors",
                "load after",
            ],
            rows,
        ),
        "",
        f"**Target** p95 at 10 concurrent within {P95_RATIO_TARGET}x the starter bot's: ratio "
        f"{fmt(lat['p95_ratio_at_10'], 2)}x, **{verdict(lat['target_met'])}**.",
        "",
        *_picture(pictures, "latency", "p50 and p95 per turn by concurrency"),
    ]


def _growth_section(results: dict, pictures: dict) -> list[str]:
    gro = results.get("growth")
    if not gro:
        return []
    med = gro["probe_median_ms"]
    return [
        "## How cost grows with a conversation's length",
        "",
        _taken(gro),
        "",
        f"{gro['conversations']} long conversation(s), one at a time: a persona's interview (result at turn "
        f"{', '.join(str(r) for r in gro['result_at_turn'])}), then follow-up questions; the same message "
        f'("{gro["probe"]}") at turns {", ".join(map(str, PROBED_TURNS))}, so those turns differ '
        "only in what "
        "came before.",
        "",
        markdown_table(["turn", "median ms"], [[t, fmt(med.get(str(t)))] for t in PROBED_TURNS]),
        "",
        f"Turn 50 costs {fmt(gro['ratio_50_to_5'], 2)}x turn 5 and "
        f"{fmt(gro.get('ratio_50_to_20'), 2)}x turn 20. "
        "Turn 5 falls inside the interview, where the probe's answer is followed by the pending question "
        "again, so 50 vs 20 (both after the result) isolates the conversation's length.",
        "",
        *_picture(pictures, "growth", "latency by turn number"),
    ]


def _memory_section(results: dict, pictures: dict) -> list[str]:
    mem = results.get("memory")
    if not mem:
        return []
    rows = [[s["conversations"], fmt(s["rasa"] / 2**20), fmt(s["actions"] / 2**20)] for s in mem["samples"]]
    return [
        "## Memory",
        "",
        _taken(mem),
        "",
        "Resident memory (VmRSS of each server and its children) while a fresh stack serves "
        f"{mem['conversations']:,} "
        f"short conversations ({mem['turns_each']} turns of a persona's interview each, 10 at a time); "
        f"{mem['errors']} failed turns.",
        "",
        markdown_table(["conversations", "Rasa server MiB", "action server MiB"], rows),
        "",
        *_picture(pictures, "memory", "resident memory by conversations served"),
    ]


def _nlu_section(results: dict, pictures: dict) -> list[str]:
    nlu = results.get("nlu")
    if not nlu:
        return []
    rows = [[p["true"], p["predicted"], p["count"]] for p in nlu["most_confused"]]
    entity_rows = [[k, fmt(v, 3)] for k, v in sorted(nlu["entity_f1_by_label"].items())]
    return [
        "## Understanding",
        "",
        _taken(nlu),
        "",
        f"`bench/nlu.py --folds {nlu['folds']}` (`rasa test nlu` cross-validation on data/nlu, "
        f"{nlu['minutes']:.1f} min): "
        f"intent accuracy **{fmt(nlu['intent_accuracy'], 3)}** (target >= "
        f"{nlu['targets']['intent_accuracy']}), "
        f"macro F1 {fmt(nlu['intent_macro_f1'], 3)}; entity F1 **{fmt(nlu['entity_micro_f1'], 3)}** "
        f"(micro, token level; target >= {nlu['targets']['entity_f1']}).",
        "",
        *_outcome_lines(nlu.get("outcomes"), "In cross-validation"),
        markdown_table(["true intent", "predicted", "count"], rows) if rows else "No intent was confused.",
        "",
        *_holdout_lines(nlu.get("holdout")),
        *_outcome_lines((nlu.get("holdout") or {}).get("outcomes"), "On the held-out messages"),
        markdown_table(["entity", "F1"], entity_rows) if entity_rows else "",
        "",
        *_picture(pictures, "confusion", "intent confusion matrix"),
    ]


def _outcome_lines(shares: dict | None, where: str) -> list[str]:
    """Accuracy scores the intent under a fallback; this says what the user would actually get."""
    if not shares:
        return []
    return [
        f"{where} the bot acts on the right intent for {shares['right']:.1%} of messages, on a wrong one "
        f"for {shares['wrong']:.1%}, and asks to rephrase {shares['rephrase']:.1%} (the FallbackClassifier).",
        "",
    ]


def _holdout_lines(held: dict | None) -> list[str]:
    if not held:
        return []
    confused = ", ".join(f"{p['true']} -> {p['predicted']} ({p['count']})" for p in held["most_confused"][:5])
    return [
        f"Held out (bench/nlu_holdout.yml, {held['examples']} messages written apart from the training data, "
        f"scored by a model trained on all of it): intent accuracy **{fmt(held['intent_accuracy'], 3)}**, "
        f"macro F1 {fmt(held['intent_macro_f1'], 3)}. Cross-validation scores the data against itself; "
        "this is the figure for messages nobody anticipated. Most confused: " + (confused or "none") + ".",
        "",
    ]


def _effort_section(results: dict, pictures: dict) -> list[str]:
    eff = results.get("effort")
    if not eff:
        return []
    over_rest = "median_messages_in_process" in eff  # results taken before 2026-12-07 ran in process only
    if over_rest:
        header = ["persona", "messages (REST)", "messages (in process)", "form pages"]
        rows = [
            [p["name"], p["messages"], p["messages_in_process"], p["form_pages"]] for p in eff["personas"]
        ]
        how = (
            "through a running assistant's REST webhook, so every reply goes through the real NLU as a "
            "user's would; beside it, the same persona in process (the entity pipeline and interview logic "
            "without the intent classifier)"
        )
        misread = eff["misread_over_rest"]
        if misread:
            agreement = [
                "Personas that needed more messages over REST than in process (a reply the classifier "
                f"misread): {', '.join(misread)}.",
                "",
            ]
        else:
            agreement = ["No persona needed more messages over REST than in process: the classifier "
                         "misread no reply.", ""]  # fmt: skip
    else:
        header = ["persona", "messages", "form pages"]
        rows = [[p["name"], p["messages"], p["form_pages"]] for p in eff["personas"]]
        how = "in process: the real entity pipeline and interview logic, without the intent classifier"
        agreement = []
    return [
        "## Effort",
        "",
        _taken(eff),
        "",
        f"User messages until the full comparison (bench/effort.py), {how}, for each scripted persona of "
        "bench/personas.yaml, terse to chatty; a question the script has no answer for is skipped. The form "
        "is one question per page, asking every question the same rules need, with the same facts.",
        "",
        markdown_table(header, rows),
        "",
        f"Median **{fmt(eff['median_messages'], 1)}** messages{' over REST' if over_rest else ''} (target "
        f"<= {effort.TARGET_MEDIAN}: **{verdict(eff['median_messages'] <= effort.TARGET_MEDIAN)}**"
        + (f"; in process {fmt(eff['median_messages_in_process'], 1)}" if over_rest else "")
        + f") against {fmt(eff['median_form_pages'], 1)} form pages.",
        "",
        *agreement,
        *_picture(pictures, "effort", "messages and form pages per persona"),
    ]


def _engine_startup_section(results: dict) -> list[str]:
    lines = []
    eng = results.get("engine")
    if eng:
        lines += [
            "## Engine",
            "",
            _taken(eng),
            "",
            "bench/engine.py's seeded profile mix, pinned to one core: "
            f"{fmt(eng['core_per_second'])} assessments/s "
            f"(all schemes), {fmt(eng['near_miss_per_second'])}/s with the near-miss search "
            f"(target >= {engine.TARGET_PER_SECOND:,}/s: "
            f"**{verdict(eng['core_per_second'] >= engine.TARGET_PER_SECOND)}**).",
            "",
        ]
    sta = results.get("startup")
    if sta:
        lines += [
            "## Start-up",
            "",
            _taken(sta),
            "",
            f"`scripts/assistant.py run` with the model already trained ({sta['model']}), from the "
            "command to the first "
            f'answer to "hi" on the REST webhook: median **{fmt(sta["median_seconds"], 1)} s** over '
            f"{len(sta['seconds'])} start(s) ({', '.join(fmt(s, 1) for s in sta['seconds'])} s).",
            "",
        ]
    return lines


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (fewer conversations, folds)")
    parser.add_argument("--only", help=f"comma-separated stages: {','.join(STAGES)}")
    parser.add_argument(
        "--out", type=Path, help="report folder (default bench/report, or results/bench with --quick)"
    )
    parser.add_argument("--report-only", action="store_true", help="re-write the report from results.json")
    args = parser.parse_args(argv)
    stages = [s.strip() for s in args.only.split(",")] if args.only else list(STAGES)
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    out = args.out or (ROOT / ("results/bench" if args.quick else "bench/report"))
    out.mkdir(parents=True, exist_ok=True)
    results_file = out / "results.json"
    if args.report_only:
        results = json.loads(results_file.read_text())
        print(text_table(SUMMARY_HEADER, summary_rows(results)))
        print(f"\nreport: {write_report(results, out, results['_meta'].get('quick', False))}")
        return 0
    # Servers' logs, databases and the starter bot of this run, apart from any other run's.
    (ROOT / "results").mkdir(exist_ok=True)
    args.work = Path(tempfile.mkdtemp(prefix="bench-work-", dir=ROOT / "results"))
    say(f"logs and scratch files in {args.work.relative_to(ROOT)}")
    results = json.loads(results_file.read_text()) if results_file.exists() and args.only else {}
    started = stamp()
    failed = []
    for name in stages:
        say(f"stage {name} (load average {load_average()})")
        begun = time.monotonic()
        try:
            results[name] = RUNNERS[name](args)
        except Exception as error:  # one stage failing must not lose the others' figures
            failed.append(name)
            print(f"stage {name} failed: {error!r}", file=sys.stderr, flush=True)
            continue
        results[name]["_stamp"] = {**stamp(), "seconds": round(time.monotonic() - begun, 1)}
        results_file.write_text(json.dumps(results, indent=1, default=str))
    results["_meta"] = {
        "started": started["taken"], "finished": stamp()["taken"], "load_start": started["load"],
        "load_end": load_average(), "machine": machine(), "stages": stages, "failed": failed,
        "quick": args.quick,
    }  # fmt: skip
    results_file.write_text(json.dumps(results, indent=1, default=str))
    report = write_report(results, out, args.quick)
    print()
    print(text_table(SUMMARY_HEADER, summary_rows(results)))
    print(f"\nreport: {report.relative_to(ROOT) if report.is_relative_to(ROOT) else report}")
    if failed:
        print(f"failed stage(s): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
