"""Which questions the interview asks: only those that can still change an outcome."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.interview import (
    SKIPPED,
    missing_fields,
    next_question,
    profile,
    profile_data,
    questions,
    refinements_available,
    slot_name,
)
from bot.engine import assess
from bot.profile import ALL_FIELD_PATHS
from tests.conversation.conftest import AS_OF


def interview(truth: dict, limit: int = 60) -> list[str]:
    """Answer every question from ``truth`` (skip what it lacks); return the fields asked, in order."""
    answers: dict = {}
    asked: list[str] = []
    for _ in range(limit):
        question = next_question(answers, AS_OF)
        if question is None:
            return asked
        asked.append(question.field)
        answers[question.slot] = truth.get(question.field, SKIPPED)
    raise AssertionError(f"the interview did not end: {asked}")


def test_every_profile_answer_has_exactly_one_question():
    # "hk_study" itself is asked too: did the applicant study in Hong Kong at all (yes opens the details).
    assert sorted(q.field for q in questions()) == sorted([*ALL_FIELD_PATHS, "hk_study"])
    assert len({q.slot for q in questions()}) == len(questions())


def test_the_interview_starts_with_nationality():
    assert next_question({}, AS_OF).field == "nationality"


def test_an_excluded_nationality_ends_the_interview_at_once():
    assert interview({"nationality": "AF"}) == ["nationality"]


def test_someone_who_never_studied_in_hong_kong_is_not_asked_about_it():
    asked = interview({"nationality": "GB", "age": 30, "hk_study": False})
    assert "hk_study" in asked
    assert not [f for f in asked if f.startswith("hk_study.")]


def test_a_graduate_of_a_hong_kong_programme_is_asked_for_the_details():
    asked = interview({"nationality": "GB", "age": 24, "hk_study": True})
    assert "hk_study.programme" in asked
    assert "hk_study.graduation_date" in asked


def test_skipped_answers_are_not_asked_again_and_stay_unknown():
    data = profile_data({"age": SKIPPED, "nationality": "GB"})
    assert data == {"nationality": "GB"}


def test_a_no_to_study_in_hong_kong_is_the_contracts_false():
    assert profile_data({"hk_study": False, "hk_study_programme": "gba_campus"}) == {"hk_study": False}
    assert profile_data({"hk_study": True, "hk_study_programme": "gba_campus"}) == {
        "hk_study": {"programme": "gba_campus"}
    }


def test_nested_answers_become_nested_profile_fields():
    data = profile_data({"languages_english": True, "job_offer_has_offer": False})
    assert data == {"languages": {"english": True}, "job_offer": {"has_offer": False}}


def test_qmas_criteria_still_open_are_offered_as_refinements_once_the_test_is_passed():
    # They change no status, so they don't delay the comparison; but applicants meeting more criteria
    # are viewed more favourably, so the assistant offers to ask them.
    answers = {
        slot_name(f): v
        for f, v in {
            "nationality": "IN", "age": 32, "degree_level": "master",
            "postgraduate_institution": "The Hong Kong University of Science and Technology",
            "work_experience_years": 8, "annual_income_hkd": 1_200_000,
            "languages.english": True, "languages.chinese": True, "languages.other": [],
        }.items()
    }  # fmt: skip
    assessment = assess(profile(answers), AS_OF)
    assert assessment["qmas"]["general_points_test"]["met"] >= 6
    assert "multinational_years" not in missing_fields(assessment)
    assert "multinational_years" in missing_fields(assessment, refine=True)
    assert refinements_available(answers, assessment) >= 3


FIELD_VALUES = {
    "nationality": st.sampled_from(["GB", "CN", "IN", "AF", "VN", "US"]),
    "mainland_resident": st.booleans(),
    "foreign_permanent_residence": st.booleans(),
    "age": st.integers(16, 70),
    "degree_level": st.sampled_from(["none", "sub_degree", "bachelor", "master", "doctorate"]),
    "bachelor_institution": st.sampled_from(
        ["The University of Hong Kong", "Foo College", "University of Oxford"]
    ),
    "work_experience_years": st.integers(0, 20),
    "annual_income_hkd": st.sampled_from([0, 900_000, 1_000_000, 2_500_000, 3_000_000]),
    "hk_study": st.booleans(),
    "job_offer.has_offer": st.booleans(),
    "good_character": st.booleans(),
    "net_assets_hkd": st.sampled_from([0, 30_000_000]),
}


@settings(max_examples=60, deadline=None)
@given(truth=st.fixed_dictionaries({}, optional=FIELD_VALUES))
def test_any_interview_ends_asks_nothing_twice_and_leaves_no_open_question_unasked(truth):
    asked = interview(truth)
    assert len(asked) == len(set(asked))
    answers = {slot_name(f): truth.get(f, SKIPPED) for f in asked}
    final = assess(profile(answers), AS_OF)
    # Whatever the engine still calls missing was asked (and answered or skipped).
    assert missing_fields(final) - set(asked) <= {
        f for s in final["schemes"] if s["status"] == "not_eligible" for f in s["missing"]
    }


@pytest.mark.parametrize("field", ["languages.english", "job_offer.has_offer", "hk_study.programme"])
def test_slot_names_are_field_paths_with_underscores(field):
    assert slot_name(field) == field.replace(".", "_")
