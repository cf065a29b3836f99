"""Golden profiles: GEP, ASMTP, IANG, TechTAS, ASSG, New CIES; nationality and Mainland rules."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bot.conftest import run, scheme, status

OFFER = {"job_offer": {"has_offer": True, "market_pay": True, "degree_level": True, "techtas_rd": True}}
MAINLAND = {"nationality": "CN", "mainland_resident": True}


# --- GEP / ASMTP -----------------------------------------------------------------------------------------


def test_gep_degree_and_market_pay_offer_is_eligible():
    assert status(run(OFFER), "gep") == "eligible"


def test_gep_without_offer_needs_job_offer():
    assert status(run(), "gep") == "needs_job_offer"


def test_gep_offer_below_market_pay_needs_job_offer():
    assert status(run({"job_offer": {"has_offer": True, "market_pay": False}}), "gep") == "needs_job_offer"


def test_gep_offer_with_unknown_pay_is_more_info_needed():
    a = run({"job_offer": {"has_offer": True, "market_pay": None}})
    assert status(a, "gep") == "more_info_needed"
    assert scheme(a, "gep")["missing"] == ["job_offer.market_pay"]


def test_gep_unknown_offer_needs_job_offer_and_lists_it_missing():
    a = run({"job_offer": {"has_offer": None}})
    assert status(a, "gep") == "needs_job_offer"
    assert "job_offer.has_offer" in scheme(a, "gep")["missing"]


def test_gep_mainland_resident_is_not_eligible_and_pointed_to_asmtp():
    a = run({**MAINLAND, **OFFER})
    assert status(a, "gep") == "not_eligible"
    assert any("ASMTP" in r for r in scheme(a, "gep")["reasons"])


def test_asmtp_mainland_resident_with_offer_is_eligible():
    assert status(run({**MAINLAND, **OFFER}), "asmtp") == "eligible"


def test_asmtp_mainland_resident_without_offer_needs_job_offer():
    assert status(run(MAINLAND), "asmtp") == "needs_job_offer"


def test_asmtp_foreign_national_is_not_eligible():
    assert status(run(OFFER), "asmtp") == "not_eligible"


def test_gep_prc_passport_holder_living_overseas_with_foreign_pr_is_eligible():
    a = run({"nationality": "CN", "mainland_resident": False, "foreign_permanent_residence": True, **OFFER})
    assert status(a, "gep") == "eligible"
    assert status(a, "asmtp") == "not_eligible"


def test_gep_prc_passport_holder_without_foreign_pr_is_more_info_needed():
    a = run({"nationality": "CN", "mainland_resident": False, "foreign_permanent_residence": False, **OFFER})
    assert status(a, "gep") == "more_info_needed"


# --- nationality exclusions over time ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["LA", "NP", "VN"])
def test_laos_nepal_vietnam_excluded_before_25_october_2023(code):
    a = run({"nationality": code, "annual_income_hkd": 3_000_000, **OFFER}, as_of=dt.date(2023, 10, 24))
    for sid in ("qmas", "ttps_a", "gep", "techtas", "assg"):
        assert status(a, sid) == "not_eligible", sid


@pytest.mark.parametrize("code", ["LA", "NP", "VN"])
def test_laos_nepal_vietnam_allowed_from_25_october_2023(code):
    a = run({"nationality": code, "annual_income_hkd": 3_000_000, **OFFER}, as_of=dt.date(2023, 10, 25))
    for sid in ("qmas", "ttps_a", "gep", "techtas"):
        assert status(a, sid) == "eligible", sid


@pytest.mark.parametrize("code", ["AF", "CU", "KP"])
def test_afghanistan_cuba_north_korea_excluded_from_all_open_schemes(code):
    a = run({"nationality": code, "annual_income_hkd": 3_000_000, "net_assets_hkd": 40_000_000, **OFFER})
    for sid in ("qmas", "ttps_a", "ttps_b", "gep", "techtas", "assg", "iang", "new_cies"):
        assert status(a, sid) == "not_eligible", sid


# --- IANG ----------------------------------------------------------------------------------------------


def _iang(grad: str, **extra) -> dict:
    return {
        "hk_study": {"programme": "full_time_local", "graduation_date": grad, "ugc_funded": True},
        **extra,
    }


def test_iang_within_six_months_of_graduation_needs_no_offer():
    a = run(_iang("2025-01-15"), as_of=dt.date(2025, 7, 15))
    assert status(a, "iang") == "eligible"
    assert scheme(a, "iang")["route"] == "recent"


def test_iang_one_day_after_six_months_needs_job_offer():
    a = run(_iang("2025-01-15"), as_of=dt.date(2025, 7, 16))
    assert status(a, "iang") == "needs_job_offer"
    assert scheme(a, "iang")["route"] == "non_recent"


def test_iang_non_recent_with_degree_level_market_pay_offer_is_eligible():
    assert status(run(_iang("2023-01-15", **OFFER)), "iang") == "eligible"


def test_iang_never_studied_in_hong_kong_is_not_eligible():
    assert status(run(), "iang") == "not_eligible"


def test_iang_gba_campus_graduate_is_eligible():
    a = run({"hk_study": {"programme": "gba_campus", "graduation_date": "2025-03-01", "ugc_funded": False}})
    assert status(a, "iang") == "eligible"


def test_iang_vietnam_national_self_financed_programme_is_not_eligible():
    a = run(
        {
            "nationality": "VN",
            "hk_study": {
                "programme": "full_time_local",
                "graduation_date": "2025-03-01",
                "ugc_funded": False,
            },
        }
    )
    assert status(a, "iang") == "not_eligible"


def test_iang_vietnam_national_ugc_funded_programme_is_eligible():
    assert status(run({"nationality": "VN", **_iang("2025-03-01")}), "iang") == "eligible"


def test_iang_nepal_national_unknown_funding_is_more_info_needed():
    a = run(
        {"nationality": "NP", "hk_study": {"programme": "full_time_local", "graduation_date": "2025-03-01"}}
    )
    assert status(a, "iang") == "more_info_needed"
    assert "hk_study.ugc_funded" in scheme(a, "iang")["missing"]


def test_iang_laos_national_excluded_entirely_before_25_october_2023():
    assert (
        status(run({"nationality": "LA", **_iang("2023-06-01")}, as_of=dt.date(2023, 10, 1)), "iang")
        == "not_eligible"
    )


# --- TechTAS --------------------------------------------------------------------------------------------


def test_techtas_mit_stem_masters_with_rd_offer_is_eligible():
    assert status(run(OFFER), "techtas") == "eligible"


def test_techtas_unrecognised_university_is_more_info_needed():
    a = run(
        {
            "postgraduate_institution": "Obscure Tech Institute",
            "bachelor_institution": "Obscure College",
            **OFFER,
        }
    )
    assert status(a, "techtas") == "more_info_needed"


def test_techtas_bachelor_needs_one_year_of_work():
    base = {"degree_level": "bachelor", **OFFER}
    assert status(run({**base, "work_experience_years": 1}), "techtas") == "eligible"
    assert status(run({**base, "work_experience_years": 0.5}), "techtas") == "not_eligible"


def test_techtas_asks_a_bachelors_holder_only_about_the_bachelors_route():
    a = run({"degree_level": "bachelor", "bachelor_stem": None, "postgraduate_stem": None,
             "postgraduate_institution": None, **OFFER})  # fmt: skip
    missing = scheme(a, "techtas")["missing"]
    assert "bachelor_stem" in missing
    assert not {"postgraduate_stem", "postgraduate_institution"} & set(missing)


def test_techtas_non_rd_job_needs_job_offer():
    a = run({"job_offer": {"has_offer": True, "market_pay": True, "techtas_rd": False}})
    assert status(a, "techtas") == "needs_job_offer"


# --- ASSG -----------------------------------------------------------------------------------------------

ASSG = {"born_overseas": True, "parent_hk_permanent_resident": True}


@pytest.mark.parametrize(
    ("age", "expected"), [(17, "not_eligible"), (18, "eligible"), (40, "eligible"), (41, "not_eligible")]
)
def test_assg_age_boundaries(age, expected):
    assert status(run({**ASSG, "age": age}), "assg") == expected


def test_assg_born_in_hong_kong_is_not_eligible():
    assert status(run({**ASSG, "born_overseas": False}), "assg") == "not_eligible"


def test_assg_without_hk_permanent_resident_parent_is_not_eligible():
    assert status(run(), "assg") == "not_eligible"


def test_assg_needs_english_or_chinese():
    a = run({**ASSG, "languages": {"english": False, "chinese": False, "other": ["Spanish"]}})
    assert status(a, "assg") == "not_eligible"


# --- New CIES -------------------------------------------------------------------------------------------

RICH = {"net_assets_hkd": 30_000_000}


def test_new_cies_net_assets_exactly_30_million_is_eligible():
    assert status(run(RICH), "new_cies") == "eligible"


def test_new_cies_net_assets_below_30_million_is_not_eligible():
    assert status(run({"net_assets_hkd": 29_999_999}), "new_cies") == "not_eligible"


def test_new_cies_mainland_resident_without_foreign_pr_is_out_of_scope():
    a = run({**MAINLAND, "foreign_permanent_residence": False, **RICH})
    assert status(a, "new_cies") == "not_eligible"


def test_new_cies_chinese_national_with_foreign_pr_is_in_scope():
    a = run({"nationality": "CN", "mainland_resident": False, "foreign_permanent_residence": True, **RICH})
    assert status(a, "new_cies") == "eligible"


@pytest.mark.parametrize("code", ["MO", "TW"])
def test_new_cies_macao_and_taiwan_residents_are_in_scope(code):
    assert status(run({"nationality": code, **RICH}), "new_cies") == "eligible"


def test_new_cies_under_18_is_not_eligible():
    assert status(run({"age": 17, **RICH}), "new_cies") == "not_eligible"


def test_new_cies_not_open_before_1_march_2024():
    assert status(run(RICH, as_of=dt.date(2024, 2, 29)), "new_cies") == "not_eligible"
    assert status(run(RICH, as_of=dt.date(2024, 3, 1)), "new_cies") == "eligible"


def test_new_cies_holding_period_two_years_at_launch_then_six_months():
    assert scheme(run(RICH, as_of=dt.date(2024, 6, 1)), "new_cies")["net_assets_holding_months"] == 24
    assert scheme(run(RICH, as_of=dt.date(2025, 3, 1)), "new_cies")["net_assets_holding_months"] == 6


# --- good character: each scheme's own bar ---------------------------------------------------------------


def test_a_record_that_is_not_clean_fails_qmas_and_leaves_ttps_gep_asmtp_to_the_immigration_department():
    """QMAS refuses any criminal or adverse immigration record (S1); TTPS, GEP and ASMTP only a serious
    crime or a security objection (S6, S7, S8). "Is your record clean?" answered no cannot tell which:
    QMAS is a no, the others stay open with nothing left to ask."""
    a = run({"good_character": False, "annual_income_hkd": 3_000_000, **OFFER})
    assert status(a, "qmas") == "not_eligible"
    mainland = run({"good_character": False, **MAINLAND, **OFFER})
    for scheme_id, result in (("ttps_a", a), ("gep", a), ("asmtp", mainland)):
        entry = scheme(result, scheme_id)
        assert entry["status"] == "more_info_needed", scheme_id
        assert entry["missing"] == [], scheme_id
        character = next(c for c in entry["checks"] if c["rule"].endswith("character"))
        assert character["met"] is None and not character["settled_by"]
        assert "Immigration Department decides" in character["reason"]


def test_a_clean_record_meets_every_schemes_bar():
    a = run({"annual_income_hkd": 3_000_000, **OFFER})
    assert {status(a, s) for s in ("qmas", "ttps_a", "gep")} == {"eligible"}


# --- below a first degree ----------------------------------------------------------------------------------


def test_a_scheme_that_normally_needs_a_degree_names_the_exception_and_one_that_requires_it_does_not():
    """QMAS, GEP, ASMTP and ASSG say "normally a first degree" (exceptionally proven ability instead);
    TTPS B and C, IANG and TechTAS require the degree outright (S6, S9, S10)."""
    a = run({"degree_level": "sub_degree", **MAINLAND})
    for scheme_id in ("qmas", "gep", "asmtp", "assg", "ttps_b", "ttps_c", "iang", "techtas"):
        degree = next(
            c for c in scheme(a, scheme_id)["checks"] if c["rule"].endswith((".degree", "education"))
        )
        assert degree["met"] is False, scheme_id
        exception_named = "Rarely, strong job skills" in degree["reason"]
        assert exception_named == (scheme_id in ("qmas", "gep", "asmtp", "assg")), scheme_id


@pytest.mark.parametrize(
    ("changes", "as_of", "pointed"),
    [
        ({"degree_level": "sub_degree", "age": 30}, dt.date(2026, 1, 1), True),
        ({"degree_level": "none", "age": None}, dt.date(2026, 1, 1), True),
        ({"degree_level": "sub_degree", "age": 41}, dt.date(2026, 1, 1), False),  # the stream is for 18 to 40
        ({"degree_level": "bachelor", "age": 30}, dt.date(2026, 1, 1), False),
        ({"degree_level": "sub_degree", "age": 30}, dt.date(2025, 6, 29), False),  # before its first quota
    ],
)
def test_without_a_degree_the_assessment_points_to_the_technical_professionals_stream(
    changes, as_of, pointed
):
    routes = run(changes, as_of=as_of)["see_also"]
    assert bool(routes) == pointed
    if pointed:
        assert routes[0]["url"] == "https://www.immd.gov.hk/eng/services/visas/TPStream.html"
        assert routes[0]["source_id"] == "S16" and "aged 18 to 40" in routes[0]["text"]


def test_a_greater_bay_area_campus_graduate_is_told_the_route_began_as_a_pilot():
    gba = {"hk_study": {"programme": "gba_campus", "graduation_date": "2025-03-01"}}
    caveats = scheme(run(gba), "iang")["caveats"]
    assert any("two-year trial" in c and "check the official page" in c for c in caveats)
    local = {"hk_study": {"programme": "full_time_local", "graduation_date": "2025-03-01"}}
    assert scheme(run(local), "iang")["caveats"] == []


def test_iang_six_months_count_from_the_day_and_a_month_alone_says_it_may_depend_on_it():
    """On 7 Dec 2026: 30 June is within six months (no job offer needed); "June" alone, kept as 1 June,
    is not, but the reason says a later day in June may change that."""
    today = dt.date(2026, 12, 7)
    late = run({"hk_study": {"programme": "full_time_local", "graduation_date": "2026-06-30"}}, as_of=today)
    assert scheme(late, "iang")["route"] == "recent"
    month = run({"hk_study": {"programme": "full_time_local", "graduation_date": "2026-06-01"}}, as_of=today)
    graduation = next(c for c in scheme(month, "iang")["checks"] if c["rule"] == "iang.graduation")
    assert (
        scheme(month, "iang")["route"] == "non_recent" and "change my graduation date" in graduation["reason"]
    )
    long_ago = run(
        {"hk_study": {"programme": "full_time_local", "graduation_date": "2025-01-01"}}, as_of=today
    )
    old = next(c for c in scheme(long_ago, "iang")["checks"] if c["rule"] == "iang.graduation")
    assert "change my graduation date" not in old["reason"]
