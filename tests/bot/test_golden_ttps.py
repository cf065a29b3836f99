"""Golden profiles: TTPS categories A, B and C."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bot.conftest import run, scheme, status


def test_ttps_a_income_exactly_threshold_is_eligible():
    assert status(run({"annual_income_hkd": 2_500_000}), "ttps_a") == "eligible"


def test_ttps_a_income_one_dollar_below_threshold_is_not_eligible():
    a = run({"annual_income_hkd": 2_499_999})
    assert status(a, "ttps_a") == "not_eligible"
    assert any("HK$2,500,000" in r for r in scheme(a, "ttps_a")["reasons"])


def test_ttps_a_unknown_income_is_more_info_needed_and_names_the_field():
    a = run(drop=("annual_income_hkd",))
    assert status(a, "ttps_a") == "more_info_needed"
    assert scheme(a, "ttps_a")["missing"] == ["annual_income_hkd"]


def test_ttps_a_unknown_character_is_more_info_needed():
    a = run({"annual_income_hkd": 3_000_000}, drop=("good_character",))
    assert status(a, "ttps_a") == "more_info_needed"


def test_ttps_a_first_stay_24_months_before_16_october_2024():
    a = run({"annual_income_hkd": 3_000_000}, as_of=dt.date(2024, 10, 15))
    assert scheme(a, "ttps_a")["first_stay_months"] == 24


def test_ttps_a_first_stay_36_months_from_16_october_2024():
    a = run({"annual_income_hkd": 3_000_000}, as_of=dt.date(2024, 10, 16))
    assert scheme(a, "ttps_a")["first_stay_months"] == 36


def test_ttps_not_open_before_launch_day():
    a = run({"annual_income_hkd": 3_000_000}, as_of=dt.date(2022, 12, 27))
    assert status(a, "ttps_a") == "not_eligible"
    assert status(run({"annual_income_hkd": 3_000_000}, as_of=dt.date(2022, 12, 28)), "ttps_a") == "eligible"


def test_ttps_b_three_years_in_last_five_is_eligible():
    assert status(run({"work_experience_last_5_years": 3}), "ttps_b") == "eligible"


def test_ttps_b_under_three_years_in_last_five_is_not_eligible():
    assert status(run({"work_experience_last_5_years": 2.9}), "ttps_b") == "not_eligible"


def test_ttps_b_unrecognised_university_could_not_confirm_and_links_official_list():
    a = run({"bachelor_institution": "University of Nowhere Special"})
    s = scheme(a, "ttps_b")
    assert s["status"] == "more_info_needed"
    assert any("could not confirm" in r and "aggregate_list.pdf" in r for r in s["reasons"])
    assert "bachelor_institution" in s["missing"]


@pytest.mark.parametrize("name", ["HKU", "Tsinghua", "Oxford", "MIT", "NUS", "HKUST", "CUHK", "清华大学"])
def test_ttps_b_common_abbreviations_are_recognised(name):
    assert status(run({"bachelor_institution": name}), "ttps_b") == "eligible"


def test_ttps_c_graduated_five_years_ago_is_eligible():
    a = run({"bachelor_graduation_year": 2020, "work_experience_years": 2, "degree_level": "bachelor"})
    assert status(a, "ttps_c") == "eligible"


def test_ttps_c_graduated_six_years_ago_is_not_eligible():
    a = run({"bachelor_graduation_year": 2019, "work_experience_years": 2, "degree_level": "bachelor"})
    assert status(a, "ttps_c") == "not_eligible"


def test_ttps_c_three_years_of_work_is_not_eligible():
    a = run({"bachelor_graduation_year": 2022, "work_experience_years": 3})
    assert status(a, "ttps_c") == "not_eligible"


def test_ttps_c_excludes_non_local_students_with_hong_kong_undergraduate_degree():
    a = run(
        {
            "bachelor_graduation_year": 2023,
            "work_experience_years": 1,
            "degree_level": "bachelor",
            "bachelor_institution": "HKU",
            "hk_study": {"programme": "full_time_local", "graduation_date": "2023-06-30", "ugc_funded": True},
        }
    )
    s = scheme(a, "ttps_c")
    assert s["status"] == "not_eligible"
    assert any("IANG" in r for r in s["reasons"])


def test_ttps_c_allows_overseas_bachelor_with_hong_kong_masters():
    a = run(
        {
            "bachelor_graduation_year": 2022,
            "work_experience_years": 1,
            "bachelor_institution": "NUS",
            "hk_study": {"programme": "full_time_local", "graduation_date": "2024-06-30", "ugc_funded": True},
        }
    )
    assert status(a, "ttps_c") == "eligible"


def test_ttps_c_unknown_hong_kong_study_is_more_info_needed():
    a = run({"bachelor_graduation_year": 2022, "work_experience_years": 1}, drop=("hk_study",))
    assert status(a, "ttps_c") == "more_info_needed"


def test_ttps_c_reports_annual_quota():
    s = scheme(run({"bachelor_graduation_year": 2022, "work_experience_years": 1}), "ttps_c")
    assert "first come" in s["quota"]


@pytest.mark.parametrize("code", ["AF", "CU", "KP"])
def test_ttps_excluded_nationalities_are_not_eligible(code):
    a = run({"nationality": code, "annual_income_hkd": 5_000_000})
    assert status(a, "ttps_a") == "not_eligible"


def test_ttps_mainland_resident_applies_directly_with_letter_of_consent():
    a = run({"nationality": "CN", "mainland_resident": True, "annual_income_hkd": 3_000_000})
    assert status(a, "ttps_a") == "eligible"


def test_ttps_prc_passport_holder_overseas_with_foreign_pr_is_eligible():
    a = run(
        {
            "nationality": "CN",
            "mainland_resident": False,
            "foreign_permanent_residence": True,
            "annual_income_hkd": 3_000_000,
        }
    )
    assert status(a, "ttps_a") == "eligible"


def test_ttps_prc_passport_holder_overseas_without_foreign_pr_could_not_confirm_one_year_rule():
    a = run(
        {
            "nationality": "CN",
            "mainland_resident": False,
            "foreign_permanent_residence": False,
            "annual_income_hkd": 3_000_000,
        }
    )
    s = scheme(a, "ttps_a")
    assert s["status"] == "more_info_needed"
    assert "overseas_residence_1_year" in s["missing"]


def test_ttps_b_total_work_below_three_years_decides_even_without_last_five_years_answer():
    a = run({"work_experience_years": 2}, drop=("work_experience_last_5_years",))
    assert status(a, "ttps_b") == "not_eligible"


def test_ttps_b_total_work_above_three_years_still_needs_last_five_years_answer():
    a = run({"work_experience_years": 8}, drop=("work_experience_last_5_years",))
    assert status(a, "ttps_b") == "more_info_needed"
    assert "work_experience_last_5_years" in scheme(a, "ttps_b")["missing"]
