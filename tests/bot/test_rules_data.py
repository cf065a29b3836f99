"""The rule data: sources, dates, statuses; no thresholds in Python; texts used by code exist."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from bot.ruleset import RULE_FILES, rules

BOT = Path(__file__).resolve().parents[2] / "bot"
# INFERRED: our own reading of a confirmed rule (no source states the fact itself)
STATUSES = {"CONFIRMED", "CONFIRMED_MIRROR", "SECONDARY", "UNSURE", "INFERRED"}
NOT_MINE = {"normalise.py"}


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}[{i}]")


def _rule_dicts():
    for name in (*RULE_FILES, "universities"):
        if name in ("texts", "sources"):
            continue
        for path, d in _walk(rules()[name], name):
            if "source" in d and not path.split(".")[-1].startswith("_"):
                yield path, d


@pytest.mark.parametrize(("path", "rule"), list(_rule_dicts()), ids=[p for p, _ in _rule_dicts()])
def test_every_rule_has_source_id_and_url_and_known_status(path, rule):
    src = rule["source"]
    assert re.fullmatch(r"S\d+|UGC", src["id"]), path
    assert src["url"].startswith("http"), path
    if src["id"].startswith("S"):
        assert src["url"] == rules()["sources"]["sources"][src["id"]]["url"], path
    if "status" in rule:
        assert rule["status"] in STATUSES, path


def test_every_dated_entry_has_valid_iso_dates_in_order():
    for name in RULE_FILES:
        for path, d in _walk(rules()[name], name):
            start, end = d.get("effective_from"), d.get("effective_to")
            for value in (start, end):
                if value is not None:
                    dt.date.fromisoformat(value)
            if start and end:
                assert start <= end, path


def test_versioned_lists_do_not_overlap():
    for name in RULE_FILES:
        for path, node in _walk(rules()[name], name):
            for key, value in node.items():
                if (
                    isinstance(value, list)
                    and len(value) > 1
                    and all(
                        isinstance(v, dict) and ("effective_from" in v or "effective_to" in v) for v in value
                    )
                ):
                    spans = sorted(
                        (v.get("effective_from") or "0000", v.get("effective_to") or "9999") for v in value
                    )
                    for (_, end), (start, _) in itertools.pairwise(spans):
                        assert end < start, f"{path}.{key}"


# counting, calendar (12 months, 28-30 days), cache sizes, and the 0-100 scale of a perfect fuzzy score
ALLOWED_NUMBERS = {0, 1, 2, 12, 28, 29, 30, 100, 100_000, 50_000, 4096, 8192, 64}


def test_no_threshold_age_or_amount_literal_in_python():
    """Rules are data: numbers in bot/*.py are limited to counting, calendar and cache sizes."""
    for path in BOT.glob("*.py"):
        if path.name in NOT_MINE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                assert node.value in ALLOWED_NUMBERS, f"{path.name}:{node.lineno}: {node.value}"


def test_no_country_code_list_in_python():
    for path in BOT.glob("*.py"):
        if path.name in NOT_MINE:
            continue
        source = path.read_text()
        for code in ('"AF"', '"KP"', '"CU"', '"LA"', '"NP"', '"VN"', '"CN"'):
            assert code not in source, f"{path.name} has {code}"


def test_every_text_key_used_in_code_exists():
    checks = rules()["texts"]["checks"]
    for path in BOT.glob("*.py"):
        for key in re.findall(r'\btext\("([a-z0-9_]+)"', path.read_text()):
            assert key in checks, f"{path.name}: {key}"


def test_every_near_miss_has_text():
    for spec in rules()["common"]["near_misses"]:
        assert spec["text_key"] in rules()["texts"]["near_miss"]


def test_schemes_with_secondary_old_points_say_so():
    assert all(
        v["status"] == "SECONDARY" for v in rules()["qmas"]["general_points_test"] if v["type"] == "points"
    )


def test_a_conclusion_is_only_as_sure_as_its_least_sure_part():
    from bot.ruleset import STATUS_ORDER, weakest

    assert weakest("CONFIRMED", None) == "CONFIRMED"
    assert weakest("CONFIRMED", "INFERRED") == "INFERRED"
    assert weakest("SECONDARY", "INFERRED", "CONFIRMED_MIRROR") == "SECONDARY"
    assert weakest() == "CONFIRMED"
    assert set(STATUSES) <= set(STATUS_ORDER)
