"""What the EntityRuler tags in messages written the way applicants write them.

Each message is checked as typed and lower-cased: Rasa's SpacyNLP lower-cases text by default.
"""

from __future__ import annotations

import pytest

REALISTIC_MESSAGES = [
    (
        "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD",
        [
            ("I'm 32", "age"),
            ("Indian", "country"),
            ("master's", "degree"),
            ("HKUST", "university"),
            ("8 years", "duration"),
            ("1.2m HKD", "money"),
        ],
    ),
    (
        "im 28 , from mainland china, bachelor degree from Peking University, 5 yrs working in Shenzhen, "
        "salary 60k RMB a month",
        [
            ("im 28", "age"),
            ("mainland china", "country"),
            ("bachelor degree", "degree"),
            ("Peking University", "university"),
            ("5 yrs", "duration"),
            ("60k RMB a month", "money"),
        ],
    ),
    (
        "PRC citizen, PhD Tsinghua, graduated in 2018, speak Putonghua and English",
        [
            ("PRC citizen", "country"),
            ("PhD", "degree"),
            ("Tsinghua", "university"),
            ("graduated in 2018", "year"),
            ("Putonghua", "language"),
            ("English", "language"),
        ],
    ),
    (
        "MSc from Univ. of Hong Kong, class of 2019, working since 2015 at HSBC",
        [
            ("MSc", "degree"),
            ("Univ. of Hong Kong", "university"),
            ("class of 2019", "year"),
            ("since 2015", "duration"),
        ],
    ),
    (
        "I am thirty-two years old, my income is HK$2.5m per year",
        [("I am thirty-two years old", "age"), ("HK$2.5m per year", "money")],
    ),
    (
        "Filipino, 35yo, BSc nursing, 3.5 years in Singapore, salary SGD 90k",
        [
            ("Filipino", "language"),
            ("35yo", "age"),
            ("BSc", "degree"),
            ("3.5 years", "duration"),
            ("Singapore", "country"),
            ("SGD 90k", "money"),
        ],
    ),
    (
        "I'm British, live in HK, higher diploma, 18 months contract, £90k",
        [
            ("British", "country"),
            ("HK", "country"),
            ("higher diploma", "degree"),
            ("18 months", "duration"),
            ("£90k", "money"),
        ],
    ),
    (
        "from IIT Bombay, B.Tech 2012-2016, 25 lakhs salary, can speak Hindi, Tamil and English",
        [
            ("IIT Bombay", "university"),
            ("B.Tech", "degree"),
            ("2012-2016", "duration"),
            ("25 lakhs", "money"),
            ("Hindi", "language"),
            ("Tamil", "language"),
            ("English", "language"),
        ],
    ),
    ("aged 45, doctorate, USD 150k", [("aged 45", "age"), ("doctorate", "degree"), ("USD 150k", "money")]),
    ("I'm Chinese and speak Cantonese", [("I'm Chinese", "country"), ("Cantonese", "language")]),
]


@pytest.mark.parametrize(("message", "expected"), REALISTIC_MESSAGES, ids=lambda value: str(value)[:40])
def test_realistic_message_yields_every_detail_it_mentions(entities, message, expected) -> None:
    assert entities(message) == expected


@pytest.mark.parametrize(("message", "expected"), REALISTIC_MESSAGES, ids=lambda value: str(value)[:40])
def test_lower_cased_message_yields_the_same_details(entities, message, expected) -> None:
    assert entities(message.lower()) == [(text.lower(), label) for text, label in expected]


@pytest.mark.parametrize(
    "text",
    [
        "HK$2.5m",
        "HKD 2,500,000",
        "2,500,000",
        "2.5 million",
        "RMB 800k",
        "800k RMB",
        "USD 150k",
        "$150,000",
        "1.2m HKD",
        "¥500,000",
        "£90k",
        "€100k",
        "1.2 mil",
        "2.5M",
        "RMB800k",
        "two million hkd",
        "30000 a month",
        "HKD 1,200,000 annually",
        "80w rmb",
        "1,200,000hkd",
    ],
)
def test_money_in_every_common_spelling_is_one_money_entity(entities, text) -> None:
    assert entities(text) == [(text, "money")]


@pytest.mark.parametrize(
    "text",
    [
        "5 yrs",
        "8 years",
        "3.5 years",
        "six years",
        "since 2015",
        "18 months",
        "2 years and 6 months",
        "5+ years",
        "5-6 years",
        "since March 2019",
        "from 2015 to 2020",
        "2015 - present",
        "a year and a half",
        "5yrs",
        "two and a half years",
        "half a year",
    ],
)
def test_duration_in_every_common_spelling_is_one_duration_entity(entities, text) -> None:
    assert entities(text) == [(text, "duration")]


@pytest.mark.parametrize(
    "text",
    [
        "I'm 32",
        "32 years old",
        "32yo",
        "age 32",
        "aged 32",
        "thirty-two",
        "I am 32",
        "im 32",
        "32 y/o",
        "age: 32",
        "my age is 32",
        "32 yrs old",
        "I'm thirty two",
        "32years old",
        "I'm 32 years",
    ],
)
def test_age_in_every_common_spelling_is_one_age_entity(entities, text) -> None:
    assert entities(text) == [(text, "age")]


def test_years_of_experience_are_a_duration_not_an_age(entities) -> None:
    assert entities("I have 5 years experience") == [("5 years", "duration")]
    assert entities("I'm 8 years in HK") == [("8 years", "duration"), ("HK", "country")]


def test_years_old_is_an_age_not_a_duration(entities) -> None:
    assert entities("32 years old") == [("32 years old", "age")]
    assert entities("I'm 32 years old and worked 10 years") == [
        ("I'm 32 years old", "age"),
        ("10 years", "duration"),
    ]


def test_spelled_out_duration_beats_spelled_out_age(entities) -> None:
    assert entities("twenty-five years in finance") == [("twenty-five years", "duration")]


def test_since_a_year_is_a_duration_and_a_lone_year_is_a_year(entities) -> None:
    assert entities("since 2015") == [("since 2015", "duration")]
    assert entities("moved to HK in 2020") == [("HK", "country"), ("2020", "year")]
    assert entities("graduated 2021") == [("graduated 2021", "year")]


def test_plain_small_numbers_are_not_money(entities) -> None:
    assert entities("I have 2 kids") == []
    assert entities("32") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Univ. of Hong Kong", "The University of Hong Kong"),
        ("University of Hong Kong", "The University of Hong Kong"),
        ("HKU", "The University of Hong Kong"),
        ("City Univ of HK", "City University of Hong Kong"),
        ("Peking Univ", "Peking University"),
        ("HK University of Science & Technology", "The Hong Kong University of Science and Technology"),
    ],
)
def test_university_aliases_and_spelling_variants_resolve_to_the_listed_name(nlp, text, expected) -> None:
    ents = nlp(text).ents
    assert [(ent.text, ent.label_, ent.ent_id_) for ent in ents] == [(text, "university", expected)]


def test_ent_ids_carry_normalised_values_for_phrases(nlp) -> None:
    doc = nlp("Indian, speaks Putonghua, MSc")
    assert [(ent.label_, ent.ent_id_) for ent in doc.ents] == [
        ("country", "IN"),
        ("language", "mandarin"),
        ("degree", "master"),
    ]


def test_short_words_that_are_common_english_only_match_in_capitals(entities) -> None:
    assert entities("please tell us more") == []
    assert entities("MA from Oxford") == [("MA", "degree"), ("Oxford", "university")]
    assert entities("ma from oxford") == [("oxford", "university")]
    assert entities("ma degree from oxford") == [("ma degree", "degree"), ("oxford", "university")]


def test_a_bare_job_title_word_is_not_a_degree(entities) -> None:
    assert entities("I'm an associate at Goldman") == []
    assert entities("I'm a doctor") == []


def test_no_phrase_has_two_labels() -> None:
    from bot.nlp.patterns import phrase_patterns
    from tests.nlp.conftest import FIXTURE_UNIVERSITIES

    phrases = [pattern["pattern"] for pattern in phrase_patterns(FIXTURE_UNIVERSITIES)]
    assert len(phrases) == len(set(phrases))
