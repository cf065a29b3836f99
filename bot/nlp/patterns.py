"""EntityRuler patterns, generated from the lexicon data files.

Overlaps are settled by the EntityRuler itself: it keeps the longest match and drops any match that
overlaps one already kept. The patterns rely on that. "32 years old" (age, 3 tokens) beats
"32 years" (duration, 2 tokens); "since 2015" (duration) beats "2015" (year); "I'm Chinese"
(country) beats "Chinese" (language). Two patterns with different labels must never cover exactly the
same tokens (the winner would be arbitrary): phrase_patterns() drops such duplicates by LABEL_PRIORITY,
and tests check the token patterns.

Rasa's SpacyNLP lower-cases text by default, so everything here matches lower-case input too, except the
few aliases that are ordinary words in lower case ("US", "MA"); those only match when case is kept
(SpacyNLP `case_sensitive: true`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.nlp import lexicon
from bot.nlp.labels import AGE, COUNTRY, DEGREE, DURATION, LANGUAGE, MONEY, UNIVERSITY, YEAR

Pattern = dict[str, Any]
Token = dict[str, Any]

# Which label keeps a phrase claimed by two lists ("Chinese": language, not nationality; a nationality
# needs a cue such as "I'm Chinese", see country_cue_patterns).
LABEL_PRIORITY = (UNIVERSITY, DEGREE, LANGUAGE, COUNTRY)

NUMBER_RE = r"^\d{1,3}(,\d{2,3})+(\.\d+)?$|^\d+(\.\d+)?$"
BIG_NUMBER_RE = r"^\d{1,3}(,\d{2,3})+(\.\d+)?$|^\d{5,}(\.\d+)?$"
SMALL_NUMBER_RE = r"^\d{1,2}(\.\d+)?$"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def lower_in(words: Iterable[str], op: str | None = None) -> Token:
    token: Token = {"LOWER": {"IN": sorted({lexicon.fold(word) for word in words})}}
    if op:
        token["OP"] = op
    return token


def lower_is(word: str, op: str | None = None) -> Token:
    token: Token = {"LOWER": word}
    if op:
        token["OP"] = op
    return token


def lower_regex(expression: str, op: str | None = None) -> Token:
    token: Token = {"LOWER": {"REGEX": expression}}
    if op:
        token["OP"] = op
    return token


def token_pattern(label: str, tokens: list[Token], pattern_id: str | None = None) -> Pattern:
    pattern: Pattern = {"label": label, "pattern": tokens}
    if pattern_id:
        pattern["id"] = pattern_id
    return pattern


# ---------------------------------------------------------------- phrases: countries, languages, degrees


def phrase_patterns(universities_path: Path | None = lexicon.UNIVERSITIES_PATH) -> list[Pattern]:
    """Phrase patterns (matched on lower case), one label per phrase, ids carry the normalised value."""
    claims: dict[str, tuple[str, str, str]] = {}  # folded phrase -> (label, id, phrase as written)

    def claim(label: str, phrase: str, value: str) -> None:
        key = lexicon.fold(phrase)
        if not key:
            return
        current = claims.get(key)
        if current is None or LABEL_PRIORITY.index(label) < LABEL_PRIORITY.index(current[0]):
            claims[key] = (label, value, phrase)

    for university in lexicon.load_universities(universities_path):
        for spelling in (university.name, *university.aliases):
            for variant in lexicon.university_name_variants(spelling):
                claim(UNIVERSITY, variant, university.name)
    for phrase, level in lexicon.degree_aliases().items():
        claim(DEGREE, phrase, level)
    for phrase, canonical in lexicon.language_aliases().items():
        claim(LANGUAGE, phrase, canonical)
    for phrase, alpha_2 in lexicon.country_aliases().items():
        claim(COUNTRY, phrase, alpha_2)

    return [
        {"label": label, "pattern": key, "id": value}
        for key, (label, value, _written) in sorted(claims.items())
    ]


def case_sensitive_patterns() -> list[Pattern]:
    """Aliases that are ordinary words in lower case: exact spelling only ("US", "MA")."""
    patterns = []
    for name, alpha_2 in lexicon.case_sensitive_country_aliases().items():
        patterns.append(token_pattern(COUNTRY, [{"ORTH": part} for part in name.split()], alpha_2))
    for name, level in lexicon.case_sensitive_degree_aliases().items():
        patterns.append(token_pattern(DEGREE, [{"ORTH": name}], level))
    # "MA in economics", "ms degree": lower-case short forms are safe before these words.
    for name, level in lexicon.case_sensitive_degree_aliases().items():
        tokens = [lower_is(name.lower()), lower_in(["degree", "(hons)"])]
        patterns.append(token_pattern(DEGREE, tokens, level))
    return patterns


def country_cue_patterns() -> list[Pattern]:
    """Demonyms that also name a language ("Chinese", "French") count as nationality after a cue
    ("I'm Chinese") or before one ("Chinese passport"). The cue is part of the span."""
    data = lexicon.load_data_file("countries")
    languages = {lexicon.fold(alias) for alias in lexicon.language_aliases()}
    patterns = []
    for demonym, alpha_2 in lexicon.country_demonyms().items():
        if lexicon.fold(demonym) not in languages:
            continue
        words = [lower_is(part) for part in lexicon.fold(demonym).split()]
        for cue in data["nationality_cues_before"]:
            patterns.append(token_pattern(COUNTRY, [lower_is(lexicon.fold(w)) for w in cue] + words, alpha_2))
        for cue in data["nationality_cues_after"]:
            patterns.append(token_pattern(COUNTRY, words + [lower_is(w) for w in cue.split()], alpha_2))
    return patterns


# ---------------------------------------------------------------- money


def money_patterns() -> list[Pattern]:
    money = lexicon.load_data_file("money")
    currency_codes = [lexicon.fold(code) for forms in money["currencies"].values() for code in forms["codes"]]
    currency_codes += [lexicon.fold(word) for word in money["ambiguous_dollar"] if len(word) <= 2]
    currency_words = [lexicon.fold(word) for forms in money["currencies"].values() for word in forms["words"]]
    currency_words += [lexicon.fold(word) for word in money["ambiguous_dollar"] if len(word) > 2]
    # A multi-word currency ("hong kong dollars") = any qualifiers, then the last word.
    currency_qualifiers = {part for word in currency_words for part in word.split()[:-1]}
    currency_nouns = {word.split()[-1] for word in currency_words}

    suffixes = lexicon.multiplier_suffixes()
    glued_amount = (
        rf"^(({_alternation(currency_codes)})\d[\d,]*(\.\d+)?({_alternation(suffixes)})?"
        rf"({_alternation(currency_codes)})?"
        rf"|\d[\d,]*(\.\d+)?({_alternation(suffixes)})({_alternation(currency_codes)})?"
        rf"|\d[\d,]*(\.\d+)?({_alternation(currency_codes)}))$"
    )
    plain = lower_regex(NUMBER_RE)
    big = lower_regex(BIG_NUMBER_RE)
    glued = lower_regex(glued_amount)
    multiplier = lower_in(lexicon.multiplier_words())
    code = lower_in(currency_codes)
    number_words = _number_words()

    periods = money["periods"]
    period_units = periods["month"]["units"] + periods["year"]["units"]
    period_adverbs = periods["month"]["adverbs"] + periods["year"]["adverbs"]
    tails: list[list[Token]] = [
        [],
        [lower_in(periods["prefixes"]), lower_in(period_units)],
        [lower_in(period_adverbs)],
    ]
    currency_after: list[list[Token]] = [
        [code],
        [lower_in(currency_qualifiers, "*"), lower_in(currency_nouns)],
    ]

    bodies: list[list[Token]] = []
    for amount in (plain, glued):
        bodies.append([code, amount, {**multiplier, "OP": "?"}])
        for currency in currency_after:
            bodies.append([amount, {**multiplier, "OP": "?"}, *currency])
        bodies.append([amount, multiplier])
    bodies.append([glued, {**multiplier, "OP": "?"}])
    bodies.append([big])
    # "two million", "half a million hkd": spelled-out amounts need a multiplier word or a currency word.
    # Single letters ("m", "k") are left out here: "a k" or "and m" are not amounts.
    spelled = [_first_number_word(), lower_in(number_words, "*")]
    long_multiplier = lower_in(word for word in lexicon.multiplier_words() if len(word) > 1)
    bodies.append([*spelled, long_multiplier, {**code, "OP": "?"}])
    bodies.append([*spelled, {**long_multiplier, "OP": "?"}, *currency_after[1]])

    patterns = [token_pattern(MONEY, body + tail) for body in bodies for tail in tails]
    # "30000 a month": a plain number with a pay period is money even without a currency.
    patterns += [token_pattern(MONEY, [plain, *tail]) for tail in tails[1:]]
    return patterns


def _first_number_word() -> Token:
    """A token that can start a spelled-out number (not "and" or "-")."""
    words = lexicon.quantities()["number_words"]
    return lower_in(set(words["units"]) | set(words["tens"]) | set(words["fractions"]))


def _number_words() -> list[str]:
    words = lexicon.quantities()["number_words"]
    return sorted(
        set(words["units"])
        | set(words["tens"])
        | set(words["hundred"])
        | set(words["fractions"])
        | set(words["joiners"])
        | set(words["decimal_point"])
    )


# ---------------------------------------------------------------- durations, ages, years


def _year_tokens() -> list[str]:
    first = lexicon.quantities()["year"]["earliest"]
    return [str(year) for year in range(first, 2040)]


def duration_patterns() -> list[Pattern]:
    quantities = lexicon.quantities()
    units = quantities["duration_units"]["year"] + quantities["duration_units"]["month"]
    unit = lower_in(units)
    year_units = quantities["duration_units"]["year"]
    number = lower_regex(SMALL_NUMBER_RE)
    words = quantities["number_words"]
    first_word = lower_in(
        set(words["units"]) | set(words["tens"]) | set(words["fractions"]) | {"another", "few", "several"}
    )
    more_words = lower_in(_number_words(), "*")
    glued = lower_regex(r"^\d{1,2}(\.\d+)?(years?|yrs?\.?|y|months?|mths?|mos?)$")
    glued_years = lower_regex(r"^\d{1,2}(\.\d+)?(years?|yrs?\.?|y)$")
    glued_months = lower_regex(r"^\d{1,2}(months?|mths?|mos?)$")
    year_unit = lower_in(quantities["duration_units"]["year"])
    month_unit = lower_in(quantities["duration_units"]["month"])
    year = {"TEXT": {"IN": _year_tokens()}}
    month = lower_in(quantities["months"])
    open_end = lower_in(quantities["duration_open_ends"])
    separator = lower_in(quantities["duration_range_separators"] + ["till", "until", "through"])

    bodies: list[list[Token]] = [
        [number, {"ORTH": "+", "OP": "?"}, unit],
        [first_word, more_words, unit],
        [number, lower_in(quantities["duration_range_separators"]), number, unit],
        # "2 years and 6 months"; not "7 yrs, 2 yrs of it in HK" (two answers, not one sum).
        [number, year_unit, lower_in(["and", ",", "&"], "?"), number, month_unit],
        [glued],
        [glued_years, lower_in(["and", ",", "&"], "?"), glued_months],
        [
            lower_in(["a", "one", "an"], "?"),
            lower_in(year_units),
            *[lower_is(w) for w in ("and", "a", "half")],
        ],
        [lower_is("since"), {**month, "OP": "?"}, year],
        [lower_in(["from", "since"], "?"), {**month, "OP": "?"}, year, separator, {**month, "OP": "?"}, year],
        [lower_in(["from", "since"], "?"), {**month, "OP": "?"}, year, separator, open_end],
        [lower_is("between"), year, lower_is("and"), year],
    ]
    return [token_pattern(DURATION, body) for body in bodies]


def _age_quantities() -> list[list[Token]]:
    """Ways of writing an age: "32", "thirty-two", "thirty two", "nineteen"."""
    quantities = lexicon.quantities()
    low, high = quantities["age"]["minimum"], quantities["age"]["maximum"]
    words = quantities["number_words"]
    teens = [word for word, value in words["units"].items() if low <= value <= 19]
    tens = [word for word, value in words["tens"].items() if value <= high]
    ones = [word for word, value in words["units"].items() if 1 <= value <= 9 and word not in ("a", "an")]
    return [
        [{"TEXT": {"IN": [str(age) for age in range(low, high + 1)]}}],
        [lower_in(teens)],
        [lower_in(tens), {"ORTH": "-", "OP": "?"}, lower_in(ones, "?")],
    ]


def age_patterns() -> list[Pattern]:
    quantities = lexicon.quantities()
    age = quantities["age"]
    low, high = age["minimum"], age["maximum"]
    year_word = lower_in(["years", "year", "yrs", "yr", "y"])
    old = lower_in(age["old"])
    glued_age = rf"^({'|'.join(str(n) for n in range(low, high + 1))})"
    i_am = [lower_is("i"), lower_in(["'m", "am", "m", "’m"])]
    bodies: list[list[Token]] = []
    for quantity in _age_quantities():
        bodies += [
            [*quantity, year_word, old],
            [*quantity, lower_in(["years", "year"]), lower_is("of"), lower_is("age")],
            [*quantity, lower_is("y"), {"ORTH": "/"}, lower_is("o")],
            [*quantity, lower_in(["yo", "y.o", "y.o.", "y/o"])],
            [lower_in(age["prefixes"]), lower_in(age["prefix_joiners"], "?"), *quantity],
            [lower_is("my"), lower_is("age"), lower_in(age["prefix_joiners"], "?"), *quantity],
            # "I'm 32 years" (no "old") is an age too; "I'm 8 years in HK" is not: 8 is below the minimum.
            [
                lower_is("i"),
                lower_in(["'m", "am", "m", "’m"]),
                *quantity,
                {**year_word, "OP": "?"},
                {**old, "OP": "?"},
            ],
            # "im 27 y/o", "i'm 27 yo": the whole phrase, not "im 27 y" with "/o" left over.
            [*i_am, *quantity, lower_is("y"), {"ORTH": "/"}, lower_is("o")],
            [*i_am, *quantity, lower_in(["yo", "y.o", "y.o.", "y/o"])],
        ]
    bodies += [
        [lower_regex(glued_age + r"(yo|y/o|y\.o\.?)$")],
        [lower_regex(glued_age + r"(years?|yrs?|y)$"), old],
        [lower_is("i"), lower_in(["'m", "am", "m", "’m"]), lower_regex(glued_age + r"(years?|yrs?|y|yo)$")],
    ]
    # A number word in the age range on its own ("thirty-two") is most likely an age; "thirty-two
    # years" (duration) and "thirty-two thousand" (money) are longer and win.
    bodies += [quantity for quantity in _age_quantities()[1:]]
    return [token_pattern(AGE, body) for body in bodies]


def year_patterns() -> list[Pattern]:
    """A calendar year. A graduation cue in front ("graduated in 2021", "class of 2019") joins the span,
    so the bot can tell a graduation year from any other year."""
    year = {"TEXT": {"IN": _year_tokens()}}
    patterns = [token_pattern(YEAR, [year])]
    for cue in lexicon.quantities()["year"]["cues_before"]:
        patterns.append(token_pattern(YEAR, [lower_is(word) for word in cue] + [year]))
    return patterns


def all_patterns(universities_path: Path | None = lexicon.UNIVERSITIES_PATH) -> list[Pattern]:
    return (
        phrase_patterns(universities_path)
        + case_sensitive_patterns()
        + country_cue_patterns()
        + money_patterns()
        + duration_patterns()
        + age_patterns()
        + year_patterns()
    )
