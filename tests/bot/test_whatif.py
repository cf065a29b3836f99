"""What-if diffs and near misses."""

from __future__ import annotations

import datetime as dt

from bot.engine import assess
from bot.profile import parse_profile
from bot.whatif import apply_changes, find_near_misses, what_if
from tests.bot.conftest import BASE, TODAY, merge


def test_what_if_more_recent_work_reports_ttps_b_becoming_eligible():
    profile = merge(BASE, {"work_experience_last_5_years": 2})
    out = what_if(profile, {"work_experience_last_5_years": 3}, TODAY)
    change = next(c for c in out["diff"]["schemes"] if c["id"] == "ttps_b")
    assert (change["from"], change["to"], change["better"]) == ("not_eligible", "eligible", True)
    assert change["reasons_added"] and change["reasons_removed"]


def test_what_if_no_change_gives_empty_diff():
    out = what_if(BASE, {}, TODAY)
    assert out["diff"]["schemes"] == []
    assert out["diff"]["qmas"]["criteria"] == []


def test_what_if_reports_qmas_criteria_changes_and_count():
    out = what_if(BASE, {"annual_income_hkd": 1_200_000}, TODAY)
    q = out["diff"]["qmas"]
    assert {"id": 10, "from": False, "to": True} in q["criteria"]
    assert q["met_to"] == q["met_from"] + 1


def test_what_if_nested_change_merges_job_offer():
    p = apply_changes(BASE, {"job_offer": {"has_offer": True, "market_pay": True}})
    assert p.job_offer.has_offer is True and p.job_offer.techtas_rd is False


def test_what_if_setting_answer_to_null_makes_it_unknown():
    out = what_if(BASE, {"nationality": None}, TODAY)
    assert any(c["id"] == "qmas" and c["to"] == "more_info_needed" for c in out["diff"]["schemes"])


def test_near_miss_one_more_year_of_work_for_ttps_b():
    profile = parse_profile(merge(BASE, {"work_experience_last_5_years": 2}))
    misses = find_near_misses(profile, TODAY)
    hit = [m for m in misses if m["scheme"] == "ttps_b"]
    assert hit and hit[0]["field"] == "work_experience_last_5_years"
    assert hit[0]["text"].startswith(
        "One more year of work in the last five years would make you able to apply"
    )


def test_near_misses_are_in_the_default_assessment():
    profile = parse_profile(merge(BASE, {"work_experience_last_5_years": 2}))
    assert any(m["scheme"] == "ttps_b" for m in assess(profile, TODAY)["near_misses"])


def test_near_miss_never_changes_unknown_answers():
    profile = parse_profile({"nationality": "GB"})
    assert find_near_misses(profile, dt.date(2025, 6, 1)) == []
