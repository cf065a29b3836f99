"""University matching and Aggregate List status."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.universities import aggregate_list_status, is_ugc_funded, match_university, universities

D = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HKU", "The University of Hong Kong"),
        ("hku", "The University of Hong Kong"),
        ("Univ. of Hong Kong", "The University of Hong Kong"),
        ("香港大學", "The University of Hong Kong"),
        ("HKUST", "The Hong Kong University of Science and Technology"),
        ("CUHK", "The Chinese University of Hong Kong"),
        ("MIT", "Massachusetts Institute of Technology"),
        ("NUS", "National University of Singapore"),
        ("Tsinghua", "Tsinghua University"),
        ("清华大学", "Tsinghua University"),
        ("Oxford", "University of Oxford"),
        ("the university of oxford", "University of Oxford"),
        ("University of Sao Paulo", "University of São Paulo"),
        ("ETH Zürich", "ETH Zurich"),
    ],
)
def test_aliases_and_abbreviations_match(query, expected):
    m = match_university(query)
    assert m.university is not None and m.university.name == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Standford University", "Stanford University"),
        ("Univercity of Cambridge", "University of Cambridge"),
        ("Massachusets Institute of Technology", "Massachusetts Institute of Technology"),
    ],
)
def test_small_typos_match_with_fuzzy_method(query, expected):
    m = match_university(query)
    assert m.university is not None and m.university.name == expected and m.method == "fuzzy"


@pytest.mark.parametrize(
    "query",
    [
        "University of Toledo",
        "Washington University in St. Louis",
        "University of California",
        "Oxford Brookes University",
        "NTU",
        "XYZ",
        "University of Michigan-Dearborn",
    ],
)
def test_similar_but_different_names_are_not_matched(query):
    assert match_university(query).university is None


@pytest.mark.parametrize(
    "query", ["CUHK Shenzhen", "The Chinese University of Hong Kong, Shenzhen", "HKU SPACE"]
)
def test_branch_campuses_and_continuing_education_arms_are_never_fuzzy_matched(query):
    m = match_university(query)
    assert m.university is None


def test_unknown_university_is_could_not_confirm_not_false():
    ls = aggregate_list_status("Some Small College", D)
    assert ls.on_list is None and ls.text_key == "uni_unknown"


def test_university_removed_on_1_january_2024_is_off_list_after_and_on_before():
    assert aggregate_list_status("University of Göttingen", dt.date(2024, 1, 1)).on_list is False
    assert aggregate_list_status("University of Göttingen", dt.date(2023, 12, 31)).on_list is True


def test_university_added_1_november_2024_is_not_listed_the_day_before():
    assert aggregate_list_status("Sichuan University", dt.date(2024, 10, 31)).on_list is False
    assert aggregate_list_status("Sichuan University", dt.date(2024, 11, 1)).on_list is True


def test_known_by_date_before_is_could_not_confirm():
    assert aggregate_list_status("Wuhan University", dt.date(2023, 6, 1)).on_list is None


def test_eight_ugc_funded_universities_are_marked():
    ugc = [u.name for u in universities() if u.ugc_funded]
    assert len(ugc) == 8
    assert is_ugc_funded("HKU") is True and is_ugc_funded("Lingnan University") is True
    assert is_ugc_funded("HKMU") is False
    assert is_ugc_funded("Unknown School") is None


def test_non_ranked_ugc_universities_are_could_not_confirm_on_list():
    assert aggregate_list_status("HKBU", D).on_list is None


def test_every_university_has_country_code_and_unique_aliases():
    seen = {}
    for u in universities():
        assert len(u.country) == 2 and u.country.isupper()
        for label in (u.name, *u.aliases):
            key = label.casefold()
            assert seen.setdefault(key, u.name) == u.name, f"{label} used twice"


@pytest.mark.parametrize(
    ("place", "suggested"),
    [
        ("Manchester", "The University of Manchester"),
        ("Cambridge", "University of Cambridge"),
        ("sydney", "The University of Sydney"),
        ("Toronto", "University of Toronto"),
    ],
)
def test_a_bare_place_suggests_the_university_named_after_it_but_never_accepts_it(place, suggested):
    match = match_university(place)
    assert match.university is None and match.method == "suggestion"
    assert match.suggestion.name == suggested


def test_a_place_in_another_form_of_name_is_not_suggested():
    # "University College London" is not "the University of London"
    assert match_university("London").suggestion is None


@pytest.mark.parametrize(
    "name",
    [
        "Hanoi University of Science and Technology",  # was read as HKUST
        "Pohang University of Science and Technology",  # was read as Huazhong
        "UST",  # also the University of Santo Tomas: no longer an alias of HKUST
    ],
)
def test_a_university_sharing_only_what_universities_are_called_is_not_another(name):
    assert match_university(name).university is None


def test_a_suggestion_needs_the_distinctive_words_to_be_alike():
    assert match_university("Sorbonne University").suggestion is None  # it suggested Cornell University
    assert match_university("Chinese Univ of HK").university.name == "The Chinese University of Hong Kong"
