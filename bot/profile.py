"""The applicant profile: a typed, all-optional record (None = we do not know the answer).

``parse_profile`` turns the JSON contract of issue 3 into a :class:`Profile` and raises
:class:`ProfileError` naming the bad field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

DEGREE_LEVELS = ("none", "sub_degree", "bachelor", "master", "doctorate")
HK_PROGRAMMES = ("full_time_local", "gba_campus")


class ProfileError(ValueError):
    """A profile field has a bad value. ``field`` is the dotted field name."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class HKStudy:
    programme: str | None = None
    graduation_date: dt.date | None = None
    ugc_funded: bool | None = None


@dataclass(frozen=True)
class Languages:
    english: bool | None = None
    chinese: bool | None = None
    other: tuple[str, ...] | None = None


@dataclass(frozen=True)
class JobOffer:
    has_offer: bool | None = None
    market_pay: bool | None = None
    degree_level: bool | None = None
    techtas_rd: bool | None = None


@dataclass(frozen=True)
class Profile:
    age: int | None = None
    nationality: str | None = None
    mainland_resident: bool | None = None
    foreign_permanent_residence: bool | None = None
    # Extra to the contract: a Chinese national who lived outside the Mainland, HK, Macao and Taiwan
    # for a year before applying, and applies from there (rule X7), may use GEP and TTPS.
    overseas_residence_1_year: bool | None = None
    born_overseas: bool | None = None
    parent_hk_permanent_resident: bool | None = None
    degree_level: str | None = None
    bachelor_institution: str | None = None
    bachelor_graduation_year: int | None = None
    bachelor_stem: bool | None = None
    postgraduate_institution: str | None = None
    postgraduate_stem: bool | None = None
    # HKStudy, False (never studied in HK as a non-local student) or None (unknown)
    hk_study: HKStudy | bool | None = None
    work_experience_years: float | None = None
    work_experience_last_5_years: float | None = None
    multinational_years: float | None = None
    specified_field_years: float | None = None
    international_years: float | None = None
    annual_income_hkd: float | None = None
    business_profit_hkd: float | None = None
    owns_listed_company: bool | None = None
    languages: Languages = field(default_factory=Languages)
    job_offer: JobOffer = field(default_factory=JobOffer)
    exceptional_achievement: bool | None = None
    net_assets_hkd: float | None = None
    good_character: bool | None = None
    self_supporting: bool | None = None


BOOL_FIELDS = (
    "mainland_resident",
    "foreign_permanent_residence",
    "overseas_residence_1_year",
    "born_overseas",
    "parent_hk_permanent_resident",
    "bachelor_stem",
    "postgraduate_stem",
    "owns_listed_company",
    "exceptional_achievement",
    "good_character",
    "self_supporting",
)
YEAR_FIELDS = (
    "work_experience_years",
    "work_experience_last_5_years",
    "multinational_years",
    "specified_field_years",
    "international_years",
)
MONEY_FIELDS = ("annual_income_hkd", "business_profit_hkd", "net_assets_hkd")
TEXT_FIELDS = ("bachelor_institution", "postgraduate_institution")
TOP_LEVEL_FIELDS = tuple(f.name for f in dataclasses.fields(Profile))
NESTED_FIELDS = {
    "hk_study": tuple(f.name for f in dataclasses.fields(HKStudy)),
    "languages": tuple(f.name for f in dataclasses.fields(Languages)),
    "job_offer": tuple(f.name for f in dataclasses.fields(JobOffer)),
}
# Every answer a user can give, as dotted paths (used for "missing" and "why do we ask").
ALL_FIELD_PATHS = tuple(
    p
    for name in TOP_LEVEL_FIELDS
    for p in ([f"{name}.{sub}" for sub in NESTED_FIELDS[name]] if name in NESTED_FIELDS else [name])
)


def _bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ProfileError(name, "must be true, false or null")


def _number(value: Any, name: str, *, integer: bool = False) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProfileError(name, "must be a number or null")
    if isinstance(value, float) and not math.isfinite(value):
        raise ProfileError(name, "must be a finite number")
    if value < 0:
        raise ProfileError(name, "must not be negative")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            raise ProfileError(name, "must be a whole number")
        return int(value)
    return value


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileError(name, "must be a string or null")
    value = value.strip()
    return value or None


def _iso_date(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileError(name, 'must be a date string "YYYY-MM-DD" or null')
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ProfileError(name, 'must be a date "YYYY-MM-DD"') from None


def _object(value: Any, name: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProfileError(name, "must be an object or null")
    return value


def parse_profile(data: Any) -> Profile:
    """Validate a JSON-like object and build a :class:`Profile`. Raises :class:`ProfileError`."""
    if not isinstance(data, dict):
        raise ProfileError("(profile)", "must be a JSON object")
    kw: dict[str, Any] = {}
    for name in BOOL_FIELDS:
        kw[name] = _bool(data.get(name), name)
    for name in YEAR_FIELDS + MONEY_FIELDS:
        kw[name] = _number(data.get(name), name)
    kw["age"] = _number(data.get("age"), "age", integer=True)
    kw["bachelor_graduation_year"] = _number(
        data.get("bachelor_graduation_year"), "bachelor_graduation_year", integer=True
    )
    for name in TEXT_FIELDS:
        kw[name] = _text(data.get(name), name)

    nationality = data.get("nationality")
    if nationality is not None:
        if (
            not isinstance(nationality, str)
            or len(nationality.strip()) != 2
            or not nationality.strip().isalpha()
        ):
            raise ProfileError("nationality", "must be a two-letter ISO 3166-1 alpha-2 country code")
        nationality = nationality.strip().upper()
    kw["nationality"] = nationality

    level = data.get("degree_level")
    if level is not None and level not in DEGREE_LEVELS:
        raise ProfileError("degree_level", "must be one of " + ", ".join(DEGREE_LEVELS))
    kw["degree_level"] = level

    hk = data.get("hk_study")
    if hk is False:
        kw["hk_study"] = False
    elif hk is None:
        kw["hk_study"] = None
    elif hk is True:
        raise ProfileError("hk_study", "must be an object, false or null")
    else:
        obj = _object(hk, "hk_study")
        programme = obj.get("programme")
        if programme is not None and programme not in HK_PROGRAMMES:
            raise ProfileError("hk_study.programme", "must be one of " + ", ".join(HK_PROGRAMMES))
        kw["hk_study"] = HKStudy(
            programme=programme,
            graduation_date=_iso_date(obj.get("graduation_date"), "hk_study.graduation_date"),
            ugc_funded=_bool(obj.get("ugc_funded"), "hk_study.ugc_funded"),
        )

    lang = _object(data.get("languages"), "languages") or {}
    other = lang.get("other")
    if other is not None:
        if not isinstance(other, list) or not all(isinstance(x, str) for x in other):
            raise ProfileError("languages.other", "must be a list of strings or null")
        other = tuple(x.strip() for x in other if x.strip())
    kw["languages"] = Languages(
        english=_bool(lang.get("english"), "languages.english"),
        chinese=_bool(lang.get("chinese"), "languages.chinese"),
        other=other,
    )
    job = _object(data.get("job_offer"), "job_offer") or {}
    kw["job_offer"] = JobOffer(**{k: _bool(job.get(k), f"job_offer.{k}") for k in NESTED_FIELDS["job_offer"]})
    return Profile(**kw)


def unknown_fields(data: Any) -> list[str]:
    """Keys we do not know (ignored by :func:`parse_profile`; shown to the user as a warning)."""
    if not isinstance(data, dict):
        return []
    out = [str(k) for k in data if k not in TOP_LEVEL_FIELDS]
    for name, subs in NESTED_FIELDS.items():
        if isinstance(data.get(name), dict):
            out += [f"{name}.{k}" for k in data[name] if k not in subs]
    return sorted(out)


def profile_to_dict(profile: Profile) -> dict:
    """Back to the JSON contract (None fields left out)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Profile):
        value = getattr(profile, f.name)
        if value is None:
            continue
        if dataclasses.is_dataclass(value):
            sub = {}
            for k, v in dataclasses.asdict(value).items():
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    v = v.isoformat()
                elif isinstance(v, tuple):
                    v = list(v)
                sub[k] = v
            if sub or f.name == "hk_study":
                out[f.name] = sub
        else:
            out[f.name] = value
    return out


def get_path(profile: Profile, path: str) -> Any:
    """Value at a dotted path such as ``languages.english`` (None if unknown)."""
    value: Any = profile
    for part in path.split("."):
        if value is None or value is False or isinstance(value, bool):
            return None
        value = getattr(value, part)
    return value
