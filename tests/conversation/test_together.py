"""Replies to questions asked together ("what is your nationality, and how old are you?"): each part is
read by its own kind, and what the reply leaves out stays unanswered, to be asked on its own."""

import pytest

from bot.conversation.interview import SKIPPED, question_for_slot
from bot.conversation.understanding import understand_together
from tests.conversation.conftest import AS_OF

ABOUT_YOU = ("nationality", "age")
BACHELOR = ("bachelor_institution", "bachelor_graduation_year")
WORK_PAY_LANGUAGES = ("work_experience_years", "annual_income_hkd", "languages_english")


@pytest.fixture
def reply(nlp):
    def _reply(text: str, slots: tuple[str, ...], intent: str = "inform") -> dict:
        entities = [
            {"entity": e.label_, "value": e.text, "start": e.start_char, "end": e.end_char}
            for e in nlp(text).ents
        ]
        members = [question_for_slot(slot) for slot in slots]
        return understand_together(text, entities, members, intent, AS_OF).answers

    return _reply


@pytest.mark.parametrize(
    "text",
    ["British, 41", "41, UK", "UK 41", "I'm British and 41", "UK passport, 41yo", "41 years old, British"],
)
def test_nationality_and_age_in_either_order_and_any_form(reply, text):
    assert reply(text, ABOUT_YOU) == {"nationality": "GB", "age": 41}


def test_years_in_reply_to_how_old_are_you_are_an_age_not_work_experience(reply):
    assert reply("Indian 32 years", ABOUT_YOU) == {"nationality": "IN", "age": 32}


def test_a_reply_that_answers_one_part_leaves_the_other_unanswered(reply):
    assert reply("indian", ABOUT_YOU) == {"nationality": "IN"}
    assert reply("32", ABOUT_YOU) == {"age": 32}
    assert reply("2016", BACHELOR) == {"bachelor_graduation_year": 2016}


def test_skip_leaves_every_part_unknown_and_not_asked_again(reply):
    assert reply("skip", ABOUT_YOU, intent="skip") == {"nationality": SKIPPED, "age": SKIPPED}
    assert reply("rather not say", BACHELOR) == dict.fromkeys(BACHELOR, SKIPPED)


@pytest.mark.parametrize(
    ("text", "university"),
    [
        ("HKU 2015", "The University of Hong Kong"),
        ("Univ. of Hong Kong, graduated 2015", "The University of Hong Kong"),
        ("Fudan University in 2015", "Fudan University"),
        ("some college in Lagos, 2015", "some college in Lagos"),  # unknown names are kept as given
    ],
)
def test_a_university_and_a_year(reply, text, university):
    assert reply(text, BACHELOR) == {"bachelor_institution": university, "bachelor_graduation_year": 2015}


def test_words_around_a_year_are_not_taken_for_a_university(reply):
    assert reply("graduated in 2006", BACHELOR) == {"bachelor_graduation_year": 2006}


def test_work_income_and_languages_from_one_line(reply):
    assert reply("8 years, HK$900k, English and Cantonese", WORK_PAY_LANGUAGES) == {
        "work_experience_years": 8,
        "annual_income_hkd": 900_000,
        "languages_english": True,
        "languages_chinese": True,
        "languages_other": [],
    }


def test_bare_numbers_answer_the_questions_in_the_order_asked(reply):
    answers = reply("18, 900k, English", WORK_PAY_LANGUAGES)
    assert answers["work_experience_years"] == 18 and answers["annual_income_hkd"] == 900_000
    assert (
        "age" not in answers and "nationality" not in answers
    )  # "18" is not an age, "English" not a passport
    assert reply("none, 0", WORK_PAY_LANGUAGES[:2]) == {"work_experience_years": 0, "annual_income_hkd": 0}


def test_a_converted_amount_in_a_reply_together_is_stated(nlp):
    text = "since 2015, RMB 800k"
    entities = [
        {"entity": e.label_, "value": e.text, "start": e.start_char, "end": e.end_char}
        for e in nlp(text).ents
    ]
    members = [question_for_slot(s) for s in WORK_PAY_LANGUAGES[:2]]
    understood = understand_together(text, entities, members, "inform", AS_OF)
    assert understood.answers["annual_income_hkd"] > 800_000  # CNY 800k in HKD
    assert any("CNY" in note and "HK$" in note for note in understood.notes)


@pytest.mark.parametrize(
    ("said", "stem"), [("yes", True), ("no", False), ("not STEM", False), ("STEM", True)]
)
def test_the_bachelor_questions_with_a_yes_or_no_for_stem(reply, said, stem):
    answers = reply(
        f"HKU, 2015, {said}", ("bachelor_institution", "bachelor_graduation_year", "bachelor_stem")
    )
    assert answers == {
        "bachelor_institution": "The University of Hong Kong",
        "bachelor_graduation_year": 2015,
        "bachelor_stem": stem,
    }


def test_not_stem_answers_the_stem_question_asked_alone(read):
    assert read("non-STEM", "bachelor_stem").answers == {"bachelor_stem": False}
    assert read("it was STEM", "postgraduate_stem").answers == {"postgraduate_stem": True}


def test_a_school_not_on_our_list_is_read_beside_its_year(reply):
    answers = reply(
        "University of Lagos 2018, yes", ("bachelor_institution", "bachelor_graduation_year", "bachelor_stem")
    )
    assert answers == {
        "bachelor_institution": "University of Lagos",
        "bachelor_graduation_year": 2018,
        "bachelor_stem": True,
    }


UNIVERSITY_AND_STEM = ("bachelor_institution", "bachelor_stem", "postgraduate_stem")


@pytest.mark.parametrize(
    ("text", "bachelor_stem", "postgraduate_stem"),
    [("Fudan, no, yes", False, True), ("Fudan, yes, no", True, False), ("Fudan, not STEM, no", False, False)],
)
def test_two_yes_or_no_parts_are_read_in_the_order_asked(reply, text, bachelor_stem, postgraduate_stem):
    assert reply(text, UNIVERSITY_AND_STEM) == {
        "bachelor_institution": "Fudan University",
        "bachelor_stem": bachelor_stem,
        "postgraduate_stem": postgraduate_stem,
    }


def test_one_yes_to_two_yes_or_no_parts_answers_the_first_and_leaves_the_second_to_ask(reply):
    assert reply("Fudan, yes", UNIVERSITY_AND_STEM) == {
        "bachelor_institution": "Fudan University",
        "bachelor_stem": True,
    }
