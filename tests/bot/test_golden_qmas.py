"""Golden profiles: QMAS prerequisites, the 12-criterion test (from 2024-11-01) and the ABPT."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bot.conftest import criterion, run, scheme, status


def test_qmas_base_profile_meets_eight_criteria_and_is_eligible():
    a = run()
    gpt = a["qmas"]["general_points_test"]
    assert gpt["met"] == 8 and gpt["passes"] is True
    assert status(a, "qmas") == "eligible"


def test_qmas_age_50_meets_criterion_1():
    assert criterion(run({"age": 50}), 1)["met"] is True


def test_qmas_age_51_does_not_meet_criterion_1_but_can_still_apply():
    a = run({"age": 51})
    assert criterion(a, 1)["met"] is False
    assert status(a, "qmas") == "eligible"  # 7 of 12 remain; no upper age limit as a prerequisite


def test_qmas_age_17_fails_prerequisite():
    a = run({"age": 17})
    assert status(a, "qmas") == "not_eligible"
    assert any("qmas.prereq.age" in r for r in scheme(a, "qmas")["reasons"])


def _profile_with(n_met: int) -> dict:
    """Exactly n_met criteria met, all others known and not met."""
    changes = {
        "age": 55,
        "degree_level": "bachelor",
        "languages": {"english": False, "chinese": False, "other": []},
        "work_experience_years": 0,
        "multinational_years": 0,
        "specified_field_years": 0,
        "international_years": 0,
        "annual_income_hkd": 0,
        "business_profit_hkd": 0,
        "owns_listed_company": False,
        "work_experience_last_5_years": 0,
    }
    turn_on = [
        {"age": 40},
        {"languages": {"english": True}},
        {"work_experience_years": 6},
        {"multinational_years": 3},
        {"specified_field_years": 3},
        {"international_years": 2},
        {"annual_income_hkd": 1_000_000},
        {"business_profit_hkd": 5_000_000},
        {"owns_listed_company": True},
    ]
    for extra in turn_on[:n_met]:
        for k, v in extra.items():
            if isinstance(v, dict):
                changes[k] = {**changes[k], **v}
            else:
                changes[k] = v
    return changes


def test_qmas_five_criteria_fails_the_general_points_test():
    a = run(_profile_with(5))
    gpt = a["qmas"]["general_points_test"]
    assert gpt["met"] == 5 and gpt["passes"] is False
    assert status(a, "qmas") == "not_eligible"


def test_qmas_six_criteria_passes_the_general_points_test():
    a = run(_profile_with(6))
    gpt = a["qmas"]["general_points_test"]
    assert gpt["met"] == 6 and gpt["passes"] is True
    assert status(a, "qmas") == "eligible"


def test_qmas_five_met_with_unknowns_is_more_info_needed_not_eligible():
    changes = _profile_with(5)
    a = run(changes, drop=("owns_listed_company",))
    gpt = a["qmas"]["general_points_test"]
    assert gpt["met"] == 5 and gpt["passes"] is None
    assert status(a, "qmas") == "more_info_needed"
    assert "owns_listed_company" in scheme(a, "qmas")["missing"]


def test_qmas_income_exactly_one_million_meets_criterion_10_and_says_secondary_source():
    c = criterion(run({"annual_income_hkd": 1_000_000}), 10)
    assert c["met"] is True and "secondary source" in c["reason"]
    assert criterion(run({"annual_income_hkd": 999_999}), 10)["met"] is False


def test_qmas_criterion_3_needs_criterion_2():
    a = run({"postgraduate_institution": "Some Unknown Institute of Learning"})
    assert criterion(a, 2)["met"] is None
    assert "could not confirm" in criterion(a, 2)["reason"]
    assert criterion(a, 3)["met"] is None
    b = run({"degree_level": "bachelor"})
    assert criterion(b, 2)["met"] is False and criterion(b, 3)["met"] is False


def test_qmas_two_languages_counts_chinese_and_english():
    a = run({"languages": {"english": True, "chinese": True}})
    assert criterion(a, 4)["met"] is True and criterion(a, 5)["met"] is True
    b = run({"languages": {"english": False, "chinese": True, "other": ["French"]}})
    assert criterion(b, 4)["met"] is True and criterion(b, 5)["met"] is False
    c = run({"languages": {"english": True, "chinese": False, "other": []}})
    assert criterion(c, 4)["met"] is False


def test_qmas_abpt_award_makes_eligible_even_when_points_fail():
    a = run({**_profile_with(2), "exceptional_achievement": True})
    assert a["qmas"]["general_points_test"]["passes"] is False
    assert a["qmas"]["achievement_based"]["passes"] is True
    assert status(a, "qmas") == "eligible"


def test_qmas_unknown_good_character_is_more_info_needed():
    a = run(drop=("good_character",))
    assert status(a, "qmas") == "more_info_needed"
    assert "good_character" in scheme(a, "qmas")["missing"]


def test_qmas_no_degree_fails_basic_education_prerequisite():
    assert status(run({"degree_level": "sub_degree"}), "qmas") == "not_eligible"


@pytest.mark.parametrize("code", ["AF", "CU", "KP"])
def test_qmas_excluded_nationalities_are_not_eligible(code):
    a = run({"nationality": code})
    assert status(a, "qmas") == "not_eligible"


def test_qmas_language_is_not_a_prerequisite_from_november_2024():
    a = run({"languages": {"english": False, "chinese": False, "other": ["French", "German"]}})
    assert not any("qmas.prereq.language" in r for r in scheme(a, "qmas")["reasons"])


def test_qmas_mainland_resident_can_apply_and_is_told_about_letter_of_consent():
    a = run({"nationality": "CN", "mainland_resident": True})
    assert status(a, "qmas") == "eligible"
    assert any("letter of consent" in s for s in scheme(a, "qmas")["next_steps"])


def test_qmas_unconfirmed_talent_list_and_international_definition_are_flagged():
    a = run()
    assert "not seen by us" in criterion(a, 9)["reason"]
    assert any("Talent List" in c for c in scheme(a, "qmas")["caveats"])


def test_qmas_before_launch_of_checklist_uses_points_on_2024_10_31():
    a = run(as_of=dt.date(2024, 10, 31))
    assert a["qmas"]["general_points_test"]["type"] == "points"
    a2 = run(as_of=dt.date(2024, 11, 1))
    assert a2["qmas"]["general_points_test"]["type"] == "checklist"


def test_passing_through_the_achievement_test_cites_its_criteria_and_says_their_wording_is_secondary():
    """A yes through the ABPT rests on its criteria, whose wording only secondary sources give (2.4), not
    on the points test's press release; the user is told so with the yes."""
    a = run({"exceptional_achievement": True, "age": 60, "work_experience_years": 1, "multinational_years": 0,
             "specified_field_years": 0, "international_years": 0, "languages": {"other": []}})  # fmt: skip
    qmas = scheme(a, "qmas")
    route = next(c for c in qmas["checks"] if c["rule"] == "qmas.route")
    assert qmas["status"] == "eligible" and route["met"] is True
    assert route["data_status"] == "SECONDARY" and "secondary source" in route["status_note"]


def test_without_a_degree_achievements_may_stand_in_for_it_and_the_award_question_is_asked():
    """QMAS: "normally a first degree; exceptionally ... documented experience and achievements" (S1). An
    Olympic champion without a degree was told "not a fit" and never asked about the award."""
    medallist = scheme(run({"degree_level": "none", "exceptional_achievement": True}), "qmas")
    degree = next(c for c in medallist["checks"] if c["rule"] == "qmas.prereq.basic_education")
    assert medallist["status"] == "more_info_needed" and degree["met"] is None and not degree["settled_by"]
    unknown = scheme(run({"degree_level": "none"}, drop=("exceptional_achievement",)), "qmas")
    assert unknown["status"] == "more_info_needed" and "exceptional_achievement" in unknown["missing"]
    without = scheme(run({"degree_level": "none", "exceptional_achievement": False}), "qmas")
    assert without["status"] == "not_eligible"
