"""Turning an applicant's words into typed profile values."""

from __future__ import annotations

from datetime import date

import pytest

from bot.normalise import (
    UNKNOWN,
    MoneyValue,
    parse_age,
    parse_country,
    parse_degree_level,
    parse_language,
    parse_languages,
    parse_money,
    parse_number_words,
    parse_skip,
    parse_year,
    parse_years_duration,
    parse_yes_no,
)

AS_OF = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "amount_hkd", "currency"),
    [
        ("HK$2.5m", 2_500_000, "HKD"),
        ("HKD 2,500,000", 2_500_000, "HKD"),
        ("2,500,000", 2_500_000, "HKD"),
        ("2.5 million", 2_500_000, "HKD"),
        ("1.2m HKD", 1_200_000, "HKD"),
        ("1.2 mil", 1_200_000, "HKD"),
        ("two million hkd", 2_000_000, "HKD"),
        ("half a million", 500_000, "HKD"),
        ("USD 150k", 1_170_000, "USD"),
        ("RMB 800k", 855_200, "CNY"),
        ("800k RMB", 855_200, "CNY"),
        ("¥500,000", 534_500, "CNY"),
        ("80w rmb", 855_200, "CNY"),
        ("£90k", 879_570, "GBP"),
        ("€100k", 810_300, "EUR"),
        ("Rs 25,00,000", 227_800, "INR"),
        ("25 lakhs INR", 227_800, "INR"),
    ],
)
def test_money_in_any_common_spelling_converts_to_hkd(text, amount_hkd, currency) -> None:
    value = parse_money(text, as_of=AS_OF)
    assert isinstance(value, MoneyValue)
    assert value.amount_hkd == pytest.approx(amount_hkd)
    assert value.currency == currency


def test_money_carries_the_rate_used_so_the_bot_can_state_it() -> None:
    value = parse_money("USD 150k", as_of=AS_OF)
    assert (value.rate, value.rate_date, value.rate_status) == (7.8, date(2005, 5, 18), "pegged")
    assert "HKMA" in value.rate_source
    assert value.rate_note() == "converted at the linked rate of 1 USD = 7.8 HKD (its band set on 2005-05-18)"
    assert value.original_amount == 150_000


def test_approximate_rates_say_so_and_name_their_source() -> None:
    value = parse_money("RMB 800k", as_of=AS_OF)
    assert value.rate_status == "approximate"
    assert "ECB" in value.rate_source


def test_hkd_amounts_are_not_converted() -> None:
    value = parse_money("HK$2.5m", as_of=AS_OF)
    assert (value.rate, value.rate_note()) == (1.0, "in HKD, no conversion")


def test_money_without_a_currency_uses_the_default_and_says_it_was_assumed() -> None:
    assert parse_money("$150,000", as_of=AS_OF).currency_assumed is True
    assert parse_money("$150,000", as_of=AS_OF).currency == "HKD"
    assert parse_money("150,000", default_currency="USD", as_of=AS_OF).amount_hkd == 1_170_000
    assert parse_money("HKD 150,000", as_of=AS_OF).currency_assumed is False


def test_money_records_a_monthly_or_yearly_period_without_annualising() -> None:
    monthly = parse_money("60k RMB a month", as_of=AS_OF)
    assert (monthly.period, monthly.original_amount) == ("month", 60_000)
    assert parse_money("HK$1.2m per annum", as_of=AS_OF).period == "year"
    assert parse_money("HK$1.2m", as_of=AS_OF).period is None


def test_rate_is_the_one_in_force_on_the_assessment_date() -> None:
    # Before the approximate table's date the oldest known rate is used, and dated as such.
    assert parse_money("RMB 100", as_of=date(2020, 1, 1)).rate_date == date(2024, 12, 31)
    assert parse_money("USD 100", as_of=date(2020, 1, 1)).rate_date == date(2005, 5, 18)


@pytest.mark.parametrize("text", ["-500", "minus 2m", "abc", "", "   ", "TWD 1m", "HKD 999999999999999"])
def test_unreadable_negative_huge_or_unrated_money_is_none(text) -> None:
    assert parse_money(text, as_of=AS_OF) is None


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("32", 32),
        ("I'm 32", 32),
        ("32 years old", 32),
        ("32yo", 32),
        ("age 32", 32),
        ("aged 32", 32),
        ("thirty-two", 32),
        ("I am thirty two years old", 32),
        ("I'm 32 with 8 years exp", 32),
        ("age: 45", 45),
    ],
)
def test_age_in_any_common_spelling(text, age) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["250", "age 3", "8 years and 32", "old", "", "I'm fine"])
def test_implausible_or_ambiguous_age_is_none(text) -> None:
    assert parse_age(text) is None


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("5 yrs", 5),
        ("8 years", 8),
        ("3.5 years", 3.5),
        ("six years", 6),
        ("18 months", 1.5),
        ("2 years 6 months", 2.5),
        ("two and a half years", 2.5),
        ("a year and a half", 1.5),
        ("half a year", 0.5),
        ("5+ years", 5),
        ("5-6 years", 5),
        ("2015-2020", 5),
        ("from 2015 to 2020", 5),
        ("5", 5),
        ("since 2015", 10.42),
        ("since March 2019", 6.25),
        ("2015 - present", 10.42),
    ],
)
def test_duration_in_years(text, years) -> None:
    assert parse_years_duration(text, as_of=AS_OF) == pytest.approx(years)


@pytest.mark.parametrize("text", ["32 years old", "since 2030", "200 years", "", "a lot"])
def test_age_future_or_implausible_duration_is_none(text) -> None:
    assert parse_years_duration(text, as_of=AS_OF) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("thirty-two", 32),
        ("two and a half", 2.5),
        ("one point five", 1.5),
        ("a million", 1_000_000),
        ("one hundred and twenty", 120),
        ("half a million", 500_000),
        ("fourty", 40),
        ("2 and a half", 2.5),
    ],
)
def test_number_words(text, value) -> None:
    assert parse_number_words(text) == value


@pytest.mark.parametrize("text", ["foo", "", "and", "a", "thirty apples"])
def test_non_number_words_are_none(text) -> None:
    assert parse_number_words(text) is None


@pytest.mark.parametrize(
    ("text", "alpha_2"),
    [
        ("Indian", "IN"),
        ("I'm Indian", "IN"),
        ("PRC", "CN"),
        ("mainland China", "CN"),
        ("Mainland", "CN"),
        ("Hong Kong", "HK"),
        ("HK", "HK"),
        ("UK", "GB"),
        ("British", "GB"),
        ("USA", "US"),
        ("from the US", "US"),
        ("Chinese", "CN"),
        ("Filipino", "PH"),
        ("Vietnam", "VN"),
        ("Korean", "KR"),
        ("IND", "IN"),
        ("I'm Indian, living in the US", "IN"),
        ("Jordan", "JO"),
    ],
)
def test_country_nationality_or_demonym_to_alpha_2(text, alpha_2) -> None:
    assert parse_country(text) == alpha_2


@pytest.mark.parametrize("text", ["tell us", "jordan", "Atlantis", ""])
def test_common_words_and_unknown_places_are_not_countries(text) -> None:
    assert parse_country(text) is None


def test_languages_resolve_to_canonical_names() -> None:
    assert parse_language("Putonghua") == "mandarin"
    assert parse_language("廣東話") == "cantonese"
    assert parse_languages("fluent English, ok Cantonese and some Mandarin") == [
        "english",
        "cantonese",
        "mandarin",
    ]
    assert parse_language("Klingon") is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("bachelor's", "bachelor"),
        ("bachelors", "bachelor"),
        ("BSc", "bachelor"),
        ("undergrad", "bachelor"),
        ("B.Tech", "bachelor"),
        ("master's in CS", "master"),
        ("MBA", "master"),
        ("MPhil", "master"),
        ("MA", "master"),
        ("ma", "master"),
        ("LLM", "master"),
        ("PhD", "doctorate"),
        ("DPhil", "doctorate"),
        ("doctorate", "doctorate"),
        ("higher diploma", "sub_degree"),
        ("associate degree", "sub_degree"),
        ("diploma", "sub_degree"),
        ("no degree", "none"),
        ("I only finished high school", "none"),
        ("bachelor's and MBA", "master"),
        ("no master's yet, just a BSc", "bachelor"),
        ("碩士", "master"),
    ],
)
def test_degree_level(text, level) -> None:
    assert parse_degree_level(text) == level


def test_unknown_degree_is_none() -> None:
    assert parse_degree_level("I like cats") is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", True),
        ("Yeah", True),
        ("yep!", True),
        ("sure", True),
        ("of course", True),
        ("yes, no problem", True),
        ("no", False),
        ("nope", False),
        ("nah", False),
        ("not really", False),
        ("No, never", False),
        ("I do not", False),
    ],
)
def test_yes_no(text, answer) -> None:
    assert parse_yes_no(text) is answer


@pytest.mark.parametrize("text", ["not sure", "maybe", "", "what do you mean?"])
def test_unclear_yes_no_is_none(text) -> None:
    assert parse_yes_no(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather not say",
        "skip",
        "not sure",
        "don't know",
        "dont know",
        "idk",
        "Sorry, prefer not to say",
        "no idea",
        "I don’t know",
    ],
)
def test_skip_phrases_mean_unknown(text) -> None:
    assert parse_skip(text) == UNKNOWN


@pytest.mark.parametrize("text", ["I don't know Cantonese", "32", "yes", ""])
def test_answers_are_not_skips(text) -> None:
    assert parse_skip(text) is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("graduated in 2021", 2021),
        ("class of 2019", 2019),
        ("2015-2019", 2019),
        ("2021", 2021),
        ("will graduate 2027", 2027),
    ],
)
def test_year(text, year) -> None:
    assert parse_year(text, as_of=AS_OF) == year


@pytest.mark.parametrize("text", ["2050", "1900", "no year here"])
def test_implausible_year_is_none(text) -> None:
    assert parse_year(text, as_of=AS_OF) is None
