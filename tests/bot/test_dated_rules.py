"""Rules versioned by date: the assessment uses the rules in force on as_of."""

from __future__ import annotations

import datetime as dt

from bot.ruleset import select
from tests.bot.conftest import run, scheme

VERSIONS = [
    {"id": "old", "effective_to": "2024-10-31"},
    {"id": "new", "effective_from": "2024-11-01"},
]


def test_select_picks_the_version_in_force_on_each_side_of_the_change():
    assert select(VERSIONS, dt.date(2024, 10, 31))["id"] == "old"
    assert select(VERSIONS, dt.date(2024, 11, 1))["id"] == "new"


def test_select_returns_none_outside_every_range():
    assert (
        select(
            [{"id": "x", "effective_from": "2020-01-01", "effective_to": "2020-12-31"}], dt.date(2021, 1, 1)
        )
        is None
    )


def test_qmas_245_point_test_before_1_november_2024_carries_points_and_pass_mark():
    gpt = run(as_of=dt.date(2024, 6, 1))["qmas"]["general_points_test"]
    assert gpt["version"] == "gpt_245"
    assert gpt["pass_mark"] == 80 and gpt["max_points"] == 245
    assert isinstance(gpt["points"], int) and gpt["points"] <= gpt["points_max"]
    assert "secondary sources" in gpt["note"]


def test_qmas_old_points_for_base_profile_pass_the_mark():
    # age 35 = 30, master 20+, Oxford/MIT bonus 30, 10 years 15+, international 15, MNC 20, English 10
    gpt = run(as_of=dt.date(2024, 6, 1))["qmas"]["general_points_test"]
    assert gpt["points"] == 140 and gpt["passes"] is True


def test_qmas_old_points_range_shown_when_senior_role_unknown():
    gpt = run(
        {
            "age": 52,
            "degree_level": "bachelor",
            "bachelor_institution": "Unknown College",
            "international_years": 0,
            "multinational_years": 0,
            "work_experience_years": 6,
        },
        as_of=dt.date(2024, 6, 1),
    )["qmas"]["general_points_test"]
    assert gpt["points"] < 80 <= gpt["points_max"]
    assert gpt["passes"] is None


def test_qmas_225_point_test_in_2022_has_no_multinational_bonus():
    gpt = run(as_of=dt.date(2022, 6, 1))["qmas"]["general_points_test"]
    assert gpt["version"] == "gpt_225"
    assert "multinational_bonus" not in {f["factor"] for f in gpt["factors"]}


def test_qmas_2008_table_in_2015():
    gpt = run(as_of=dt.date(2015, 6, 1))["qmas"]["general_points_test"]
    assert gpt["version"] == "gpt_2008_165" and gpt["max_points"] == 165


def test_qmas_unknown_table_between_2018_and_2021_says_so():
    a = run(as_of=dt.date(2019, 6, 1))
    gpt = a["qmas"]["general_points_test"]
    assert gpt["version"] is None and gpt["passes"] is None
    assert scheme(a, "qmas")["status"] == "more_info_needed"


def test_qmas_language_was_a_prerequisite_before_november_2024():
    no_lang = {"languages": {"english": False, "chinese": False, "other": ["French"]}}
    assert scheme(run(no_lang, as_of=dt.date(2024, 6, 1)), "qmas")["status"] == "not_eligible"


def test_iang_first_stay_twelve_months_in_2020_and_24_now():
    grad = {"hk_study": {"programme": "full_time_local", "graduation_date": "2020-03-01", "ugc_funded": True}}
    assert scheme(run(grad, as_of=dt.date(2020, 6, 1)), "iang")["first_stay_months"] == 12
    grad["hk_study"]["graduation_date"] = "2025-03-01"
    assert scheme(run(grad), "iang")["first_stay_months"] == 24


def test_assessment_after_rules_check_date_warns_changes_not_checked():
    notes = run(as_of=dt.date(2026, 6, 1))["notes"]
    assert any("2026-01-20" in n for n in notes)
    assert not any("2026-01-20" in n for n in run(as_of=dt.date(2025, 6, 1))["notes"])
