"""QMAS: prerequisites, the General Points Test (12-criterion checklist from 2024-11-01, older points tables
before that) and the Achievement-based Points Test. All numbers come from ``bot/rules/qmas.yaml``."""

from __future__ import annotations

import datetime as dt

from bot import universities as unis
from bot.profile import Profile
from bot.ruleset import rules, select, weakest
from bot.texts import phrase, text


def _cfg() -> dict:
    return rules()["qmas"]


def prerequisites(p: Profile, as_of: dt.date) -> list:
    from bot.engine import Check, check_character, check_first_degree, t_or

    cfg = _cfg()
    pre = cfg["prerequisites"]
    out = []
    age = select(pre["min_age"], as_of) or pre["min_age"][0]
    if p.age is None:
        out.append(
            Check(
                "qmas.prereq.age",
                None,
                text("qmas_age_unknown", min=age["value"]),
                age["source"],
                age["status"],
                ("age",),
            )
        )
    else:
        ok = p.age >= age["value"]
        out.append(
            Check(
                "qmas.prereq.age",
                ok,
                text("qmas_age_ok" if ok else "qmas_age_low", min=age["value"]),
                age["source"],
                age["status"],
            )
        )
    fin = pre["financial"]
    key = {True: "self_support_ok", False: "self_support_no", None: "self_support_unknown"}[p.self_supporting]
    out.append(
        Check(
            "qmas.prereq.financial",
            p.self_supporting,
            text(key),
            fin["source"],
            fin["status"],
            ("self_supporting",) if p.self_supporting is None else (),
        )
    )
    character = pre["good_character"]
    out.append(check_character(p, "qmas.prereq.good_character", character["source"], character["bar"]))
    education = pre["basic_education"]
    degree = check_first_degree(
        p, "qmas.prereq.basic_education", education["source"], education["first_degree"]
    )
    if degree.met is False and p.exceptional_achievement is not False:
        # Without a degree, "documented experience and achievements" may be accepted instead (S1): an
        # award or recognised work leaves it to ImmD; not knowing yet is worth the question.
        key = (
            "degree_below_first_achievements" if p.exceptional_achievement else "degree_below_first_ask_award"
        )
        asked = () if p.exceptional_achievement else ("exceptional_achievement",)
        degree = Check(degree.rule, None, text(key), degree.source, degree.status, asked)
    out.append(degree)
    lang_rule = select(pre["language_prerequisite"], as_of)
    if lang_rule and lang_rule["value"]:
        ok = t_or(p.languages.english, p.languages.chinese)
        key = {
            True: "qmas_old_language_ok",
            False: "qmas_old_language_no",
            None: "qmas_old_language_unknown",
        }[ok]
        out.append(
            Check(
                "qmas.prereq.language",
                ok,
                text(key),
                lang_rule["source"],
                lang_rule["status"],
                ("languages.english", "languages.chinese") if ok is None else (),
            )
        )
    return out


def _criterion(n: int, met: bool | None, key: str, c: dict, missing: tuple = (), **values) -> dict:
    return {
        "id": n,
        "rule": c["id"],
        "met": met,
        "reason": text(key, **values),
        "data_status": c["status"],
        "source_id": c["source"]["id"],
        "source_url": c["source"]["url"],
        "_missing": missing,
    }


def _years_criterion(p: Profile, c: dict) -> dict:
    value = getattr(p, c["field"])
    met = None if value is None else value >= c["min_years"]
    suffix = {True: "met", False: "not_met", None: "unknown"}[met]
    return _criterion(
        c["n"],
        met,
        f"qmas_c{c['n']}_{suffix}",
        c,
        (c["field"],) if met is None else (),
        years=value,
        min=c["min_years"],
    )


def checklist(p: Profile, as_of: dt.date, version: dict) -> dict:
    from bot.engine import t_and

    by_id = {c["id"]: c for c in version["criteria"]}
    crit = []
    # age
    c = by_id["age_50_or_below"]
    met = None if p.age is None else p.age <= c["max_age"]
    crit.append(
        _criterion(
            c["n"],
            met,
            {True: "qmas_c1_met", False: "qmas_c1_not_met", None: "qmas_c1_unknown"}[met],
            c,
            ("age",) if met is None else (),
            max=c["max_age"],
        )
    )
    # eligible-university master's or doctorate; the same in STEM
    c2, c3 = by_id["eligible_uni_postgraduate"], by_id["eligible_uni_postgraduate_stem"]
    list_status = None  # how sure we are that the school is (or is not) on the list
    if p.degree_level is None:
        m2, k2, miss2 = None, "qmas_c2_level_unknown", ("degree_level",)
    elif p.degree_level not in c2["degree_levels"]:
        m2, k2, miss2 = False, "qmas_c2_no_postgrad", ()
    elif p.postgraduate_institution is None:
        m2, k2, miss2 = None, "qmas_c2_institution_unknown", ("postgraduate_institution",)
    else:
        ls = unis.aggregate_list_status(p.postgraduate_institution, as_of)
        m2, k2 = (
            ls.on_list,
            {True: "qmas_c2_met", False: "qmas_c2_not_listed", None: "qmas_c2_unconfirmed"}[ls.on_list],
        )
        miss2 = ("postgraduate_institution",) if m2 is None else ()
        list_status = ls.status if ls.on_list is not None else None
    row2 = _criterion(
        c2["n"], m2, k2, c2, miss2, query=p.postgraduate_institution, url=unis.official_list_url()
    )
    # The criterion is confirmed; whether this school is on the list may rest on less (a news report, or
    # our reading of the list's definition): the weaker of the two is what the user is told.
    row2["data_status"] = weakest(row2["data_status"], list_status)
    crit.append(row2)
    m3 = t_and(m2, p.postgraduate_stem)
    if m2 is False:
        k3 = "qmas_c3_needs_c2"
    else:
        k3 = {True: "qmas_c3_met", False: "qmas_c3_not_stem", None: "qmas_c3_unknown"}[m3]
    miss3 = (
        () if m3 is not None else (miss2 + (("postgraduate_stem",) if p.postgraduate_stem is None else ()))
    )
    row3 = _criterion(c3["n"], m3, k3, c3, miss3)
    row3["data_status"] = weakest(row3["data_status"], list_status if m3 else None)
    crit.append(row3)
    # two languages; English
    c4, c5 = by_id["two_languages"], by_id["english"]
    lang = p.languages
    flags = [lang.english, lang.chinese, None if lang.other is None else bool(lang.other)]
    known = sum(1 for f in flags if f is True)
    unknown = sum(1 for f in flags if f is None)
    if lang.other:
        known += len(lang.other) - 1  # several other languages each count
    m4 = True if known >= c4["min_languages"] else (None if known + unknown >= c4["min_languages"] else False)
    miss4 = tuple(
        f"languages.{n}" for n, f in zip(("english", "chinese", "other"), flags, strict=True) if f is None
    )
    crit.append(
        _criterion(
            c4["n"],
            m4,
            {True: "qmas_c4_met", False: "qmas_c4_not_met", None: "qmas_c4_unknown"}[m4],
            c4,
            miss4 if m4 is None else (),
        )
    )
    m5 = lang.english
    crit.append(
        _criterion(
            c5["n"],
            m5,
            {True: "qmas_c5_met", False: "qmas_c5_not_met", None: "qmas_c5_unknown"}[m5],
            c5,
            ("languages.english",) if m5 is None else (),
        )
    )
    # work experience
    for rule_id in (
        "work_5_years",
        "multinational_3_years",
        "specified_field_3_years",
        "international_2_years",
    ):
        crit.append(_years_criterion(p, by_id[rule_id]))
    # income; business profit
    for rule_id in ("income_1m", "business_profit_5m"):
        c = by_id[rule_id]
        n = c["n"]
        value = getattr(p, c["field"])
        met = None if value is None else value >= c["min_hkd"]
        suffix = {True: "met", False: "not_met", None: "unknown"}[met]
        crit.append(
            _criterion(
                n,
                met,
                f"qmas_c{n}_{suffix}",
                c,
                (c["field"],) if met is None else (),
                min=f"HK${c['min_hkd']:,.0f}",
            )
        )
    # listed company
    c = by_id["owns_listed_company"]
    met = p.owns_listed_company
    crit.append(
        _criterion(
            c["n"],
            met,
            {True: "qmas_c12_met", False: "qmas_c12_not_met", None: "qmas_c12_unknown"}[met],
            c,
            ("owns_listed_company",) if met is None else (),
        )
    )

    for row in crit:
        status = row["data_status"]
        if status not in ("CONFIRMED", "CONFIRMED_MIRROR"):
            row["reason"] += " " + phrase("status_notes", status)
        definition = by_id[row["rule"]].get("definition_status")
        if definition == "UNSURE" and row["met"] is not False:
            row["reason"] += " " + phrase("caveats", f"qmas_c{row['id']}_definition")
    met_count = sum(1 for r in crit if r["met"] is True)
    unknown_count = sum(1 for r in crit if r["met"] is None)
    threshold = version["threshold"]
    if met_count >= threshold:
        passes = True
    elif met_count + unknown_count < threshold:
        passes = False
    else:
        passes = None
    missing = tuple(dict.fromkeys(f for r in crit if r["met"] is None for f in r["_missing"]))
    for r in crit:
        # Public: the answers an unknown criterion waits for (the interview asks them, even once the
        # test is passed, because applicants meeting more criteria are viewed more favourably).
        r["missing"] = list(r.pop("_missing"))
    return {
        "version": version["id"],
        "type": "checklist",
        "effective_from": version["effective_from"],
        "criteria": crit,
        "met": met_count,
        "unknown": unknown_count,
        "threshold": threshold,
        "out_of": version["out_of"],
        "passes": passes,
        "data_status": version["status"],
        "source": version["source"],
        "_missing": [] if passes is True else list(missing),
    }


def _range(value: bool | None, points: int) -> tuple[int, int]:
    return (points, points) if value is True else ((0, 0) if value is False else (0, points))


def points_test(p: Profile, as_of: dt.date, version: dict) -> dict:
    """Older GPT (points). Unknown answers give a range [points, points_max]; we never guess."""
    f = version["factors"]
    rows = []
    missing: list[str] = []

    def add(name: str, lo: int, hi: int, fields: tuple = ()):
        rows.append({"factor": name, "points": lo, "points_max": hi})
        if lo != hi:
            missing.extend(x for x in fields if x not in missing)

    if p.age is None:
        add("age", 0, max(b["points"] for b in f["age_bands"]), ("age",))
    else:
        pts = next(
            (
                b["points"]
                for b in f["age_bands"]
                if b["min"] <= p.age and (b["max"] is None or p.age <= b["max"])
            ),
            0,
        )
        add("age", pts, pts)
    levels = f["academic_by_level"]
    if p.degree_level is None:
        add("academic", 0, max(v["max"] for v in levels.values()), ("degree_level",))
    else:
        add("academic", levels[p.degree_level]["min"], levels[p.degree_level]["max"])
    if f.get("renowned_institution_bonus"):
        bonus = f["renowned_institution_bonus"]
        names = [n for n in (p.bachelor_institution, p.postgraduate_institution) if n]
        on = [unis.aggregate_list_status(n, as_of).on_list for n in names]
        if p.degree_level in ("none", "sub_degree"):
            value = False
        elif any(v is True for v in on):
            value = True
        else:
            value = None
        add("renowned_institution_bonus", *_range(value, bonus), ("bachelor_institution",))
    work = p.work_experience_years
    if work is None:
        add("work_experience", 0, max(b["max"] for b in f["work_bands"]), ("work_experience_years",))
    else:
        band = next((b for b in f["work_bands"] if work >= b["min_years"]), None)
        add("work_experience", band["min"] if band else 0, band["max"] if band else 0)
    for key, field in (
        ("international_bonus", "international_years"),
        ("multinational_bonus", "multinational_years"),
    ):
        b = f.get(key)
        if b:
            value = getattr(p, field)
            add(key, *_range(None if value is None else value >= b["min_years"], b["points"]), (field,))
    if f.get("talent_list_bonus"):
        add("talent_list_bonus", 0, f["talent_list_bonus"])
    lang = p.languages
    table = f["language"]

    def lang_points(eng: bool, chi: bool, other: bool) -> int:
        if eng and chi:
            return table["chinese_and_english"]
        if (eng or chi) and other:
            return table["one_plus_foreign"]
        return table["one"] if (eng or chi) else 0

    other = None if lang.other is None else bool(lang.other)
    lo = lang_points(bool(lang.english), bool(lang.chinese), bool(other))
    hi = lang_points(lang.english is not False, lang.chinese is not False, other is not False)
    add("language", lo, hi, ("languages.english", "languages.chinese"))
    add("family", 0, f["family_max"])
    total = sum(r["points"] for r in rows)
    total_max = sum(r["points_max"] for r in rows)
    mark = version["pass_mark"]
    passes = True if total >= mark else (False if total_max < mark else None)
    return {
        "version": version["id"],
        "type": "points",
        "effective_from": version["effective_from"],
        "effective_from_status": version.get("effective_from_status", version["status"]),
        "effective_to": version.get("effective_to"),
        "criteria": [],
        "met": None,
        "threshold": None,
        "points": total,
        "points_max": total_max,
        "pass_mark": mark,
        "max_points": version["max_points"],
        "factors": rows,
        "passes": passes,
        "data_status": version["status"],
        "source": version["source"],
        "note": phrase("caveats", "qmas_old_points"),
        "_missing": [] if passes is True else missing,
    }


def general_points_test(p: Profile, as_of: dt.date) -> dict:
    version = select(_cfg()["general_points_test"], as_of)
    if version is None:
        first = _cfg()["general_points_test"][0]
        return {
            "version": None,
            "type": "points",
            "criteria": [],
            "met": None,
            "threshold": None,
            "points": None,
            "points_max": None,
            "pass_mark": None,
            "passes": None,
            "data_status": "UNSURE",
            "source": first["source"],
            "note": phrase("caveats", "qmas_no_table"),
            "_missing": [],
        }
    if version["type"] == "checklist":
        return checklist(p, as_of, version)
    return points_test(p, as_of, version)


def achievement_based(p: Profile) -> dict:
    abpt = _cfg()["achievement_based_points_test"]
    met = p.exceptional_achievement
    key = {True: "qmas_abpt_met", False: "qmas_abpt_not_met", None: "qmas_abpt_unknown"}[met]
    return {
        "passes": met,
        "reason": text(key) + " " + phrase("status_notes", abpt["criteria_wording_status"]),
        "criteria_needed": abpt["min_criteria_met"],
        "out_of": abpt["out_of"],
        "source_id": abpt["source"]["id"],
        "source_url": abpt["source"]["url"],
        "source": abpt["source"],
        "data_status": abpt["criteria_wording_status"],  # the two criteria's wording is only secondary
        "_missing": ["exceptional_achievement"] if met is None else [],
    }
