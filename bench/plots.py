"""The report's pictures (PNG, next to report.md), drawn with matplotlib from bench/run_all.py's results.
Each is drawn only when its stage has results; returns name -> path of those drawn."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display here; files only
import matplotlib.pyplot as plt

LEVELS = (1, 10, 50)


def draw_all(results: dict, out: Path) -> dict[str, Path]:
    drawn = {}
    for name, draw in (
        ("latency", latency),
        ("growth", growth),
        ("memory", memory),
        ("confusion", confusion),
        ("effort", effort),
    ):
        stage = {"confusion": "nlu"}.get(name, name)
        if results.get(stage):
            path = out / f"{name}.png"
            figure = draw(results[stage])
            figure.savefig(path, dpi=110, bbox_inches="tight")
            plt.close(figure)
            drawn[name] = path
    return drawn


def latency(stage: dict):
    figure, axes = plt.subplots(figsize=(7, 4))
    for bot, colour in (("ours", "tab:blue"), ("starter", "tab:grey")):
        for key, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            values = [stage["levels"][str(level)][bot][key] for level in LEVELS]
            axes.plot(LEVELS, values, style, color=colour, label=f"{bot} {key.removesuffix('_ms')}")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(LEVELS, [str(level) for level in LEVELS])
    axes.set_xlabel("concurrent conversations")
    axes.set_ylabel("latency per turn (ms, log)")
    axes.set_title("Per-turn latency: our stack vs Rasa's starter bot")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    return figure


def growth(stage: dict):
    figure, axes = plt.subplots(figsize=(7, 4))
    turns = sorted(int(t) for t in stage["every_turn_median_ms"])
    axes.plot(
        turns,
        [stage["every_turn_median_ms"][str(t)] for t in turns],
        ".-",
        color="tab:blue",
        label="every turn",
    )
    probes = sorted(int(t) for t in stage["probe_median_ms"])
    axes.plot(
        probes,
        [stage["probe_median_ms"][str(t)] for t in probes],
        "s",
        color="tab:red",
        markersize=9,
        label=f'probe "{stage["probe"]}"',
    )
    axes.set_xlabel("turn in the conversation")
    axes.set_ylabel("latency (ms, median over conversations)")
    axes.set_title("Does a turn cost more as the conversation grows?")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend()
    return figure


def memory(stage: dict):
    figure, axes = plt.subplots(figsize=(7, 4))
    done = [s["conversations"] for s in stage["samples"]]
    for name, colour in (("rasa", "tab:blue"), ("actions", "tab:orange")):
        axes.plot(
            done, [s[name] / 2**20 for s in stage["samples"]], "o-", color=colour, label=f"{name} server"
        )
    axes.set_xlabel("conversations served")
    axes.set_ylabel("resident memory (MiB)")
    axes.set_title("Resident memory while serving conversations")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend()
    return figure


def confusion(stage: dict):
    labels, matrix = stage["confusion"]["labels"], stage["confusion"]["matrix"]
    size = max(6, 0.32 * len(labels))
    figure, axes = plt.subplots(figsize=(size + 1.5, size))
    # Row-normalised, so a rare intent's errors show as clearly as a common one's; counts are written in.
    shares = [[cell / (sum(row) or 1) for cell in row] for row in matrix]
    image = axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    for i, row in enumerate(matrix):
        for j, cell in enumerate(row):
            if cell and i != j:
                axes.text(j, i, str(cell), ha="center", va="center", fontsize=6, color="tab:red")
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title(f"Intent confusion ({stage['folds']}-fold cross-validation; red: error counts)")
    figure.colorbar(image, ax=axes, fraction=0.04, label="share of the true intent's examples")
    return figure


def effort(stage: dict):
    people = stage["personas"]
    figure, axes = plt.subplots(figsize=(8, 4.5))
    positions = range(len(people))
    over_rest = "median_messages_in_process" in stage
    label = "chat messages (REST, real NLU)" if over_rest else "chat messages"
    axes.barh([p - 0.2 for p in positions], [p["messages"] for p in people], 0.4, label=label)
    if over_rest:  # a tick where the interview logic alone needs fewer: a reply the classifier misread
        axes.scatter(
            [p["messages_in_process"] for p in people], [p - 0.2 for p in positions], marker="|", s=120,
            color="black", zorder=3, label="chat messages (in process)",
        )  # fmt: skip
    axes.barh(
        [p + 0.2 for p in positions],
        [p["form_pages"] for p in people],
        0.4,
        color="tab:grey",
        label="form pages",
    )
    axes.set_yticks(list(positions), [p["name"] for p in people], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("user messages (chat) or pages (one question per page)")
    axes.set_title("Effort to reach the full comparison")
    axes.grid(True, axis="x", alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8)  # below: no bar hidden
    return figure
