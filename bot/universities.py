"""Eligible-university matching (TTPS, QMAS criteria 2-3, TechTAS proxy, IANG UGC flag).

Data: ``bot/rules/universities.yaml``. Matching is tolerant (aliases, abbreviations, typos via rapidfuzz) but
careful: short inputs must match an alias exactly, names that look like branch campuses are never matched by
fuzzy rules, and near matches below the accept score are only suggestions. A name we do not recognise is never
"not eligible": :func:`aggregate_list_status` returns ``None`` (could not confirm) with the official list URL.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.ruleset import rules


@dataclass(frozen=True)
class University:
    name: str
    country: str
    aliases: tuple[str, ...]
    ugc_funded: bool | None
    techtas_stem_top100: bool
    aggregate_list: dict | None
    note: str | None = None


@dataclass(frozen=True)
class UniversityMatch:
    """Result of matching a free-text name. ``university`` is None when nothing was accepted."""

    query: str
    university: University | None
    score: float
    method: str  # "exact", "alias", "fuzzy", "suggestion", "branch", "none"
    suggestion: University | None = None


@dataclass(frozen=True)
class ListStatus:
    """Is a degree's university on the Aggregate List on a date? ``on_list`` is True, False or None."""

    on_list: bool | None
    text_key: str
    university: University | None
    match: UniversityMatch
    status: str | None = None  # data status of the membership claim (CONFIRMED_MIRROR, SECONDARY, ...)
    source_id: str | None = None
    source_url: str | None = None
    date: str | None = None


def _data() -> dict:
    return rules()["universities"]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(name: str) -> str:
    """Lower-case, accents off, common abbreviations expanded, punctuation and a leading 'the' dropped."""
    text = _strip_accents(name).casefold().strip()
    for short, long in _data()["list_definition"]["abbreviations"].items():
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", f" {long} ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")


def _is_generic(word: str, generic: set[str]) -> bool:
    # "univercity" is still a generic word: allow a typo in long generic words
    cfg = _data()["list_definition"]["fuzzy"]
    return word in generic or any(
        len(g) >= cfg["generic_typo_min_length"] and fuzz.ratio(word, g) >= cfg["generic_typo_score"]
        for g in generic
    )


def _distinct(norm: str) -> str:
    generic = set(_data()["list_definition"]["generic_words"])
    return " ".join(w for w in norm.split() if not _is_generic(w, generic))


@lru_cache(maxsize=1)
def universities() -> tuple[University, ...]:
    out = []
    for row in _data()["universities"]:
        out.append(
            University(
                name=row["name"],
                country=row["country"],
                aliases=tuple(row.get("aliases") or ()),
                ugc_funded=row.get("ugc_funded"),
                techtas_stem_top100=bool(row.get("techtas_stem_top100")),
                aggregate_list=row.get("aggregate_list"),
                note=row.get("note"),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, University], dict[str, University]]:
    """(exact names and aliases, long names for fuzzy matching), both keyed by normalised text."""
    exact: dict[str, University] = {}
    fuzzy_keys: dict[str, University] = {}
    min_len = _data()["list_definition"]["fuzzy"]["min_length"]
    for uni in universities():
        for label in (uni.name, *uni.aliases):
            key = normalise(label)
            exact.setdefault(key, uni)
            if len(key) >= min_len:
                fuzzy_keys.setdefault(key, uni)
    return exact, fuzzy_keys


@lru_cache(maxsize=1)
def _by_place() -> dict[str, tuple[University, ...]]:
    """The place in names of the form "University of X" or "X University" ("cambridge") -> the
    universities so named, for "did you mean?" on a bare place name. Other forms are left out: "London"
    is not "University College London"."""
    index: dict[str, list[University]] = {}
    for uni in universities():
        for label in (uni.name, *uni.aliases):
            key = normalise(label)
            place = key.removeprefix("university of ") if key.startswith("university of ") else None
            place = place or (key.removesuffix(" university") if key.endswith(" university") else None)
            if place and uni not in index.setdefault(place, []):
                index[place].append(uni)
    return {place: tuple(unis) for place, unis in index.items()}


def looks_like_branch(text: str) -> bool:
    norm = normalise(text)
    return any(marker in norm for marker in _data()["list_definition"]["branch_markers"])


@lru_cache(maxsize=4096)
def match_university(name: str) -> UniversityMatch:
    """Match a free-text university name (English or Chinese, full name, alias or abbreviation)."""
    query = name or ""
    norm = normalise(query)
    if not norm:
        return UniversityMatch(query, None, 0.0, "none")
    exact, fuzzy_keys = _index()
    if norm in exact:
        uni = exact[norm]
        return UniversityMatch(query, uni, 100.0, "exact" if normalise(uni.name) == norm else "alias")
    cfg = _data()["list_definition"]["fuzzy"]
    # A bare place ("Manchester", "Sydney") is never accepted: Manchester Metropolitan is not the
    # University of Manchester. When one university alone bears it, it is offered as a suggestion.
    named_after = _by_place().get(norm, ())
    if len(named_after) == 1:
        return UniversityMatch(query, None, 0.0, "suggestion", suggestion=named_after[0])
    if len(norm) < cfg["min_length"]:
        return UniversityMatch(query, None, 0.0, "none")
    best = process.extractOne(norm, list(fuzzy_keys), scorer=fuzz.ratio)
    if best is None:
        return UniversityMatch(query, None, 0.0, "none")
    key, score, _ = best
    uni = fuzzy_keys[key]
    if looks_like_branch(norm):
        return UniversityMatch(
            query, None, score, "branch", suggestion=uni if score >= cfg["suggest_score"] else None
        )
    distinct_score = fuzz.ratio(_distinct(norm), _distinct(key))
    if score >= cfg["accept_score"] and distinct_score >= cfg["distinct_accept_score"]:
        return UniversityMatch(query, uni, score, "fuzzy")
    if score >= cfg["suggest_score"] and distinct_score >= cfg["distinct_suggest_score"]:
        return UniversityMatch(query, None, score, "suggestion", suggestion=uni)
    return UniversityMatch(query, None, score, "none")


def official_list_url() -> str:
    return _data()["list_definition"]["official_list_url"]


@lru_cache(maxsize=8192)
def aggregate_list_status(name: str | None, as_of: dt.date) -> ListStatus:
    """Whether the named university is on the Aggregate List of Eligible Universities on ``as_of``.

    True only for a recognised university whose listing covers the date; False only when a source says it was
    not (yet / any longer) listed on that date; otherwise None ("could not confirm").
    """
    match = match_university(name or "")
    uni = match.university
    if uni is None:
        key = (
            "uni_branch"
            if match.method == "branch"
            else ("uni_suggestion" if match.suggestion else "uni_unknown")
        )
        return ListStatus(None, key, None, match)
    entry = uni.aggregate_list
    if not entry:
        return ListStatus(None, "uni_known_not_in_our_data", uni, match)
    src = entry.get("source") or {}
    common = {
        "university": uni,
        "match": match,
        "status": entry.get("status"),
        "source_id": src.get("id"),
        "source_url": src.get("url"),
    }
    start = dt.date.fromisoformat(entry["listed_from"])
    end = dt.date.fromisoformat(entry["listed_to"]) if entry.get("listed_to") else None
    if end is not None and as_of > end:
        return ListStatus(False, "uni_removed", date=entry["listed_to"], **common)
    if as_of < start:
        if entry.get("listed_from_kind") == "added":
            return ListStatus(False, "uni_not_yet_added", date=entry["listed_from"], **common)
        return ListStatus(None, "uni_not_confirmed_for_date", date=entry["listed_from"], **common)
    return ListStatus(True, "uni_on_list", date=entry["listed_from"], **common)


def is_ugc_funded(name: str | None) -> bool | None:
    uni = match_university(name or "").university
    return None if uni is None else uni.ugc_funded


def techtas_stem_top100(name: str | None) -> bool | None:
    """True for universities we hold as top-100 in all four rankings; None (could not confirm) otherwise."""
    uni = match_university(name or "").university
    return True if uni is not None and uni.techtas_stem_top100 else None
