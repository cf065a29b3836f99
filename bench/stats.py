"""The arithmetic and tables of the benchmark report, kept apart from the servers so tests can check them
on synthetic data (tests/bench/). No I/O beyond what a caller hands in.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default), so
    p50 of an even count is the mean of the middle two, like statistics.median."""
    data = sorted(values)
    if not data:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, got {q}")
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


@dataclass(frozen=True)
class LatencySummary:
    """Per-turn latency of one load level, in milliseconds, and the throughput it reached."""

    turns: int
    p50: float
    p95: float
    p99: float
    messages_per_second: float

    def as_dict(self) -> dict:
        return {
            "turns": self.turns,
            "p50_ms": self.p50,
            "p95_ms": self.p95,
            "p99_ms": self.p99,
            "messages_per_second": self.messages_per_second,
        }


def summarise_latencies(seconds: Sequence[float], wall_seconds: float) -> LatencySummary:
    """Latencies in seconds (one per turn) and the wall time the level took -> a summary in ms."""
    if wall_seconds <= 0:
        raise ValueError("wall time must be positive")
    ms = [s * 1000 for s in seconds]
    return LatencySummary(
        turns=len(ms),
        p50=percentile(ms, 50),
        p95=percentile(ms, 95),
        p99=percentile(ms, 99),
        messages_per_second=len(ms) / wall_seconds,
    )


def ratio(ours: float, reference: float) -> float | None:
    """ours / reference; None when the reference is zero (no ratio rather than infinity)."""
    return None if reference == 0 else ours / reference


def within(ratio_value: float | None, limit: float) -> bool | None:
    """Whether a ratio meets an "at most `limit` times" target; None when there is no ratio."""
    return None if ratio_value is None else ratio_value <= limit


def median_or_none(values: Iterable[float]) -> float | None:
    data = list(values)
    return statistics.median(data) if data else None


def fmt(value: float | int | None, digits: int = 0, unit: str = "") -> str:
    """A figure for a table: thousands separators, fixed digits, "n/a" for a missing value."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,.{digits}f}{unit}"


def verdict(met: bool | None) -> str:
    return {True: "met", False: "NOT met", None: "not measured"}[met]


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub markdown table; numbers should already be formatted strings."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The same table for a terminal: columns padded, the first left-aligned, the rest right-aligned."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line([str(h) for h in header]), line(["-" * w for w in widths]), *map(line, rows)])


def growth(latency_by_turn: dict[int, Sequence[float]]) -> dict[int, float]:
    """Median latency at each probed turn number (several conversations each), in the input's unit."""
    return {turn: statistics.median(values) for turn, values in sorted(latency_by_turn.items()) if values}


def confusion_counts(
    support: dict[str, int], errors: Iterable[tuple[str, str]]
) -> tuple[list[str], list[list[int]]]:
    """A confusion matrix from a per-intent support count and the (true, predicted) pairs of the errors,
    which is what `rasa test nlu` writes (intent_report.json, intent_errors.json): the diagonal is the
    support less that intent's errors. Labels sorted; rows are true intents, columns predictions."""
    errors = list(errors)
    labels = sorted(set(support) | {label for pair in errors for label in pair})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    wrong = dict.fromkeys(labels, 0)
    for true, predicted in errors:
        matrix[index[true]][index[predicted]] += 1
        wrong[true] += 1
    for label, count in support.items():
        if count < wrong[label]:
            raise ValueError(f"{label}: {wrong[label]} errors but a support of only {count}")
        matrix[index[label]][index[label]] = count - wrong[label]
    return labels, matrix
