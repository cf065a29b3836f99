"""Questions asked together, so one message answers several."""

from bot.conversation import groups
from bot.conversation.interview import profile_data, question_for_field
from bot.conversation.presenting import format_value
from tests.conversation.conftest import AS_OF

WORK = [
    "work_experience_last_5_years",
    "multinational_years",
    "specified_field_years",
    "international_years",
    "business_profit_hkd",
    "owns_listed_company",
]


def test_work_history_is_one_checklist_with_the_thresholds_of_the_rules():
    question = groups.ask("work_experience_last_5_years", WORK, [], AS_OF)
    lines = question.text.splitlines()
    assert lines[1] == "1. I worked full time for 3 or more of the last 5 years"  # TTPS B's rule
    assert lines[2] == "2. 3+ years at a multinational or well-known company (listed, Fortune Global 500...)"
    assert lines[4] == "4. 2+ years of international work"
    assert "HK$5,000,000 or more profit" in lines[5]
    assert len(lines) == 7


def test_checklist_numbers_answer_every_line_as_at_least_or_below():
    asked = groups.ask("work_experience_last_5_years", WORK, [], AS_OF).as_slot()
    assert groups.read(asked, "2 and 4", False, False, AS_OF) == {
        "work_experience_last_5_years": {"below": 3},
        "multinational_years": {"at_least": 3},
        "specified_field_years": {"below": 3},
        "international_years": {"at_least": 2},
        "business_profit_hkd": {"below": 5_000_000},
        "owns_listed_company": False,
    }
    assert all(v in ({"below": 3}, {"below": 2}, {"below": 5_000_000}, False) for v in
               groups.read(asked, "none of these", False, False, AS_OF).values())  # fmt: skip
    assert groups.read(asked, "7", False, False, AS_OF) is None  # not an option: asked again


def test_a_range_answer_counts_for_the_engine_and_reads_as_said():
    data = profile_data({"multinational_years": {"at_least": 3}, "international_years": {"below": 2}})
    assert data == {"multinational_years": 3, "international_years": 0}
    assert format_value(question_for_field("international_years"), {"below": 2}) == "less than 2 years"
    assert (
        format_value(question_for_field("business_profit_hkd"), {"at_least": 5_000_000})
        == "HK$5,000,000 or more"
    )


def test_a_group_is_asked_only_when_two_or_more_members_are_needed():
    assert groups.ask("good_character", ["good_character", "self_supporting"], [], AS_OF) is not None
    assert groups.ask("good_character", ["good_character"], [], AS_OF) is None


def test_yes_answers_a_yes_together_question_and_no_splits_it():
    asked = groups.ask("good_character", ["good_character", "self_supporting"], [], AS_OF).as_slot()
    assert groups.read(asked, "yes", True, False, AS_OF) == {"good_character": True, "self_supporting": True}
    assert groups.read(asked, "no", False, True, AS_OF) is None
    assert (
        groups.ask("good_character", ["good_character", "self_supporting"], ["prerequisites"], AS_OF) is None
    )


def test_the_circumstances_are_one_checklist_with_the_new_cies_threshold_from_its_rules():
    fields = [
        "job_offer.has_offer",
        "hk_study",
        "parent_hk_permanent_resident",
        "exceptional_achievement",
        "net_assets_hkd",
    ]
    question = groups.ask("job_offer.has_offer", fields, [], AS_OF)
    assert question.text.splitlines()[0].startswith("Do any of these apply to you?")
    assert "HK$30,000,000 or more" in question.text
    assert groups.read(question.as_slot(), "none", False, False, AS_OF) == {
        "job_offer.has_offer": False,
        "hk_study": False,
        "parent_hk_permanent_resident": False,
        "exceptional_achievement": False,
        "net_assets_hkd": {"below": 30_000_000},
    }
    chosen = groups.read(question.as_slot(), "1 and 2", False, False, AS_OF)
    assert chosen["job_offer.has_offer"] is True and chosen["hk_study"] is True
    assert chosen["parent_hk_permanent_resident"] is False


CIRCUMSTANCES_AND_PREREQUISITES = [
    "job_offer.has_offer",
    "hk_study",
    "parent_hk_permanent_resident",
    "exceptional_achievement",
    "net_assets_hkd",
    "good_character",
    "self_supporting",
]


def test_the_clean_record_and_self_support_are_lines_of_the_circumstances_stating_the_problem():
    question = groups.ask("job_offer.has_offer", CIRCUMSTANCES_AND_PREREQUISITES, [], AS_OF)
    lines = question.text.splitlines()
    assert lines[6] == "6. I have a criminal record, or have had immigration problems, anywhere"
    assert lines[7] == "7. I would need public money to support myself and my family in Hong Kong"
    none = groups.read(question.as_slot(), "none", False, True, AS_OF)
    assert none["good_character"] is True and none["self_supporting"] is True
    assert none["job_offer.has_offer"] is False
    picked = groups.read(question.as_slot(), "2 and 6", False, False, AS_OF)
    assert picked["hk_study"] is True and picked["good_character"] is False
    assert picked["self_supporting"] is True


def test_after_a_no_to_the_clean_record_and_self_support_each_is_asked_on_its_own():
    declined = ["prerequisites"]
    question = groups.ask("hk_study", CIRCUMSTANCES_AND_PREREQUISITES, declined, AS_OF)
    assert question.members == (
        "job_offer.has_offer", "hk_study", "parent_hk_permanent_resident", "exceptional_achievement",
        "net_assets_hkd",
    )  # fmt: skip
    assert groups.ask("good_character", ["good_character", "self_supporting"], declined, AS_OF) is None
    only_prerequisites = groups.ask("good_character", ["good_character", "self_supporting"], [], AS_OF)
    assert only_prerequisites.group.name == "prerequisites"


def test_which_degrees_are_stem_is_one_checklist_answered_by_numbers_both_or_none():
    asked = groups.ask("bachelor_stem", ["bachelor_stem", "postgraduate_stem"], [], AS_OF).as_slot()
    assert groups.read(asked, "both", False, False, AS_OF) == {
        "bachelor_stem": True,
        "postgraduate_stem": True,
    }
    assert groups.read(asked, "only 2", False, False, AS_OF) == {
        "bachelor_stem": False,
        "postgraduate_stem": True,
    }
    assert groups.read(asked, "neither", False, False, AS_OF) == {
        "bachelor_stem": False,
        "postgraduate_stem": False,
    }


def test_questions_of_different_kinds_are_asked_in_one_sentence_with_an_example():
    question = groups.ask("nationality", ["nationality", "mainland_resident", "age"], [], AS_OF)
    assert question.members == ("nationality", "age")
    assert question.text.startswith("Two quick questions: what is your nationality")
    assert question.text.endswith('One message is fine, like "British, 41".')
    assert question.buttons == ({"title": "Skip these", "payload": "/skip"},)


def test_questions_asked_together_are_worded_for_the_ones_still_needed():
    three = groups.ask(
        "work_experience_years",
        ["work_experience_years", "annual_income_hkd", "languages.english"],
        [],
        AS_OF,
    )
    assert three.text.startswith("Three quick questions: how many years have you worked")
    assert '"8 years, HK$900k, English and Cantonese"' in three.text
    two = groups.ask("annual_income_hkd", ["annual_income_hkd", "languages.english"], [], AS_OF)
    assert two.members == ("annual_income_hkd", "languages.english")
    assert two.text.startswith("Two quick questions: what was your income last year")
    assert groups.ask("age", ["age"], [], AS_OF) is None  # one left: its own question


def test_every_wording_of_questions_asked_together_names_its_members():
    wordings = groups.together_wordings()
    assert wordings[groups.ask("nationality", ["nationality", "age"], [], AS_OF).text] == (
        "nationality",
        "age",
    )
    assert len(set(wordings)) == len(wordings)


def test_a_question_in_two_groups_is_asked_in_the_first_that_has_two_needed():
    bachelor = ["bachelor_institution", "bachelor_graduation_year", "bachelor_stem", "postgraduate_stem"]
    question = groups.ask("bachelor_institution", bachelor, [], AS_OF)
    assert question.group.name == "bachelor"
    # At most three parts at once: the fourth is asked next.
    assert question.members == ("bachelor_institution", "bachelor_graduation_year", "bachelor_stem")
    university_and_stem = groups.ask(
        "bachelor_institution", ["bachelor_institution", "bachelor_stem", "postgraduate_stem"], [], AS_OF
    )
    assert university_and_stem.text.startswith(
        "Three quick questions: which university gave you your bachelor's degree, was it in a STEM subject"
    )
    assert "and was your master's or doctorate in a STEM subject?" in university_and_stem.text
    # The university and year known: which degrees are STEM is one checklist again.
    stem = groups.ask("bachelor_stem", ["bachelor_stem", "postgraduate_stem"], [], AS_OF)
    assert stem.group.name == "stem" and stem.group.kind == "checklist"


def test_a_part_that_follows_another_refers_back_to_it():
    year_and_stem = groups.ask(
        "bachelor_graduation_year", ["bachelor_graduation_year", "bachelor_stem"], [], AS_OF
    )
    assert (
        "in which year did you finish your bachelor's degree, and was it in a STEM subject"
        in year_and_stem.text
    )
