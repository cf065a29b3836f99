"""Eligibility engine: small functions over a typed :class:`~bot.profile.Profile`.

Every threshold, age, amount, month count and country list comes from ``bot/rules/*.yaml`` for the
``as_of`` date. Answers are three-valued: True (met), False (not met), None (unknown). Unknown never
becomes eligible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from bot import qmas as qmas_mod
from bot import universities as unis
from bot.profile import HKStudy, Profile
from bot.ruleset import in_force, rules, rules_version, select, source, value_at
from bot.texts import disclaimer, explain_scheme, phrase, question, text

SCHEME_IDS = ("qmas", "ttps_a", "ttps_b", "ttps_c", "gep", "asmtp", "iang", "techtas", "assg", "new_cies")
ELIGIBLE, NEEDS_JOB, MORE_INFO, NOT_ELIGIBLE = (
    "eligible",
    "needs_job_offer",
    "more_info_needed",
    "not_eligible",
)


@dataclass(slots=True)
class Check:
    """One rule applied to one profile."""

    rule: str
    met: bool | None
    text: str
    source: dict
    status: str = "CONFIRMED"
    missing: tuple[str, ...] = ()
    job: bool = False  # part of the job-offer conditions
    cited: str | None = None  # the reason with its citation, filled once by scheme_result
    # Its entry in the assessment's "checks", built once by scheme_result. A cached check's row is shared by
    # every assessment that has it: assessments are read-only values (shown, sent, stored as JSON).
    row: dict | None = None


# --------------------------------------------------------------------------- three-valued helpers


def t_and(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def t_or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def at_least(value: float | None, minimum: float) -> bool | None:
    return None if value is None else value >= minimum


def money(amount: float) -> str:
    return f"HK${amount:,.0f}"


def _country(code: str) -> str:
    return _country_names().get(code, code)


_COUNTRY_CACHE: dict[str, str] = {}


def _country_names() -> dict[str, str]:
    if not _COUNTRY_CACHE:
        try:
            import pycountry

            for c in pycountry.countries:
                _COUNTRY_CACHE[c.alpha_2] = getattr(c, "common_name", None) or c.name
        except Exception:  # pragma: no cover - pycountry is optional for names only
            _COUNTRY_CACHE["--"] = "--"
    return _COUNTRY_CACHE


# --------------------------------------------------------------------------- shared checks


def _common() -> dict:
    return rules()["common"]


def check_nationality(p: Profile, as_of: dt.date, rule: str, scheme_src: dict | None = None) -> Check:
    return _nationality(p.nationality, as_of, rule, None if scheme_src is None else scheme_src["id"])


@lru_cache(maxsize=4096)
def _nationality(nationality: str | None, as_of: dt.date, rule: str, scheme_src_id: str | None) -> Check:
    entry = select(_common()["excluded_nationalities"], as_of)
    src, status = entry["source"], entry["status"]
    if scheme_src_id is not None and entry.get("effective_to") is None:
        # the scheme's own page lists the current exclusions
        src = {"id": scheme_src_id, "url": source(scheme_src_id).get("url")}
    if nationality is None:
        return Check(rule, None, text("nationality_unknown"), src, status, ("nationality",))
    if nationality in entry["value"]:
        return Check(rule, False, text("nationality_excluded", country=_country(nationality)), src, status)
    return Check(rule, True, text("nationality_ok"), src, status)


def _is_mainland(p: Profile) -> bool | None:
    """A Chinese resident of the Mainland? Only Chinese nationals can be."""
    if p.nationality is not None and p.nationality != _common()["chinese_nationality"]:
        return False
    return p.mainland_resident


def check_prc_passport(p: Profile, rule: str, mainland_allowed: bool) -> Check | None:
    """X6/X7 for Chinese nationals (GEP, TTPS). None when it does not apply."""
    if p.nationality != _common()["chinese_nationality"]:
        return None
    cfg = _common()["overseas_prc_passport"]
    src = cfg["source"]
    if p.mainland_resident is None:
        return Check(rule, None, text("mainland_unknown"), src, cfg["status"], ("mainland_resident",))
    if p.mainland_resident:
        if mainland_allowed:
            return Check(rule, True, text("mainland_ok_consent"), src, cfg["status"])
        return Check(rule, False, text("mainland_use_asmtp"), src, cfg["status"])
    if p.foreign_permanent_residence:
        return Check(rule, True, text("prc_overseas_pr_ok"), src, cfg["status"])
    if p.foreign_permanent_residence is None:
        return Check(
            rule,
            None,
            text("prc_overseas_pr_unknown", years=cfg["min_years_overseas"]),
            src,
            cfg["status"],
            ("foreign_permanent_residence",),
        )
    if p.overseas_residence_1_year:
        return Check(
            rule, True, text("prc_overseas_residence_ok", years=cfg["min_years_overseas"]), src, cfg["status"]
        )
    if p.overseas_residence_1_year is False:
        return Check(
            rule,
            False,
            text("prc_overseas_residence_no", years=cfg["min_years_overseas"]),
            src,
            cfg["status"],
        )
    return Check(
        rule,
        None,
        text("prc_overseas_residence_unknown", years=cfg["min_years_overseas"]),
        src,
        cfg["status"],
        ("overseas_residence_1_year",),
    )


def check_character(p: Profile, rule: str, src: dict, bar: str) -> Check:
    """``bar`` is the scheme's own (rule data): ``any_record`` (QMAS: no criminal or adverse immigration
    record at all) or ``serious_crime`` (TTPS, GEP, ASMTP: no serious crime, no security objection). We ask
    one question, "is your record clean?": a no fails the first bar, and leaves the second to ImmD."""
    return _character(p.good_character, rule, src["id"], src["url"], bar)


@lru_cache(maxsize=4096)
def _character(value: bool | None, rule: str, sid: str, url: str, bar: str) -> Check:
    src = {"id": sid, "url": url}
    if value is None:
        return Check(rule, None, text(f"character_unknown_{bar}"), src, "CONFIRMED", ("good_character",))
    if value:
        return Check(rule, True, text("character_ok"), src)
    if bar == "serious_crime":  # no question of ours can tell whether a record is serious: nothing missing
        return Check(rule, None, text("character_record_serious_crime"), src)
    return Check(rule, False, text(f"character_no_{bar}"), src)


def check_first_degree(p: Profile, rule: str, src: dict, requirement: str) -> Check:
    """``requirement`` (rule data): ``normally`` (QMAS, GEP, ASMTP, ASSG: a first degree, exceptionally
    proven ability instead, which we cannot judge, so we say so) or ``required`` (TTPS, IANG, TechTAS)."""
    return _first_degree(p.degree_level, rule, src["id"], src["url"], requirement)


@lru_cache(maxsize=4096)
def _first_degree(level: str | None, rule: str, sid: str, url: str, requirement: str) -> Check:
    src = {"id": sid, "url": url}
    if level is None:
        return Check(rule, None, text("degree_unknown"), src, "CONFIRMED", ("degree_level",))
    if level in _common()["first_degree_levels"]:
        return Check(rule, True, text("degree_ok"), src)
    return Check(rule, False, text(f"degree_below_first_{requirement}"), src)


def check_open(scheme_cfg: dict, as_of: dt.date, rule: str, name: str) -> Check | None:
    start = scheme_cfg.get("effective_from")
    if start and as_of < dt.date.fromisoformat(start):
        return Check(
            rule,
            False,
            text("scheme_not_open", scheme=name, date=start),
            scheme_cfg["source"],
            scheme_cfg.get("status", "CONFIRMED"),
        )
    return None


def check_eligible_university(institution: str | None, as_of: dt.date, rule: str, field: str) -> Check:
    ls = unis.aggregate_list_status(institution, as_of)
    url = unis.official_list_url()
    src = rules()["universities"]["list_definition"]["source"]
    if institution is None:
        return Check(rule, None, text("uni_missing"), src, "CONFIRMED", (field,))
    values = {"query": institution, "url": url, "date": ls.date or ""}
    if ls.university is not None:
        values["name"] = ls.university.name
    elif ls.match.suggestion is not None:
        values["name"] = ls.match.suggestion.name
    status = ls.status or "CONFIRMED"
    missing = (field,) if ls.on_list is None else ()
    body = text(ls.text_key, **values)
    if ls.match.method == "fuzzy":
        body = text("uni_read_as", query=institution, name=ls.university.name) + " " + body
    src = {"id": ls.source_id, "url": ls.source_url} if ls.source_id else src
    return Check(rule, ls.on_list, body, src, status, missing)


def job_checks(p: Profile, rule: str, src: dict, needs: tuple[str, ...]) -> list[Check]:
    """Job-offer conditions. ``needs`` lists the JobOffer fields that must be true besides has_offer."""
    offer = p.job_offer
    if offer.has_offer is None:
        return [
            Check(
                f"{rule}.offer",
                None,
                text("job_offer_unknown"),
                src,
                "CONFIRMED",
                ("job_offer.has_offer",),
                job=True,
            )
        ]
    if not offer.has_offer:
        return [Check(f"{rule}.offer", False, text("job_offer_none"), src, job=True)]
    out = [Check(f"{rule}.offer", True, text("job_offer_yes"), src, job=True)]
    for name in needs:
        value = getattr(offer, name)
        key = {True: "yes", False: "no", None: "unknown"}[value]
        out.append(
            Check(
                f"{rule}.{name}",
                value,
                text(f"job_{name}_{key}"),
                src,
                "CONFIRMED",
                (f"job_offer.{name}",) if value is None else (),
                job=True,
            )
        )
    return out


# --------------------------------------------------------------------------- decisions


def decide(checks: list[Check]) -> str:
    """not_eligible > more_info_needed > needs_job_offer > eligible, from the gate and job-offer checks."""
    gate_unknown = False
    offer_seen = offer_unknown = job_false = job_unknown = False
    for c in checks:
        if not c.job:
            if c.met is False:
                return NOT_ELIGIBLE
            if c.met is None:
                gate_unknown = True
        elif not offer_seen:
            offer_seen = True
            offer_unknown = c.met is None
            job_false = c.met is False
        elif c.met is False:
            job_false = True
        elif c.met is None:
            job_unknown = True
    if gate_unknown:
        return MORE_INFO
    if not offer_seen:
        return ELIGIBLE
    if offer_unknown or job_false:
        return NEEDS_JOB
    return MORE_INFO if job_unknown else ELIGIBLE


def _cite(check: Check) -> str:
    return _cite_parts(check.text, check.status, check.rule, check.source.get("id") or "?")


@cache
def _next_step(status: str, name: str, url: str) -> str:
    return phrase("next_steps", status, scheme=name, url=url)


@cache
def _source_date(scheme_id: str) -> str:
    return explain_scheme(scheme_id)["source_date"]


@cache  # one entry per data status
def status_note(status: str) -> str:
    """How sure a check's data is, in words ("" for official data)."""
    return "" if status in ("CONFIRMED", "CONFIRMED_MIRROR") else phrase("status_notes", status)


@lru_cache(maxsize=8192)
def _cite_parts(body: str, status: str, rule: str, sid: str) -> str:
    """A reason with its citation: the text, a note for non-official data, then [rule; source id, date]."""
    date = source(sid).get("date", "")
    note = status_note(status)
    return f"{body}{' ' + note if note else ''} [{rule}; {sid}, {date}]"


def scheme_result(
    scheme_id: str,
    name: str,
    checks: list[Check],
    official_url: str,
    extra: dict,
    caveats: list[str] | None = None,
) -> dict:
    """Decide the status and build the scheme entry of the assessment (contract of issue 3)."""
    status = decide(checks)
    missing: list[str] = []
    sources = [official_url]
    reasons = []
    rows = []
    # "missing" lists answers that could still change the outcome
    not_decided = status not in (ELIGIBLE, NOT_ELIGIBLE)
    for c in checks:
        met = c.met
        if met is None and not_decided:
            for f in c.missing:
                if f not in missing:
                    missing.append(f)
        src = c.source
        sid = src.get("id")
        url = src.get("url")
        if url not in sources and url:
            sources.append(url)
        cited = c.cited
        if cited is None:
            cited = c.cited = _cite_parts(c.text, c.status, c.rule, sid or "?")
        reasons.append(cited)
        row = c.row
        if row is None:  # checks are cached (lru_cache): the same check, the same row, built once
            row = c.row = {
                "rule": c.rule,
                "met": met,
                "reason": c.text,
                "source_id": sid,
                "source_url": url,
                "data_status": c.status,
                "status_note": status_note(c.status),
                "settled_by": list(c.missing),  # answers that would decide it; none: only ImmD can
                "job_offer_condition": c.job,
            }
        rows.append(row)
    steps = [_next_step(status, name, official_url)]
    steps += [phrase("next_steps_extra", k) for k in extra.pop("_next_step_keys", ())]
    result = {
        "id": scheme_id,
        "name": name,
        "status": status,
        "reasons": reasons,
        "missing": missing,
        "missing_questions": [question(f) for f in missing] if missing else [],
        "next_steps": steps,
        "sources": sources,
        "checks": rows,
        "caveats": caveats or [],
        "official_url": official_url,
        "source_date": _source_date(scheme_id),
    }
    result.update(extra)
    return result


# --------------------------------------------------------------------------- schemes


def assess_qmas(p: Profile, as_of: dt.date) -> tuple[dict, dict]:
    cfg = rules()["qmas"]
    src = cfg["source"]
    checks: list[Check] = []
    opened = check_open(cfg, as_of, "qmas.open", cfg["name"])
    if opened:
        checks.append(opened)
    checks.append(check_nationality(p, as_of, "qmas.nationality", src))
    pre = qmas_mod.prerequisites(p, as_of)
    checks += pre
    gpt = qmas_mod.general_points_test(p, as_of)
    abpt = qmas_mod.achievement_based(p)
    route_met = t_or(gpt["passes"], abpt["passes"])
    route_missing = tuple(dict.fromkeys(gpt.pop("_missing") + abpt.pop("_missing")))
    kind = gpt["type"] if gpt.get("version") else "none"
    # The route's citation is the test that decided it: passing through the achievement test rests on
    # its criteria's (secondary) wording, not on the points test's press release.
    decided_by = gpt
    if gpt["passes"] is True:
        key = f"qmas_route_{kind}_met"
    elif abpt["passes"] is True:
        key = "qmas_route_abpt_met"
        decided_by = abpt
    elif route_met is False:
        key = f"qmas_route_{kind}_not_met"
    else:
        key = f"qmas_route_{kind}_unknown"
    checks.append(
        Check(
            "qmas.route",
            route_met,
            text(
                key,
                met=gpt.get("met"),
                threshold=gpt.get("threshold"),
                out_of=gpt.get("out_of"),
                points=gpt.get("points"),
                points_max=gpt.get("points_max"),
                mark=gpt.get("pass_mark"),
            ),
            decided_by["source"],
            decided_by["data_status"],
            route_missing,
        )
    )
    stay = cfg["stay"]
    extra = {
        "job_offer_required": False,
        "first_stay_months": stay["first_stay_months"],
        "abpt_first_stay_years": stay["abpt_first_stay_years"],
        "extension_pattern": stay["extension_pattern"],
        "top_tier_extension_years": stay["top_tier_extension_years"],
        **quota_facts(select(cfg["quota"], as_of)),
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["mainland_consent"] if _is_mainland(p) else [],
    }
    caveats = [phrase("caveats", "qmas_selection")]
    if gpt["type"] == "points":
        caveats.append(phrase("caveats", "qmas_old_points"))
    caveats.append(phrase("caveats", "qmas_talent_list"))
    result = scheme_result("qmas", cfg["name"], checks, cfg["official_url"], extra, caveats)
    block = {
        "general_points_test": gpt,
        "achievement_based": abpt,
        "prerequisites": [{"rule": c.rule, "met": c.met, "reason": c.text} for c in pre],
        "warning": phrase("caveats", "qmas_selection"),
    }
    return result, block


def _ttps_common(p: Profile, as_of: dt.date, sid: str, cfg: dict, name: str) -> list[Check]:
    checks: list[Check] = []
    opened = check_open(cfg, as_of, f"{sid}.open", name)
    if opened:
        checks.append(opened)
    checks.append(check_nationality(p, as_of, f"{sid}.nationality", cfg["source"]))
    prc = check_prc_passport(p, f"{sid}.prc_passport", mainland_allowed=True)
    if prc:
        checks.append(prc)
    checks.append(check_character(p, f"{sid}.character", cfg["source"], cfg["good_character_bar"]))
    return checks


def _ttps_graduate_checks(p: Profile, as_of: dt.date, sid: str, cfg: dict, cat: dict) -> list[Check]:
    """Categories B and C: the common checks, then a bachelor's degree from an eligible university."""
    checks = _ttps_common(p, as_of, sid, cfg, cat["name"])
    checks.append(check_first_degree(p, f"{sid}.degree", cfg["source"], cfg["first_degree"]))
    checks.append(
        check_eligible_university(p.bachelor_institution, as_of, f"{sid}.university", "bachelor_institution")
    )
    return checks


def quota_facts(record: dict | None) -> dict:
    """A dated quota record as the assessment's ``quota`` and where it comes from (``quota_basis``), so an
    answer about quotas cites the quota's own source and says how sure it is, not the scheme page's."""
    if record is None:
        return {"quota": None}
    basis = {"source_id": record["source"]["id"], "data_status": record["status"]}
    if record.get("current_size_status"):  # a launch figure whose present size no source gives
        basis["current_size_status"] = record["current_size_status"]
    return {"quota": record["value"], "quota_basis": basis}


def _ttps_extra(p: Profile, cfg: dict, cat: dict, as_of: dt.date, quota: dict) -> dict:
    return {
        "job_offer_required": False,
        "first_stay_months": value_at(cat["first_stay_months"], as_of),
        "extension_max_years": cfg["extension_max_years"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        **quota,
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["mainland_consent"] if _is_mainland(p) else [],
    }


def assess_ttps_a(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["ttps"]
    cat = cfg["categories"]["ttps_a"]
    checks = _ttps_common(p, as_of, "ttps_a", cfg, cat["name"])
    entry = select(cat["min_annual_income_hkd"], as_of) or cat["min_annual_income_hkd"][0]
    minimum = entry["value"]
    if p.annual_income_hkd is None:
        checks.append(
            Check(
                "ttps_a.income",
                None,
                text("ttps_a_income_unknown", min=money(minimum)),
                entry["source"],
                entry["status"],
                ("annual_income_hkd",),
            )
        )
    else:
        ok = p.annual_income_hkd >= minimum
        checks.append(
            Check(
                "ttps_a.income",
                ok,
                text(
                    "ttps_a_income_met" if ok else "ttps_a_income_low",
                    income=money(p.annual_income_hkd),
                    min=money(minimum),
                ),
                entry["source"],
                entry["status"],
            )
        )
    extra = _ttps_extra(p, cfg, cat, as_of, {"quota": cat["quota"]})
    return scheme_result(
        "ttps_a",
        cat["name"],
        checks,
        cfg["official_url"],
        extra,
        [phrase("caveats", "ttps_income_meaning"), phrase("caveats", "ttps_once")],
    )


def assess_ttps_b(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["ttps"]
    cat = cfg["categories"]["ttps_b"]
    checks = _ttps_graduate_checks(p, as_of, "ttps_b", cfg, cat)
    entry = select(cat["min_years_in_window"], as_of) or cat["min_years_in_window"][0]
    years = p.work_experience_last_5_years
    met = at_least(years, entry["value"])
    total = p.work_experience_years
    if met is None and total is not None and total < entry["value"]:
        met, years = False, total  # work in the last five years cannot exceed all work since graduating
    key = {True: "ttps_b_work_met", False: "ttps_b_work_low", None: "ttps_b_work_unknown"}[met]
    checks.append(
        Check(
            "ttps_b.work_experience",
            met,
            text(key, years=years, min=entry["value"], window=cat["window_years"]),
            entry["source"],
            entry["status"],
            ("work_experience_last_5_years",) if met is None else (),
        )
    )
    extra = _ttps_extra(p, cfg, cat, as_of, {"quota": cat["quota"]})
    return scheme_result(
        "ttps_b",
        cat["name"],
        checks,
        cfg["official_url"],
        extra,
        [phrase("caveats", "ttps_degree_verification"), phrase("caveats", "ttps_once")],
    )


def assess_ttps_c(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["ttps"]
    cat = cfg["categories"]["ttps_c"]
    checks = _ttps_graduate_checks(p, as_of, "ttps_c", cfg, cat)
    win = select(cat["max_years_since_graduation_year"], as_of) or cat["max_years_since_graduation_year"][0]
    year = p.bachelor_graduation_year
    if year is None:
        checks.append(
            Check(
                "ttps_c.graduation_window",
                None,
                text("ttps_c_grad_unknown", years=win["value"]),
                win["source"],
                win["status"],
                ("bachelor_graduation_year",),
            )
        )
    elif year > as_of.year:
        checks.append(
            Check(
                "ttps_c.graduation_window",
                False,
                text("ttps_c_grad_future", year=year),
                win["source"],
                win["status"],
            )
        )
    else:
        ok = as_of.year - year <= win["value"]
        checks.append(
            Check(
                "ttps_c.graduation_window",
                ok,
                text(
                    "ttps_c_grad_ok" if ok else "ttps_c_grad_old",
                    year=year,
                    years=win["value"],
                    earliest=as_of.year - win["value"],
                ),
                win["source"],
                win["status"],
            )
        )
    lim = select(cat["max_work_years_exclusive"], as_of) or cat["max_work_years_exclusive"][0]
    work = p.work_experience_years
    met = None if work is None else work < lim["value"]
    key = {True: "ttps_c_work_ok", False: "ttps_c_work_high", None: "ttps_c_work_unknown"}[met]
    checks.append(
        Check(
            "ttps_c.work_experience",
            met,
            text(key, years=work, max=lim["value"]),
            lim["source"],
            lim["status"],
            ("work_experience_years",) if met is None else (),
        )
    )
    checks.append(_ttps_c_hk_exclusion(p, cat))
    quota = select(cat["quota"], as_of) or cat["quota"][0]
    extra = _ttps_extra(p, cfg, cat, as_of, quota_facts(quota))
    return scheme_result(
        "ttps_c",
        cat["name"],
        checks,
        cfg["official_url"],
        extra,
        [
            phrase("caveats", "ttps_c_quota"),
            phrase("caveats", "ttps_degree_verification"),
            phrase("caveats", "ttps_once"),
        ],
    )


def _ttps_c_hk_exclusion(p: Profile, cat: dict) -> Check:
    rule = cat["excludes_hk_nonlocal_undergraduates"]
    src, status = rule["source"], rule["status"]
    hk = p.hk_study
    if hk is False:
        return Check("ttps_c.hk_nonlocal", True, text("ttps_c_hk_never"), src, status)
    if hk is None:
        return Check("ttps_c.hk_nonlocal", None, text("ttps_c_hk_unknown"), src, status, ("hk_study",))
    if hk.programme == "gba_campus":
        return Check("ttps_c.hk_nonlocal", True, text("ttps_c_hk_gba"), src, status)
    if hk.programme is None:
        return Check(
            "ttps_c.hk_nonlocal", None, text("ttps_c_hk_unknown"), src, status, ("hk_study.programme",)
        )
    # full-time local programme: was the undergraduate degree the Hong Kong one?
    if p.degree_level in ("bachelor", "sub_degree", "none"):
        return Check("ttps_c.hk_nonlocal", False, text("ttps_c_hk_excluded"), src, status)
    uni = unis.match_university(p.bachelor_institution or "").university
    if uni is None:
        return Check(
            "ttps_c.hk_nonlocal", None, text("ttps_c_hk_which_degree"), src, status, ("bachelor_institution",)
        )
    if uni.country == "HK":
        return Check("ttps_c.hk_nonlocal", False, text("ttps_c_hk_excluded"), src, status)
    return Check("ttps_c.hk_nonlocal", True, text("ttps_c_hk_postgrad_only"), src, status)


def assess_gep(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["gep"]["gep"]
    src = cfg["source"]
    checks: list[Check] = []
    mainland = _is_mainland(p)
    if mainland is True:
        checks.append(Check("gep.mainland", False, text("mainland_use_asmtp"), src))
    checks.append(check_nationality(p, as_of, "gep.nationality", src))
    prc = check_prc_passport(p, "gep.prc_passport", mainland_allowed=False)
    if prc and mainland is not True:
        checks.append(prc)
    checks.append(check_character(p, "gep.character", src, cfg["good_character_bar"]))
    checks.append(check_first_degree(p, "gep.degree", src, cfg["first_degree"]))
    checks += job_checks(p, "gep.job", src, ("market_pay",))
    extra = {
        "job_offer_required": True,
        "first_stay_months": cfg["first_stay_months"],
        "extension_pattern": cfg["extension_pattern"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        "quota": "none",
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["gep_investment"],
    }
    caveats = [phrase("caveats", "gep_market_test"), phrase("caveats", "hk_graduates_use_iang")]
    return scheme_result("gep", cfg["name"], checks, cfg["official_url"], extra, caveats)


def assess_asmtp(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["gep"]["asmtp"]
    src = cfg["source"]
    checks: list[Check] = []
    mainland = _is_mainland(p)
    if mainland is None:
        missing = ("nationality",) if p.nationality is None else ("mainland_resident",)
        checks.append(
            Check("asmtp.mainland", None, text("asmtp_mainland_unknown"), src, "CONFIRMED", missing)
        )
    else:
        checks.append(
            Check(
                "asmtp.mainland",
                mainland,
                text("asmtp_mainland_yes" if mainland else "asmtp_mainland_no"),
                src,
            )
        )
    checks.append(check_character(p, "asmtp.character", src, cfg["good_character_bar"]))
    checks.append(check_first_degree(p, "asmtp.degree", src, cfg["first_degree"]))
    checks += job_checks(p, "asmtp.job", src, ("market_pay",))
    extra = {
        "job_offer_required": True,
        "first_stay_months": cfg["first_stay_months"],
        "extension_pattern": cfg["extension_pattern"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        "quota": "none",
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["mainland_consent"],
    }
    return scheme_result(
        "asmtp", cfg["name"], checks, cfg["official_url"], extra, [phrase("caveats", "hk_graduates_use_iang")]
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def assess_iang(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["iang"]
    src = cfg["source"]
    checks: list[Check] = []
    opened = check_open(cfg, as_of, "iang.open", cfg["name"])
    if opened:
        checks.append(opened)
    checks.append(check_nationality(p, as_of, "iang.nationality", src))
    hk = p.hk_study
    recent = None
    if hk is None:
        checks.append(
            Check("iang.hk_study", None, text("iang_study_unknown"), src, "CONFIRMED", ("hk_study",))
        )
    elif hk is False:
        checks.append(Check("iang.hk_study", False, text("iang_study_none"), src))
    else:
        if hk.programme is None:
            checks.append(
                Check(
                    "iang.programme",
                    None,
                    text("iang_programme_unknown"),
                    src,
                    "CONFIRMED",
                    ("hk_study.programme",),
                )
            )
        elif hk.programme == "gba_campus":
            gba = select(cfg["gba_campus_route"], as_of)
            if gba is None:
                first = cfg["gba_campus_route"][0]
                checks.append(
                    Check(
                        "iang.programme",
                        False,
                        text("iang_gba_not_yet", date=first["effective_from"]),
                        first["source"],
                        "UNSURE",
                    )
                )
            else:
                checks.append(
                    Check("iang.programme", True, text("iang_gba_ok"), gba["source"], gba["status"])
                )
        else:
            checks.append(Check("iang.programme", True, text("iang_local_ok"), src))
        restricted = select(cfg["restricted_nationalities"], as_of)
        if restricted and p.nationality in restricted["value"]:
            ok = t_or(hk.ugc_funded, None if hk.programme is None else hk.programme == "gba_campus")
            key = {True: "iang_lnv_ok", False: "iang_lnv_no", None: "iang_lnv_unknown"}[ok]
            checks.append(
                Check(
                    "iang.ugc_rule",
                    ok,
                    text(key, country=_country(p.nationality)),
                    restricted["source"],
                    restricted["status"],
                    ("hk_study.ugc_funded",) if ok is None else (),
                )
            )
        window = select(cfg["recent_graduate_window_months"], as_of)
        months = window["value"]
        if hk.graduation_date is None:
            checks.append(
                Check(
                    "iang.graduation",
                    None,
                    text("iang_grad_unknown", months=months),
                    window["source"],
                    window["status"],
                    ("hk_study.graduation_date",),
                )
            )
        elif hk.graduation_date > as_of:
            checks.append(Check("iang.graduation", False, text("iang_grad_future"), window["source"]))
        else:
            recent = as_of <= _add_months(hk.graduation_date, months)
            key = "iang_recent" if recent else "iang_not_recent"
            # A month without a day is kept as its first day: late in that month may still be recent.
            month_end = _add_months(hk.graduation_date.replace(day=1), 1) - dt.timedelta(days=1)
            if not recent and hk.graduation_date.day == 1 and as_of <= _add_months(month_end, months):
                key = "iang_not_recent_unless_late"
            checks.append(
                Check(
                    "iang.graduation",
                    True,
                    text(key, months=months),
                    window["source"],
                    window["status"],
                )
            )
    checks.append(check_first_degree(p, "iang.degree", src, cfg["first_degree"]))
    if recent is False:
        checks += job_checks(p, "iang.job", src, ("degree_level", "market_pay"))
    extra = {
        "job_offer_required": recent is False if recent is not None else None,
        "first_stay_months": value_at(cfg["first_stay_months"], as_of),
        "extension_pattern": cfg["extension_pattern"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        "quota": "none",
        "dependants_allowed": True,
        "route": {True: "recent", False: "non_recent"}.get(recent),
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["mainland_consent"] if _is_mainland(p) else [],
    }
    gba = isinstance(hk, HKStudy) and hk.programme == "gba_campus"
    caveats = [phrase("caveats", "iang_gba_pilot")] if gba else []  # a pilot whose end no source dates
    return scheme_result("iang", cfg["name"], checks, cfg["official_url"], extra, caveats)


def assess_techtas(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["techtas"]
    src = cfg["source"]
    checks = [
        check_nationality(p, as_of, "techtas.nationality", src),
        check_first_degree(p, "techtas.degree", src, cfg["first_degree"]),
    ]
    years = {r["degree_route"]: r["value"] for r in cfg["min_work_years"]}
    post_level = None if p.degree_level is None else p.degree_level in _common()["postgraduate_levels"]
    post = t_and(
        post_level,
        p.postgraduate_stem,
        unis.techtas_stem_top100(p.postgraduate_institution),
        at_least(p.work_experience_years, years["postgraduate"]) if years["postgraduate"] else True,
    )
    first = None if p.degree_level is None else p.degree_level in _common()["first_degree_levels"]
    bach = t_and(
        first,
        p.bachelor_stem,
        unis.techtas_stem_top100(p.bachelor_institution),
        at_least(p.work_experience_years, years["bachelor"]),
    )
    met = t_or(post, bach)
    missing: list[str] = []
    if met is None:
        # Only the answers of a route still open: a bachelor's holder is not asked about a master's.
        open_routes = {"postgraduate": post is None, "bachelor": bach is None}
        for f in (
            "degree_level",
            "postgraduate_stem",
            "postgraduate_institution",
            "bachelor_stem",
            "bachelor_institution",
            "work_experience_years",
        ):
            route = f.split("_", 1)[0]
            if route in open_routes and not open_routes[route]:
                continue
            value = getattr(p, f)
            if value is None or (f.endswith("institution") and not unis.techtas_stem_top100(value)):
                missing.append(f)
    key = {True: "techtas_degree_met", False: "techtas_degree_no", None: "techtas_degree_unknown"}[met]
    checks.append(
        Check(
            "techtas.stem_degree",
            met,
            text(key, years=years["bachelor"]),
            src,
            "INFERRED" if met else "CONFIRMED",  # "top 100 in STEM" from overall ranks: our reading
            tuple(missing),
        )
    )
    checks += job_checks(p, "techtas.job", src, ("techtas_rd", "market_pay"))
    extra = {
        "job_offer_required": True,
        "first_stay_months": cfg["first_stay_months"],
        "extension_pattern": cfg["extension_pattern"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        "quota": "company quota from ITC",
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "_next_step_keys": ["mainland_consent"] if _is_mainland(p) else [],
    }
    return scheme_result(
        "techtas",
        cfg["name"],
        checks,
        cfg["official_url"],
        extra,
        [phrase("caveats", "techtas_itc_quota"), phrase("caveats", "techtas_stem_list")],
    )


def assess_assg(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["assg"]
    src = cfg["source"]
    checks: list[Check] = []
    opened = check_open(cfg, as_of, "assg.open", cfg["name"])
    if opened:
        checks.append(opened)
    checks.append(check_nationality(p, as_of, "assg.nationality", src))
    age = cfg["age"][0]
    if p.age is None:
        checks.append(
            Check(
                "assg.age",
                None,
                text("assg_age_unknown", min=age["min"], max=age["max"]),
                age["source"],
                age["status"],
                ("age",),
            )
        )
    else:
        ok = age["min"] <= p.age <= age["max"]
        checks.append(
            Check(
                "assg.age",
                ok,
                text("assg_age_ok" if ok else "assg_age_out", age=p.age, min=age["min"], max=age["max"]),
                age["source"],
                age["status"],
            )
        )
    for f, rule in (("born_overseas", "assg.born_overseas"), ("parent_hk_permanent_resident", "assg.parent")):
        value = getattr(p, f)
        key = {True: "yes", False: "no", None: "unknown"}[value]
        checks.append(
            Check(rule, value, text(f"assg_{f}_{key}"), src, "CONFIRMED", (f,) if value is None else ())
        )
    checks.append(check_first_degree(p, "assg.degree", src, cfg["first_degree"]))
    lang = t_or(p.languages.english, p.languages.chinese)
    key = {True: "assg_language_ok", False: "assg_language_no", None: "assg_language_unknown"}[lang]
    checks.append(
        Check(
            "assg.language",
            lang,
            text(key),
            src,
            "CONFIRMED",
            ("languages.english", "languages.chinese") if lang is None else (),
        )
    )
    sup = p.self_supporting
    key = {True: "self_support_ok", False: "self_support_no", None: "self_support_unknown"}[sup]
    checks.append(
        Check("assg.funds", sup, text(key), src, "CONFIRMED", ("self_supporting",) if sup is None else ())
    )
    extra = {
        "job_offer_required": False,
        "first_stay_months": cfg["first_stay_months"],
        "extension_pattern": cfg["extension_pattern"],
        "top_tier_extension_years": cfg["top_tier_extension_years"],
        "quota": "none",
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
    }
    return scheme_result("assg", cfg["name"], checks, cfg["official_url"], extra)


def assess_new_cies(p: Profile, as_of: dt.date) -> dict:
    cfg = rules()["new_cies"]
    src = cfg["source"]
    checks: list[Check] = []
    opened = check_open(cfg, as_of, "new_cies.open", cfg["name"])
    if opened:
        checks.append(opened)
    checks.append(check_nationality(p, as_of, "new_cies.nationality", src))
    if p.nationality == _common()["chinese_nationality"]:
        fpr = p.foreign_permanent_residence
        key = {True: "cies_cn_pr_ok", False: "cies_cn_no_pr", None: "cies_cn_pr_unknown"}[fpr]
        checks.append(
            Check(
                "new_cies.scope",
                fpr,
                text(key),
                src,
                "CONFIRMED",
                ("foreign_permanent_residence",) if fpr is None else (),
            )
        )
    min_age = select(cfg["min_age"], as_of) or cfg["min_age"][0]
    age_ok = at_least(p.age, min_age["value"])
    key = {True: "cies_age_ok", False: "cies_age_low", None: "cies_age_unknown"}[age_ok]
    checks.append(
        Check(
            "new_cies.age",
            age_ok,
            text(key, min=min_age["value"]),
            min_age["source"],
            min_age["status"],
            ("age",) if age_ok is None else (),
        )
    )
    assets = select(cfg["min_net_assets_hkd"], as_of) or cfg["min_net_assets_hkd"][0]
    hold = select(cfg["net_assets_holding_months"], as_of) or cfg["net_assets_holding_months"][0]
    ok = at_least(p.net_assets_hkd, assets["value"])
    key = {True: "cies_assets_ok", False: "cies_assets_low", None: "cies_assets_unknown"}[ok]
    checks.append(
        Check(
            "new_cies.net_assets",
            ok,
            text(key, min=money(assets["value"]), months=hold["value"]),
            assets["source"],
            assets["status"],
            ("net_assets_hkd",) if ok is None else (),
        )
    )
    inv = select(cfg["min_investment_hkd"], as_of) or cfg["min_investment_hkd"][0]
    port = select(cfg["cies_portfolio_hkd"], as_of) or cfg["cies_portfolio_hkd"][0]
    extra = {
        "job_offer_required": False,
        "first_stay_months": cfg["first_stay_months"],
        "extension_years_max": cfg["extension_years_max"],
        "quota": "none",
        "dependants_allowed": True,
        "path_to_permanent_residence_years": _common()["permanent_residence"]["years"],
        "net_assets_holding_months": hold["value"],
        "net_assets_holding_status": hold["status"],
    }
    caveats = [
        phrase("caveats", "cies_investment", total=money(inv["value"]), portfolio=money(port["value"])),
        phrase("caveats", "cies_self_support"),
    ]
    return scheme_result("new_cies", cfg["name"], checks, cfg["official_url"], extra, caveats)


_ASSESSORS = {
    "ttps_a": assess_ttps_a,
    "ttps_b": assess_ttps_b,
    "ttps_c": assess_ttps_c,
    "gep": assess_gep,
    "asmtp": assess_asmtp,
    "iang": assess_iang,
    "techtas": assess_techtas,
    "assg": assess_assg,
    "new_cies": assess_new_cies,
}


def assess(profile: Profile, as_of: dt.date | None = None, *, near_misses: bool = True) -> dict:
    """Assess a profile against every scheme under the rules in force on ``as_of`` (default: today).

    Returns the JSON-ready assessment of issue 3: ``as_of``, ``rules_version``, ``schemes`` (one entry per
    scheme id with status, reasons, missing, next_steps, sources...), ``qmas`` (criteria and tests),
    ``near_misses`` and, last, ``disclaimer``.
    """
    as_of = as_of or dt.date.today()
    qmas_result, qmas_block = assess_qmas(profile, as_of)
    schemes = [qmas_result] + [_ASSESSORS[sid](profile, as_of) for sid in SCHEME_IDS[1:]]
    out: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "rules_version": rules_version(),
        "schemes": schemes,
        "qmas": qmas_block,
        "notes": _notes(as_of),
        "see_also": see_also(profile, as_of),
    }
    if near_misses:
        from bot.whatif import find_near_misses

        out["near_misses"] = find_near_misses(profile, as_of, out)
    out["disclaimer"] = disclaimer()
    return out


def assess_json(data: Any, as_of: dt.date | str | None = None, *, near_misses: bool = True) -> dict:
    """Convenience for callers holding the JSON profile: validate (raises ProfileError) and assess."""
    from bot.profile import parse_profile

    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    return assess(parse_profile(data), as_of, near_misses=near_misses)


def see_also(p: Profile, as_of: dt.date) -> list[dict]:
    """Routes we do not assess but that fit what the applicant told us better than the schemes do: today,
    the Technical Professionals Stream, for someone whose lack of a degree rules out GEP and ASMTP."""
    tp = rules()["gep"]["tp_stream"]
    below_degree = p.degree_level is not None and p.degree_level not in _common()["first_degree_levels"]
    in_age = p.age is None or tp["min_age"] <= p.age <= tp["max_age"]
    if not (below_degree and in_age and in_force(tp, as_of)):
        return []
    words = phrase("caveats", "tp_stream", min=tp["min_age"], max=tp["max_age"], url=tp["official_url"])
    return [
        {"id": "tp_stream", "name": tp["name"], "text": words, "url": tp["official_url"],
         "source_id": tp["source"]["id"], "data_status": tp["status"]}
    ]  # fmt: skip


def _notes(as_of: dt.date) -> list[str]:
    return list(_notes_cached(as_of))


@lru_cache(maxsize=4096)
def _notes_cached(as_of: dt.date) -> tuple[str, ...]:
    notes = [phrase("caveats", "dependants"), phrase("caveats", "gep_investment_startups")]
    checked = dt.date.fromisoformat(_common()["rules_compiled_from_sources_dated_up_to"])
    if as_of > checked:
        notes.insert(0, phrase("caveats", "rules_checked_until", date=checked.isoformat()))
    return tuple(notes)
