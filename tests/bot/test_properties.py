"""Property tests (hypothesis). Each is bounded so the whole tests/bot run stays fast."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.engine import assess
from bot.profile import parse_profile
from bot.whatif import status_rank
from tests.bot.conftest import merge

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DATES = st.sampled_from(
    [
        dt.date(2019, 6, 1),
        dt.date(2023, 10, 24),
        dt.date(2023, 10, 25),
        dt.date(2024, 6, 1),
        dt.date(2024, 11, 1),
        dt.date(2025, 6, 1),
        dt.date(2026, 3, 1),
    ]
)
UNIS = st.sampled_from(
    [
        "HKU",
        "MIT",
        "Tsinghua",
        "Oxford",
        "Sichuan University",
        "University of Göttingen",
        "Some Unknown College",
        "CUHK Shenzhen",
        "HKBU",
        "NUS",
    ]
)
YEARS = st.floats(min_value=0, max_value=40, allow_nan=False)
MONEY = st.integers(min_value=0, max_value=60_000_000)
TRI = st.booleans()

FIELDS = {
    "age": st.integers(min_value=15, max_value=70),
    "nationality": st.sampled_from(["GB", "US", "CN", "AF", "CU", "KP", "LA", "NP", "VN", "MO", "TW", "IN"]),
    "mainland_resident": TRI,
    "foreign_permanent_residence": TRI,
    "born_overseas": TRI,
    "parent_hk_permanent_resident": TRI,
    "degree_level": st.sampled_from(["none", "sub_degree", "bachelor", "master", "doctorate"]),
    "bachelor_institution": UNIS,
    "bachelor_graduation_year": st.integers(min_value=1990, max_value=2027),
    "bachelor_stem": TRI,
    "postgraduate_institution": UNIS,
    "postgraduate_stem": TRI,
    "hk_study": st.one_of(
        st.just(False),
        st.fixed_dictionaries(
            {},
            optional={
                "programme": st.sampled_from(["full_time_local", "gba_campus"]),
                "graduation_date": st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 6, 1)).map(
                    str
                ),
                "ugc_funded": TRI,
            },
        ),
    ),
    "work_experience_years": YEARS,
    "work_experience_last_5_years": st.floats(0, 5, allow_nan=False),
    "multinational_years": YEARS,
    "specified_field_years": YEARS,
    "international_years": YEARS,
    "annual_income_hkd": MONEY,
    "business_profit_hkd": MONEY,
    "owns_listed_company": TRI,
    "languages": st.fixed_dictionaries(
        {},
        optional={
            "english": TRI,
            "chinese": TRI,
            "other": st.lists(st.sampled_from(["French", "Hindi"]), max_size=2),
        },
    ),
    "job_offer": st.fixed_dictionaries(
        {}, optional={"has_offer": TRI, "market_pay": TRI, "degree_level": TRI, "techtas_rd": TRI}
    ),
    "exceptional_achievement": TRI,
    "net_assets_hkd": MONEY,
    "good_character": TRI,
    "self_supporting": TRI,
}


def consistent(d: dict) -> bool:
    # "mainland_resident" means a Chinese resident of the Mainland: only Chinese nationals can be one.
    return not (d.get("mainland_resident") and d.get("nationality") not in (None, "CN"))


PROFILES = st.fixed_dictionaries({}, optional=FIELDS).filter(consistent)


def statuses(data: dict, as_of: dt.date) -> dict[str, str]:
    return {s["id"]: s["status"] for s in assess(parse_profile(data), as_of, near_misses=False)["schemes"]}


@SETTINGS
@given(PROFILES, DATES, MONEY, st.integers(min_value=1, max_value=5_000_000))
def test_more_income_never_lowers_any_scheme_status(data, as_of, income, extra):
    low = statuses({**data, "annual_income_hkd": income}, as_of)
    high = statuses({**data, "annual_income_hkd": income + extra}, as_of)
    for sid in low:
        assert status_rank(high[sid]) >= status_rank(low[sid]), (sid, low[sid], high[sid])


@SETTINGS
@given(
    PROFILES,
    st.sampled_from(
        ["work_experience_years", "multinational_years", "specified_field_years", "international_years"]
    ),
    st.floats(0.1, 10, allow_nan=False),
)
def test_more_experience_never_lowers_qmas_criteria_met(data, field, extra):
    as_of = dt.date(2025, 6, 1)
    before = assess(parse_profile(data), as_of, near_misses=False)["qmas"]["general_points_test"]["met"]
    more = {**data, field: (data.get(field) or 0) + extra}
    after = assess(parse_profile(more), as_of, near_misses=False)["qmas"]["general_points_test"]["met"]
    assert after >= before


@SETTINGS
@given(PROFILES, DATES, st.data())
def test_filling_in_an_unknown_answer_never_turns_eligible_into_more_info_needed(data, as_of, draw):
    missing = [k for k in FIELDS if k not in data]
    if not missing:
        return
    key = draw.draw(st.sampled_from(missing))
    filled = {**data, key: draw.draw(FIELDS[key])}
    if not consistent(filled):
        return
    before, after = statuses(data, as_of), statuses(filled, as_of)
    for sid, old in before.items():
        if old == "eligible":
            assert after[sid] != "more_info_needed", (sid, key)


@SETTINGS
@given(PROFILES, DATES, st.data())
def test_forgetting_an_answer_never_creates_eligibility(data, as_of, draw):
    """Unknown never yields eligible: removing a known answer cannot turn a scheme eligible."""
    if not data:
        return
    key = draw.draw(st.sampled_from(sorted(data)))
    forgotten = {k: v for k, v in data.items() if k != key}
    before, after = statuses(data, as_of), statuses(forgotten, as_of)
    for sid, new in after.items():
        if new == "eligible":
            assert before[sid] == "eligible", (sid, key)


@SETTINGS
@given(PROFILES, DATES)
def test_eligible_scheme_has_no_unknown_gate_checks(data, as_of):
    for s in assess(parse_profile(data), as_of, near_misses=False)["schemes"]:
        if s["status"] == "eligible":
            assert all(c["met"] is True for c in s["checks"]), s["id"]


@SETTINGS
@given(DATES)
def test_all_unknown_profile_is_never_eligible(as_of):
    assert "eligible" not in statuses({}, as_of).values()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
# Profile-shaped objects with values of any type in the real field names.
SHAPED = st.dictionaries(st.sampled_from(sorted(FIELDS)), JSON, max_size=8)


@SMALL
@given(st.one_of(JSON, SHAPED, PROFILES))
def test_cli_never_crashes_on_any_json_value(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("cli") / "p.json"
    path.write_text(json.dumps(value))
    assert main(["assess", str(path), "--as-of", "2025-06-01", "--no-near-misses"]) in (0, 2)


@SMALL
@given(PROFILES)
def test_what_if_merge_of_a_profile_with_itself_changes_nothing(data):
    from bot.whatif import what_if

    assert what_if(merge(data, {}), data, dt.date(2025, 6, 1))["diff"]["schemes"] == []
