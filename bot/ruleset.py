"""Load the rule data (``bot/rules/*.yaml``) and pick the version in force on a date.

Rules are versioned like OpenFisca parameters: a list of entries, each with ``effective_from`` (inclusive,
open if absent) and ``effective_to`` (inclusive, open if absent). See docs/decisions/0100-dated-rules.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent / "rules"
RULE_FILES = ("common", "qmas", "ttps", "gep", "iang", "techtas", "assg", "new_cies", "texts", "sources")
OTHER_FILES = ("universities",)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def in_force(entry: dict, as_of: dt.date) -> bool:
    """True when ``as_of`` lies inside the entry's [effective_from, effective_to] range."""
    start = _date(entry.get("effective_from"))
    end = _date(entry.get("effective_to"))
    return (start is None or start <= as_of) and (end is None or as_of <= end)


_SELECT_MEMO: dict[tuple[int, dt.date], tuple[list, dict | None]] = {}


def select(versions: list[dict], as_of: dt.date) -> dict | None:
    """The version in force on ``as_of`` (the latest-starting one if several overlap), or None."""
    key = (id(versions), as_of)
    hit = _SELECT_MEMO.get(key)
    if hit is not None and hit[0] is versions:  # holding the list keeps its id from being reused
        return hit[1]
    if len(_SELECT_MEMO) > 100_000:
        _SELECT_MEMO.clear()
    found = _select(versions, as_of)
    _SELECT_MEMO[key] = (versions, found)
    return found


def _select(versions: list[dict], as_of: dt.date) -> dict | None:
    best = None
    best_start = dt.date.min
    for entry in versions:
        if in_force(entry, as_of):
            start = _date(entry.get("effective_from")) or dt.date.min
            if best is None or start >= best_start:
                best, best_start = entry, start
    return best


def value_at(versions: list[dict], as_of: dt.date, default: Any = None) -> Any:
    entry = select(versions, as_of)
    return default if entry is None else entry.get("value", default)


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as strings (the rule files quote them, but be sure)."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _load(name: str) -> dict:
    with open(RULES_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


@lru_cache(maxsize=1)
def rules() -> dict[str, dict]:
    """All rule files, parsed once."""
    return {name: _load(name) for name in RULE_FILES + OTHER_FILES}


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A stable id for the rule data: the source snapshot date plus a hash of the files."""
    digest = hashlib.sha256()
    for name in RULE_FILES + OTHER_FILES:
        digest.update((RULES_DIR / f"{name}.yaml").read_bytes())
    snapshot = rules()["common"]["rules_compiled_from_sources_dated_up_to"]
    return f"{snapshot}+{digest.hexdigest()[:12]}"


def source(source_id: str) -> dict:
    """Register entry (title, url, date, kind) for a source id such as ``S6``."""
    return rules()["sources"]["sources"].get(source_id, {})


# Data statuses, surest first (hk-schemes.md §0.1; INFERRED is our own reading of a confirmed rule, such as a
# university taken to be on the list because its rankings meet the list's definition).
STATUS_ORDER = ("CONFIRMED", "CONFIRMED_MIRROR", "MONTH_ONLY", "INFERRED", "SECONDARY", "UNSURE")


def weakest(*statuses: str | None) -> str:
    """The least sure of the given data statuses: what a conclusion resting on all of them can claim."""
    known = [s for s in statuses if s]
    return max(known, key=STATUS_ORDER.index) if known else "CONFIRMED"
