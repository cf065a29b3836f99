"""The project's word lists, read from the YAML files next to this module and from pycountry.

Pure data access (no spaCy): both the EntityRuler patterns (bot.nlp.patterns) and the normaliser
(bot.normalise) read the same lists, so what the pipeline tags the normaliser can parse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

LEXICON_DIR = Path(__file__).resolve().parent
RULES_DIR = LEXICON_DIR.parent / "rules"
UNIVERSITIES_PATH = RULES_DIR / "universities.yaml"
FX_RATES_PATH = RULES_DIR / "fx_rates.yaml"


@cache
def load_data_file(name: str) -> dict[str, Any]:
    """One of the lexicon YAML files in this package, e.g. "money" for money.yaml."""
    with (LEXICON_DIR / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fold(text: str) -> str:
    """Lower-case, width-folded text with curly apostrophes made straight, for dictionary look-ups."""
    folded = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", folded.lower()).strip()


def dotless_variants(alias: str) -> set[str]:
    """ "M.Sc" -> {"M.Sc", "M.Sc."}: users add or drop the final dot of an abbreviation."""
    variants = {alias}
    if "." in alias:
        variants.add(alias.rstrip("."))
        if not alias.endswith("."):
            variants.add(alias + ".")
    return variants


# ---------------------------------------------------------------- countries


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, str]:
    """Country name, alias or demonym (as written) -> ISO 3166 alpha-2, case-insensitive entries only.

    Names from pycountry containing a comma ("Korea, Republic of") are left out: nobody writes them;
    countries.yaml gives the everyday forms.
    """
    data = load_data_file("countries")
    case_sensitive = set(data["case_sensitive"])
    aliases: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and name not in case_sensitive:
                aliases.setdefault(name, country.alpha_2)
    for group in ("aliases", "demonyms"):
        for alpha_2, names in data[group].items():
            for name in names:
                if name not in case_sensitive:
                    for variant in dotless_variants(name):
                        aliases[variant] = alpha_2
    return aliases


@lru_cache(maxsize=1)
def case_sensitive_country_aliases() -> dict[str, str]:
    """Country names that only count when written in this exact case ("US", "Jordan")."""
    data = load_data_file("countries")
    result: dict[str, str] = {}
    everything: dict[str, str] = {}
    for country in pycountry.countries:
        everything.setdefault(country.name, country.alpha_2)
    for group in ("aliases", "demonyms"):
        for alpha_2, names in data[group].items():
            for name in names:
                everything[name] = alpha_2
    for name in data["case_sensitive"]:
        if name in everything:
            result[name] = everything[name]
    return result


def country_demonyms() -> dict[str, str]:
    """Demonym (as written) -> alpha-2."""
    return {
        name: alpha_2 for alpha_2, names in load_data_file("countries")["demonyms"].items() for name in names
    }


# ---------------------------------------------------------------- languages, degrees


@lru_cache(maxsize=1)
def language_aliases() -> dict[str, str]:
    """Language name as written -> canonical lower-case name ("Putonghua" -> "mandarin")."""
    return {
        alias: canonical
        for canonical, aliases in load_data_file("languages")["languages"].items()
        for alias in aliases
    }


DEGREE_LEVELS = ("none", "sub_degree", "bachelor", "master", "doctorate")


@lru_cache(maxsize=1)
def degree_aliases() -> dict[str, str]:
    """Degree as written (case-insensitive) -> level, one of DEGREE_LEVELS."""
    aliases: dict[str, str] = {}
    for level, names in load_data_file("degrees")["levels"].items():
        for name in names:
            for variant in dotless_variants(name):
                aliases[variant] = level
    return aliases


@lru_cache(maxsize=1)
def case_sensitive_degree_aliases() -> dict[str, str]:
    """Degree abbreviations that only count in this exact case ("MA", "BS")."""
    aliases: dict[str, str] = {}
    for level, names in load_data_file("degrees")["case_sensitive"].items():
        for name in names:
            for variant in dotless_variants(name):
                aliases[variant] = level
    return aliases


# ---------------------------------------------------------------- universities


@dataclass(frozen=True)
class University:
    name: str
    country: str | None
    aliases: tuple[str, ...]


def load_universities(path: Path | None = UNIVERSITIES_PATH) -> list[University]:
    """Universities from a YAML file with a top-level `universities:` list; [] when the file is absent.

    A file that exists but does not parse raises: shipping a pipeline that silently lost every
    university would be worse than a failed build.
    """
    if path is None or not Path(path).exists():
        return []
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    universities = []
    for entry in data.get("universities") or []:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        aliases = tuple(str(alias) for alias in entry.get("aliases") or [] if alias)
        universities.append(University(str(entry["name"]), entry.get("country"), aliases))
    return universities


def university_name_variants(name: str) -> set[str]:
    """Spellings applicants use for one university name: without "The", "Univ."/"Univ"/"Uni" for
    "University", "and" for "&" (and back), "HK" for "Hong Kong"."""
    variants = {name}
    if name.lower().startswith("the "):
        variants.add(name[4:])
    for base in list(variants):
        if re.search(r"\bUniversity\b", base):
            variants |= {re.sub(r"\bUniversity\b", short, base) for short in ("Univ.", "Univ", "Uni")}
    for base in list(variants):
        if "&" in base:
            variants.add(base.replace("&", "and"))
        if " and " in base:
            variants.add(base.replace(" and ", " & "))
    for base in list(variants):
        if "Hong Kong" in base:
            variants.add(base.replace("Hong Kong", "HK"))
    return variants


# ---------------------------------------------------------------- money, quantities, answers


@lru_cache(maxsize=1)
def currency_aliases() -> dict[str, str]:
    """Currency code, symbol or word (lower case) -> ISO 4217 code."""
    aliases: dict[str, str] = {}
    for code, forms in load_data_file("money")["currencies"].items():
        for alias in forms.get("codes", []) + forms.get("words", []):
            aliases[fold(alias)] = code
    return aliases


def ambiguous_dollar_words() -> list[str]:
    return [fold(word) for word in load_data_file("money")["ambiguous_dollar"]]


@lru_cache(maxsize=1)
def multiplier_words() -> dict[str, int]:
    """Stand-alone multiplier word -> value ("million" -> 1_000_000)."""
    return {
        fold(word): int(entry["value"])
        for entry in load_data_file("money")["multipliers"]
        for word in entry["words"]
    }


@lru_cache(maxsize=1)
def multiplier_suffixes() -> dict[str, int]:
    """Multiplier glued to digits -> value ("800k" -> "k" -> 1000)."""
    return {
        fold(word): int(entry["value"])
        for entry in load_data_file("money")["multipliers"]
        for word in entry["suffixes"]
    }


def money_periods() -> dict[str, Any]:
    return load_data_file("money")["periods"]


def quantities() -> dict[str, Any]:
    return load_data_file("quantities")


def answers() -> dict[str, Any]:
    return load_data_file("answers")
