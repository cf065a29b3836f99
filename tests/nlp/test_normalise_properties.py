"""Property tests: the parsers never raise and stay within their ranges, whatever is typed.

They run the undecorated functions (``__wrapped__``): the safety net that turns a crash into None
must not hide a bug from these tests.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import normalise

AS_OF = date(2025, 6, 1)

# Free text, plus text built from the words the parsers look for, so the interesting paths are hit.
VOCABULARY = [
    "hk$",
    "hkd",
    "usd",
    "rmb",
    "¥",
    "£",
    "$",
    "k",
    "m",
    "million",
    "lakh",
    "w",
    "a",
    "and",
    "half",
    "point",
    "thirty",
    "two",
    "hundred",
    "years",
    "yrs",
    "months",
    "old",
    "yo",
    "since",
    "from",
    "to",
    "-",
    "present",
    "i'm",
    "age",
    "aged",
    "graduated",
    "class of",
    "no",
    "yes",
    "not",
    "sure",
    "skip",
    "master's",
    "bsc",
    "phd",
    "prc",
    "UK",
    "US",
    "indian",
    "chinese",
    "english",
    "per",
    "month",
    "annum",
    "minus",
    ",",
    ".",
    "/",
]
numbers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**13).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda value: f"{value:.2f}"),
    st.integers(min_value=1900, max_value=2100).map(str),
)
phrases = st.lists(st.one_of(st.sampled_from(VOCABULARY), numbers), max_size=8).map(" ".join)
texts = st.one_of(st.text(max_size=60), phrases)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


@PROPERTY_SETTINGS
@given(texts)
def test_parse_money_never_raises_and_is_never_negative_or_huge(text: str) -> None:
    value = normalise.parse_money.__wrapped__(text, as_of=AS_OF)
    if value is not None:
        assert 0 <= value.amount_hkd <= normalise.MAX_MONEY_HKD
        assert value.rate > 0


@PROPERTY_SETTINGS
@given(texts)
def test_parse_age_never_raises_and_stays_plausible(text: str) -> None:
    age = normalise.parse_age.__wrapped__(text)
    assert age is None or 15 <= age <= 99


@PROPERTY_SETTINGS
@given(texts)
def test_parse_years_duration_never_raises_and_stays_in_range(text: str) -> None:
    years = normalise.parse_years_duration.__wrapped__(text, as_of=AS_OF)
    assert years is None or 0 <= years <= normalise.MAX_DURATION_YEARS


@PROPERTY_SETTINGS
@given(texts)
def test_parse_number_words_never_raises(text: str) -> None:
    value = normalise.parse_number_words.__wrapped__(text)
    assert value is None or abs(value) <= normalise.MAX_SPELLED_NUMBER


@PROPERTY_SETTINGS
@given(texts)
def test_classifying_parsers_never_raise_and_return_known_values(text: str) -> None:
    assert normalise.parse_degree_level.__wrapped__(text) in (
        None,
        "none",
        "sub_degree",
        "bachelor",
        "master",
        "doctorate",
    )
    country = normalise.parse_country.__wrapped__(text)
    assert country is None or (len(country) == 2 and country.isupper())
    assert normalise.parse_yes_no.__wrapped__(text) in (None, True, False)
    assert normalise.parse_skip.__wrapped__(text) in (None, normalise.UNKNOWN)
    assert isinstance(normalise.parse_languages.__wrapped__(text), list)
    year = normalise.parse_year.__wrapped__(text, as_of=AS_OF)
    assert year is None or 1950 <= year <= AS_OF.year + 8


@PROPERTY_SETTINGS
@given(st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.lists(st.text(max_size=3), max_size=2)))
def test_parsers_return_none_for_non_text(value) -> None:
    assert normalise.parse_money(value) is None
    assert normalise.parse_age(value) is None
    assert normalise.parse_years_duration(value) is None
    assert normalise.parse_country(value) is None
    assert normalise.parse_skip(value) is None
    assert normalise.parse_languages(value) == []
