"""Shared helpers: golden base profiles and a one-call assess."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from bot.engine import assess
from bot.profile import parse_profile

TODAY = dt.date(2025, 6, 1)

# A complete profile: every answer known. Tests change one thing at a time.
BASE = {
    "age": 35,
    "nationality": "GB",
    "mainland_resident": False,
    "foreign_permanent_residence": False,
    "born_overseas": True,
    "parent_hk_permanent_resident": False,
    "degree_level": "master",
    "bachelor_institution": "University of Oxford",
    "bachelor_graduation_year": 2012,
    "bachelor_stem": True,
    "postgraduate_institution": "Massachusetts Institute of Technology",
    "postgraduate_stem": True,
    "hk_study": False,
    "work_experience_years": 10,
    "work_experience_last_5_years": 5,
    "multinational_years": 4,
    "specified_field_years": 5,
    "international_years": 3,
    "annual_income_hkd": 900_000,
    "business_profit_hkd": 0,
    "owns_listed_company": False,
    "languages": {"english": True, "chinese": False, "other": []},
    "job_offer": {"has_offer": False, "market_pay": False, "degree_level": False, "techtas_rd": False},
    "exceptional_achievement": False,
    "net_assets_hkd": 1_000_000,
    "good_character": True,
    "self_supporting": True,
}


def merge(base: dict, changes: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def run(changes: dict | None = None, as_of: dt.date = TODAY, base: dict | None = None, drop=()) -> dict:
    data = merge(BASE if base is None else base, changes or {})
    for key in drop:
        data.pop(key, None)
    return assess(parse_profile(data), as_of, near_misses=False)


def scheme(assessment: dict, scheme_id: str) -> dict:
    return next(s for s in assessment["schemes"] if s["id"] == scheme_id)


def status(assessment: dict, scheme_id: str) -> str:
    return scheme(assessment, scheme_id)["status"]


def criterion(assessment: dict, n: int) -> dict:
    return next(c for c in assessment["qmas"]["general_points_test"]["criteria"] if c["id"] == n)


@pytest.fixture
def base() -> dict:
    return copy.deepcopy(BASE)
