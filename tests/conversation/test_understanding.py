"""Reading applicants' messages into answers, with the real entity pipeline."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.interview import SKIPPED, questions
from bot.conversation.understanding import field_named_in, is_bare_answer, parse_month, understand
from tests.conversation.conftest import AS_OF


def test_one_message_with_many_details_fills_every_answer_it_mentions(read):
    result = read("I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD")
    assert result.answers == {
        "age": 32,
        "nationality": "IN",
        "degree_level": "master",
        "postgraduate_institution": "The Hong Kong University of Science and Technology",
        "work_experience_years": 8,
        "annual_income_hkd": 1_200_000,
    }


def test_study_in_hong_kong_told_in_passing_fills_the_programme_and_graduation_month(read):
    answers = read("I'm 24, just finished my master's at HKU full time, graduated June 2026").answers
    assert answers["hk_study"] is True
    assert answers["hk_study_programme"] == "full_time_local"
    assert answers["hk_study_graduation_date"] == "2026-06-01"


def test_a_graduation_year_of_a_degree_outside_hong_kong_is_not_the_hong_kong_one(read):
    answers = read("Bachelor's from UBC, graduated 2019, master's at Oxford full time").answers
    assert "hk_study_graduation_date" not in answers
    assert "hk_study_programme" not in answers


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("British, 52, net assets around HK$40 million, bachelor's from LSE", 52),
        (
            "Chinese passport, I live in Canada with permanent residence, 33, master's from Toronto",
            33,
        ),
        ("American, 45, I earn USD 400k a year", 45),
    ],
)
def test_a_bare_age_in_a_list_of_details_is_read(read, text, age):
    assert read(text).answers["age"] == age


@pytest.mark.parametrize(
    "text",
    [
        "52",  # no other detail: not a list, and nothing was asked
        "British, 52, 47, bachelor's",  # two bare numbers: which one is the age?
        "bachelor's from Manchester, 18 years of work",  # the number belongs to a duration
        "British, 12, bachelor's",  # not a plausible applicant's age
    ],
)
def test_a_bare_number_is_not_taken_for_an_age_when_it_may_not_be_one(read, text):
    assert "age" not in read(text).answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HK$2.5m", 2_500_000),
        ("2,500,000", 2_500_000),
        ("HKD 2.5 million", 2_500_000),
        ("2.5 million", 2_500_000),
    ],
)
def test_hong_kong_dollar_amounts_are_read_in_any_common_form(read, text, expected):
    assert read(text, "annual_income_hkd").answers == {"annual_income_hkd": expected}


@pytest.mark.parametrize(("text", "currency"), [("RMB 800k", "CNY"), ("USD 150k", "USD")])
def test_foreign_amounts_are_converted_and_the_rate_is_stated(read, text, currency):
    result = read(text, "annual_income_hkd")
    amount = result.answers["annual_income_hkd"]
    assert amount > 0
    assert len(result.notes) == 1
    assert currency in result.notes[0]
    assert "rate table of" in result.notes[0] or "linked rate" in result.notes[0]
    assert f"HK${amount:,.0f}" in result.notes[0]


def test_usd_converts_at_the_linked_exchange_rate(read):
    # The Hong Kong dollar is pegged to the US dollar within 7.75-7.85.
    amount = read("USD 150k", "annual_income_hkd").answers["annual_income_hkd"]
    assert 150_000 * 7.75 <= amount <= 150_000 * 7.85


def test_a_monthly_salary_counts_twelve_times_and_says_so(read):
    result = read("HK$50k per month", "annual_income_hkd")
    assert result.answers == {"annual_income_hkd": 600_000}
    assert any("12 months" in note for note in result.notes)


@pytest.mark.parametrize(("text", "age"), [("thirty-two", 32), ("I'm 45 years old", 45), ("28", 28)])
def test_ages_in_words_and_numbers(read, text, age):
    assert read(text, "age").answers == {"age": age}


def test_durations_in_short_forms_and_since_a_year(read):
    assert read("5 yrs", "work_experience_years").answers == {"work_experience_years": 5}
    since = read("since 2015", "work_experience_years").answers["work_experience_years"]
    assert 11 <= since <= 12


@pytest.mark.parametrize("text", ["HKU", "Univ. of Hong Kong", "University of Hong Kong"])
def test_university_aliases_give_the_official_name(read, text):
    assert read(text, "bachelor_institution").answers == {
        "bachelor_institution": "The University of Hong Kong"
    }


def test_an_unknown_university_is_kept_as_written_and_the_user_told_it_cannot_be_checked(read):
    result = read("Foo Institute of Bar", "bachelor_institution")
    assert result.answers == {"bachelor_institution": "Foo Institute of Bar"}
    (note,) = result.notes
    assert note.startswith("I don't know \"Foo Institute of Bar\", so I can't check it")
    assert "https://www.immd.gov.hk/pdf/aggregate_list.pdf" in note


def test_a_bare_place_is_kept_as_written_and_the_university_named_after_it_offered(read):
    """ "Manchester" is not accepted as the University of Manchester (Manchester Metropolitan is another
    university): the user is asked, at once, to say so if that is the one."""
    result = read("Manchester", "bachelor_institution")
    assert result.answers == {"bachelor_institution": "Manchester"}
    assert result.notes == [
        'I\'ve noted "Manchester" as you wrote it, as I can only check names I know. If you mean The '
        'University of Manchester, say "actually, The University of Manchester".'
    ]


@pytest.mark.parametrize("text", ["actually, The University of Manchester", "what do you mean?", "hmm"])
def test_a_reply_naming_no_language_is_not_read_as_speaking_none(read, text):
    """It was: "actually, The University of Manchester", at the languages question, gave "Good English:
    no" (and no Chinese, no other), which cost the English and two-languages points."""
    assert read(text, "languages_english").answers == {}
    assert read("English and Hindi", "languages_english").answers["languages_english"] is True


def test_a_known_university_needs_no_note(read):
    assert read("HKU", "bachelor_institution").notes == []


@pytest.mark.parametrize("text", ["PRC", "mainland China", "Chinese"])
def test_mainland_terms_mean_china(read, text):
    assert read(text, "nationality").answers == {"nationality": "CN"}


def test_two_degrees_go_to_the_right_universities(read):
    result = read("bachelor from HKU and master's from MIT")
    assert result.answers["bachelor_institution"] == "The University of Hong Kong"
    assert result.answers["postgraduate_institution"] == "Massachusetts Institute of Technology"
    assert result.answers["degree_level"] == "master"


def test_words_around_an_amount_say_which_answer_it_is(read):
    assert read("net assets around HK$40 million").answers == {"net_assets_hkd": 40_000_000}
    assert read("profit of my company was HK$6m last year").answers == {"business_profit_hkd": 6_000_000}


def test_saying_where_you_live_answers_the_mainland_question_not_nationality(read):
    assert read("I live in China").answers == {"mainland_resident": True}


def test_skip_leaves_the_asked_answer_unknown(read):
    assert read("I'd rather not say", "annual_income_hkd", intent="skip").answers == {
        "annual_income_hkd": SKIPPED
    }


def test_unclear_words_are_not_taken_for_a_no(read):
    # The classifier files "blah" under "deny"; only a button or a real "no" counts as one.
    assert read("blah", "work_experience_last_5_years", intent="deny").answers == {}
    assert read("/deny", "work_experience_last_5_years", intent="deny").answers == {
        "work_experience_last_5_years": 0
    }
    assert read("none", "multinational_years", intent="deny").answers == {"multinational_years": 0}


def test_no_business_means_no_business_profit_and_no_assets_means_skip(read):
    assert read("no", "business_profit_hkd", intent="deny").answers == {"business_profit_hkd": 0}
    assert read("no", "net_assets_hkd", intent="deny").answers == {"net_assets_hkd": SKIPPED}


def test_a_list_of_languages_answers_all_three_language_questions(read):
    assert read("English and Cantonese", "languages_english").answers == {
        "languages_english": True,
        "languages_chinese": True,
        "languages_other": [],
    }


def test_yes_to_study_in_hong_kong_opens_the_details(read):
    assert read("yes", "hk_study", intent="affirm").answers == {"hk_study": True}


def test_graduation_month_and_year_become_a_date():
    assert parse_month("June 2025", AS_OF) == "2025-06-01"
    assert parse_month("06/2025", AS_OF) == "2025-06-01"
    assert parse_month("2025-06-30", AS_OF) == "2025-06-30"
    assert parse_month("last summer", AS_OF) is None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("I was wrong about the degree", "degree_level"),
        ("change my income", "annual_income_hkd"),
        ("my nationality is wrong", "nationality"),
    ],
)
def test_a_correction_can_name_the_answer_to_redo(text, field):
    assert field_named_in(text).field == field


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), asked=st.sampled_from([None, *questions()]), intent=st.sampled_from(
    [None, "inform", "affirm", "deny", "skip", "nlu_fallback"]))  # fmt: skip
def test_understanding_never_fails_on_any_text(text, asked, intent):
    result = understand(text, [], asked, intent, AS_OF)
    assert set(result.answers) <= {q.slot for q in questions()}


def test_a_word_for_both_a_language_and_a_nationality_is_read_by_its_context(read):
    assert read("I'm 44 and Norwegian").answers == {"age": 44, "nationality": "NO"}
    assert read("I speak Norwegian and English").answers["languages_other"] == ["norwegian"]


@pytest.mark.parametrize(
    ("text", "nationality"),
    [
        ("I'm from India", "IN"),
        ("Indian", "IN"),
        ("PRC passport", "CN"),
        ("I am Canadian", "CA"),
        ("UK citizen", "GB"),
    ],
)
def test_nationality_from_a_demonym_or_a_cue(read, text, nationality):
    assert read(text).answers.get("nationality") == nationality


@pytest.mark.parametrize(
    "text", ["I have an offer from a HK bank", "3 years in hong kong", "I worked in Singapore"]
)
def test_a_place_mentioned_in_passing_is_not_a_nationality(read, text):
    assert "nationality" not in read(text).answers


def test_details_sent_to_the_university_question_are_not_taken_for_its_name(read):
    answers = read("6 years, 45k USD, english and hindi", "bachelor_institution").answers
    assert "bachelor_institution" not in answers  # asked again instead
    assert answers["work_experience_years"] == 6 and answers["languages_other"] == ["hindi"]


def test_a_list_of_languages_is_languages_not_a_nationality(read):
    assert read("English, Hindi").answers == {"languages_english": True, "languages_other": ["hindi"]}
    assert read("English, 41").answers == {"nationality": "GB", "age": 41}


@pytest.mark.parametrize("text", ["KES 6m", "6 million shillings", "NGN 20,000,000"])
def test_an_amount_in_a_currency_we_cannot_convert_is_not_taken_for_hong_kong_dollars(read, text):
    understood = read(text, "annual_income_hkd")
    assert "annual_income_hkd" not in understood.answers  # asked again, in HK$ or US$
    assert len(understood.notes) == 1 and "can't convert" in understood.notes[0]
    assert "HKD, " in understood.notes[0] and "USD" in understood.notes[0], "says which ones we can"
    assert understood.explained


@pytest.mark.parametrize(
    "text", ["I earn 2m KES a year", "salary 200,000 KES a month", "I make 2m NGN per year"]
)
def test_the_pay_period_of_an_amount_is_not_a_year_of_work_experience(read, text):
    understood = read(text)
    assert "work_experience_years" not in understood.answers
    assert "annual_income_hkd" not in understood.answers and "can't convert" in understood.notes[0]


def test_a_year_of_work_is_still_read_beside_an_amount_with_its_own_period(read):
    answers = read("I earn 300k HKD a year, worked for a year").answers
    assert answers == {"annual_income_hkd": 300_000, "work_experience_years": 1}


def test_capitals_beside_an_amount_that_are_no_currency_leave_it_in_hong_kong_dollars(read):
    assert read("8 years at the CEO office, 2m").answers["annual_income_hkd"] == 2_000_000


@pytest.mark.parametrize(
    "text",
    ["Germany", "germany.", "28", "about 10 years", "HK$2.5m", "only high school", "i'm from India", "HKU"],
)
def test_a_message_of_nothing_but_values_is_a_bare_answer(nlp, text):
    assert is_bare_answer(text, entities_of(nlp, text)), [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    "text",
    ["xyz", "rofl", "germany work visa", "canada express entry points", "why?", "start over", "", "!!!"],
)
def test_words_beside_or_instead_of_a_value_make_a_message_more_than_an_answer(nlp, text):
    assert not is_bare_answer(text, entities_of(nlp, text))


def entities_of(nlp, text):
    return [{"entity": e.label_, "start": e.start_char, "end": e.end_char} for e in nlp(text).ents]


@pytest.mark.parametrize(
    "text",
    [
        "The Chinese University of Hong Kong, Shenzhen",
        "I did my bachelor at The Chinese University of Hong Kong (Shenzhen)",
    ],
)
def test_a_university_followed_by_a_branch_campus_is_the_branch(read, text):
    """It was read as CUHK itself, and so as on the list: a branch campus is not."""
    result = read(text, "bachelor_institution")
    assert result.answers["bachelor_institution"].startswith("The Chinese University of Hong Kong")
    assert result.answers["bachelor_institution"] != "The Chinese University of Hong Kong"
    assert "branch campus" in result.notes[0]


def test_naming_an_answer_by_its_degree_does_not_change_the_degree(read):
    """ "change my bachelor's university" answered "Updated: Highest degree: Bachelor's"."""
    assert "degree_level" not in read("change my bachelor's university", None, "correct_answer").answers
    assert read("my bachelor's university is HKU", None).answers == {
        "bachelor_institution": "The University of Hong Kong"
    }
    assert read("I have a bachelor's from HKU", None).answers["degree_level"] == "bachelor"


@pytest.mark.parametrize(
    "text", ["zero", "none", "nothing", "i had no income, i was student", "I was unemployed"]
)
def test_no_income_is_an_income_of_nothing(read, text):
    """The income question looped on these ("I didn't catch an amount", or "only Hong Kong visas")."""
    assert read(text, "annual_income_hkd").answers == {"annual_income_hkd": 0}


def test_an_amount_beside_a_no_is_still_the_amount(read):
    assert read("no, about 300k", "annual_income_hkd").answers == {"annual_income_hkd": 300_000}


def test_nothing_is_a_bare_answer_only_at_an_amount_question():
    """At the NLU, "none" keeps its intent (a "no" must stay a no to "start over?"); the form reads it as
    an amount when an amount was asked, whatever intent it got."""
    assert is_bare_answer("zero", [], "money") and is_bare_answer("none", [], "money")
    assert not is_bare_answer("none", []) and not is_bare_answer("no", [], "money")


@pytest.mark.parametrize(
    ("text", "nationality"),
    [
        ("Brazilian, 35, my english is good, also french", "BR"),  # was France
        ("I am Vietnamese, 30, english good", "VN"),  # was the United Kingdom
        ("mandarin, taiwanese, english", "TW"),  # was the United Kingdom
        ("im frm philipines, 29, nurse 6yrs in saudi", "PH"),  # was Saudi Arabia
    ],
)
def test_a_language_or_a_place_worked_in_does_not_overwrite_the_nationality(read, text, nationality):
    assert read(text).answers["nationality"] == nationality


@pytest.mark.parametrize(
    ("text", "income", "note"),
    [
        # was the bonus alone (HK$405,150)
        ("€300k salary plus €50k bonus", 2_836_050, "I added up HK$2,430,900 + HK$405,150"),
        # was HK$1.2m: a total given is the income
        ("total income was about HK$3.5 million, salary was HK$1.2m", 3_500_000, None),
        # was HK$2.3m, the dividends
        ("Salary was 1.2 million HKD plus 2.3 million in dividends", 1_200_000, "I've left out HK$2,300,000"),
        # was net assets of HK$3.4m, the salary lost
        ("SGD 200k salary and SGD 600k investment returns", 1_144_200, "of investment returns"),
    ],
)
def test_income_is_pay_and_profit_added_up_without_investment_returns(read, text, income, note):
    result = read(text)
    assert result.answers["annual_income_hkd"] == pytest.approx(income)
    assert "net_assets_hkd" not in result.answers
    if note:
        assert any(note in n for n in result.notes), result.notes


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Thai, 17, my family has HK$50 million", "it sounds like your family's money"),  # was income
        ("I have a job offer paying 60k HKD per month", "the pay of a job offer"),  # was income last year
    ],
)
def test_money_that_is_not_your_income_last_year_is_left_out_and_said_so(read, text, said):
    result = read(text)
    assert "annual_income_hkd" not in result.answers and "net_assets_hkd" not in result.answers
    assert any(said in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("graduated on 30 June 2026", "2026-06-30"),  # the day was dropped: IANG's six months count from it
        ("June 30, 2026", "2026-06-30"),
        ("30/06/2026", "2026-06-30"),
        ("June 2026", "2026-06-01"),
        ("I graduated in June 2026 after 4 years", "2026-06-01"),  # "4" is not the day
    ],
)
def test_a_graduation_day_given_is_kept(text, date):
    import datetime as dt

    assert parse_month(text, dt.date(2026, 12, 7)) == date


def test_a_denied_degree_is_not_taken_as_had(read):
    """ "I don't have a master's!" was read as "Highest degree: Master's"."""
    assert "degree_level" not in read("I don't have a master's!").answers
    assert read("no master's yet, just a BSc").answers["degree_level"] == "bachelor"


@pytest.mark.parametrize(
    ("text", "english", "chinese", "other"),
    [
        ("english fluent, cantonese speaking ok but can't write much", True, False, []),  # was good Chinese
        ("English and a little Cantonese", True, False, []),
        ("English, Hindi and a little Mandarin", True, False, ["hindi"]),
        ("English and Mandarin, both good", True, True, []),
        ("only a little english", False, False, []),
    ],
)
def test_a_language_known_only_in_part_is_not_known_well(read, text, english, chinese, other):
    """QMAS's language points ask for good written and spoken command."""
    answers = read(text, "languages_english").answers
    assert (answers["languages_english"], answers["languages_chinese"], answers["languages_other"]) == (
        english,
        chinese,
        other,
    )


def test_a_question_states_no_answer(read):
    """ "Does property count toward the 30 million investment?" set the net assets to HK$30m."""
    assert read("does property count toward the 30 million investment?").answers == {}
    assert read("what if I earned 2.6m?", None, "what_if").answers == {"annual_income_hkd": 2_600_000}
    assert read("I have 30 million in assets").answers == {"net_assets_hkd": 30_000_000}


@pytest.mark.parametrize(
    ("text", "code"),
    [("actually, my nationality is Macao", "MO"), ("actually, my nationality is Taiwan", "TW")],
)
def test_the_nationality_change_new_cies_suggests_is_understood(read, text, code):
    """New CIES tells a Chinese national from Macao or Taiwan to say this (it said "give MO or TW", which
    was not understood)."""
    assert read(text, None, "correct_answer").answers == {"nationality": code}
