"""Turn what an applicant typed (an entity's text or a whole answer) into typed values for the profile.

Pure functions: no spaCy, no Rasa. Every parser takes any string and returns a value or None; None means
"could not read it" (or out of range) so the bot can re-ask kindly. None of them raises.
Word lists live in bot/nlp/*.yaml, exchange rates in bot/rules/fx_rates.yaml.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Literal, TypeVar

import pycountry
import yaml

from bot.nlp import lexicon

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

UNKNOWN: Literal["unknown"] = "unknown"
MAX_MONEY_HKD = Decimal(100_000_000_000)  # above HK$100 billion an answer is a typo, not an income
MAX_DURATION_YEARS = 70.0
MAX_SPELLED_NUMBER = Decimal(10) ** 15  # "hundred hundred hundred ..." must not build a 6000-digit number
MAX_AMOUNT_DIGITS = 15


# ---------------------------------------------------------------- shared text helpers


def _clean(text: Any) -> str | None:
    """Folded text, every decimal digit made ASCII ("٣٢" -> "32"); None when there is nothing to read."""
    if not isinstance(text, str):
        return None
    folded = re.sub(r"\d", lambda digit: str(unicodedata.decimal(digit.group(0), 0)), lexicon.fold(text))
    return folded or None


def _never_raises(fallback: Any = None) -> Callable[[F], F]:
    """Belt and braces for the chat: a parser bug must end in a kind re-ask, not a crashed action.

    The bug is logged; tests exercise the undecorated function (``__wrapped__``) so bugs still show.
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception:
                logger.exception("%s failed on %r", function.__name__, args[:1])
                return fallback() if callable(fallback) else fallback

        return guarded  # type: ignore[return-value]

    return decorate


def _words(text: str) -> list[str]:
    """Lower-case words with apostrophes dropped ("don't" -> "dont"); punctuation splits words."""
    return re.findall(r"[\w/$]+", text.replace("'", ""))


def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """Matches any of the phrases as whole words (symbols like "$" match anywhere)."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        before = r"(?<![a-z])" if phrase[:1].isalnum() else ""
        after = r"(?![a-z])" if phrase[-1:].isalnum() else ""
        parts.append(before + escaped + after)
    return re.compile("|".join(parts))


# ---------------------------------------------------------------- numbers


@lru_cache(maxsize=1)
def _number_vocabulary() -> dict[str, Any]:
    words = lexicon.quantities()["number_words"]
    return {
        "units": {word: Decimal(value) for word, value in words["units"].items()},
        "tens": {word: Decimal(value) for word, value in words["tens"].items()},
        "hundred": set(words["hundred"]),
        "scales": {word: Decimal(value) for word, value in words["scales"].items()},
        "fractions": {word: Decimal(str(value)) for word, value in words["fractions"].items()},
        "joiners": set(words["joiners"]),
        "point": set(words["decimal_point"]),
    }


def _as_number(value: Decimal) -> float:
    """An int when whole (32, not 32.0), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def _parse_number_tokens(tokens: list[str]) -> Decimal | None:
    vocabulary = _number_vocabulary()
    tokens = [token for token in tokens if token]
    if not tokens or all(token in vocabulary["joiners"] or token in ("a", "an") for token in tokens):
        return None
    # "two and a half", "a year and a half" style endings: + 1/2.
    extra = Decimal(0)
    for ending, fraction in vocabulary["fractions"].items():
        for tail in (["and", "a", ending], ["and", "an", ending]):
            if tokens[-len(tail) :] == tail and len(tokens) > len(tail):
                tokens, extra = tokens[: -len(tail)], fraction
    # "half a million": the fraction multiplies what follows.
    factor = Decimal(1)
    if tokens[0] in vocabulary["fractions"] and len(tokens) > 1:
        factor, tokens = vocabulary["fractions"][tokens[0]], tokens[1:]
    if "point" in tokens or any(token in vocabulary["point"] for token in tokens):
        index = next(i for i, token in enumerate(tokens) if token in vocabulary["point"])
        whole = _parse_number_tokens(tokens[:index]) if index else Decimal(0)
        digits = []
        for token in tokens[index + 1 :]:
            if token in vocabulary["units"] and vocabulary["units"][token] < 10:
                digits.append(str(int(vocabulary["units"][token])))
            elif token.isdigit():
                digits.append(token)
            else:
                return None
        if whole is None or not digits:
            return None
        return (whole + Decimal("0." + "".join(digits)) + extra) * factor

    total = Decimal(0)
    current = Decimal(0)
    seen = False
    for token in tokens:
        if token in vocabulary["joiners"]:
            continue
        if token in vocabulary["units"]:
            current += vocabulary["units"][token]
        elif token in vocabulary["tens"]:
            current += vocabulary["tens"][token]
        elif re.fullmatch(r"\d+(\.\d+)?", token):
            current += Decimal(token)
        elif token in vocabulary["hundred"]:
            current = (current or Decimal(1)) * 100
        elif token in vocabulary["scales"]:
            total += (current or Decimal(1)) * vocabulary["scales"][token]
            current = Decimal(0)
        elif token in vocabulary["fractions"] and not seen:
            current += vocabulary["fractions"][token]
        else:
            return None
        seen = True
    if not seen:
        return None
    value = (total + current + extra) * factor
    return value if value <= MAX_SPELLED_NUMBER else None


@_never_raises()
def parse_number_words(text: str) -> float | None:
    """ "thirty-two" -> 32, "two and a half" -> 2.5, "one point five" -> 1.5, "a million" -> 1000000.

    Digits mixed in are fine ("2 and a half"); anything that is not a number word gives None.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    tokens = re.split(r"[\s\-–,]+", cleaned.strip(".!?"))
    value = _parse_number_tokens(tokens)
    return None if value is None else _as_number(value)


@lru_cache(maxsize=1)
def _number_word_run() -> re.Pattern[str]:
    vocabulary = _number_vocabulary()
    starters = (
        set(vocabulary["units"])
        | set(vocabulary["tens"])
        | set(vocabulary["fractions"])
        | set(vocabulary["scales"])
        | set(vocabulary["hundred"])
    ) - {"a", "an"}
    continuing = starters | {"a", "an", "and", "point"}
    first = "|".join(sorted(starters, key=len, reverse=True))
    rest = "|".join(sorted(continuing, key=len, reverse=True))
    # Optional "a"/"an" in front ("a hundred", "an eighteen"?), then number words joined by spaces/hyphens.
    return re.compile(rf"\b(?:(?:a|an)\s+)?(?:{first})(?:[\s\-]+(?:{rest}))*\b")


def _words_to_digits(text: str) -> str:
    """Replace spelled-out numbers with digits: "thirty-two years" -> "32 years"."""

    def replace(match: re.Match[str]) -> str:
        # A trailing "and"/"a" belongs to the words after it ("five years and a half").
        run = match.group(0)
        number, trailing = re.fullmatch(r"(.*?)((?:[\s\-]+(?:and|an|a))*)", run, re.DOTALL).groups()
        value = _parse_number_tokens(re.split(r"[\s\-]+", number))
        if value is None:
            return run
        return f"{_as_number(value)}{trailing}"

    return _number_word_run().sub(replace, text)


# ---------------------------------------------------------------- money


@dataclass(frozen=True)
class MoneyValue:
    """An amount converted to HKD, with the rate used so the bot can state it."""

    amount_hkd: float
    original_amount: float
    currency: str
    rate: float  # HKD per 1 unit of `currency`
    rate_date: date
    rate_source: str
    rate_status: str = "exact"
    period: str | None = None  # "month" or "year" when the applicant said so; never annualised here
    currency_assumed: bool = False  # no currency given, or a bare "$": the caller's default was used

    def rate_note(self) -> str:
        """E.g. "converted at 1 USD = 7.8 HKD (rate table of 2005-05-18)"."""
        if self.currency == "HKD":
            return "in HKD, no conversion"
        table_date = self.rate_date.isoformat()
        if self.rate_status == "pegged":  # the date is the band's, not a stale table's
            rate = f"1 {self.currency} = {self.rate:g} HKD"
            return f"converted at the linked rate of {rate} (its band set on {table_date})"
        return f"converted at 1 {self.currency} = {self.rate:g} HKD (rate table of {table_date})"


@dataclass(frozen=True)
class FxRate:
    currency: str
    hkd_per_unit: Decimal
    effective_from: date
    source: str
    status: str


@lru_cache(maxsize=1)
def load_fx_rates() -> dict[str, list[FxRate]]:
    """bot/rules/fx_rates.yaml, per currency, oldest first."""
    with lexicon.FX_RATES_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    table: dict[str, list[FxRate]] = {}
    for entry in data["rates"]:
        rate = FxRate(
            currency=entry["currency"],
            hkd_per_unit=Decimal(str(entry["hkd_per_unit"])),
            effective_from=entry["effective_from"],
            source=" ".join(str(entry["source"]).split()),
            status=entry["status"],
        )
        table.setdefault(rate.currency, []).append(rate)
    for rates in table.values():
        rates.sort(key=lambda rate: rate.effective_from)
    return table


def fx_rate(currency: str, as_of: date) -> FxRate | None:
    """The latest rate in force on `as_of`; the oldest known rate for earlier dates."""
    rates = load_fx_rates().get(currency)
    if not rates:
        return None
    in_force = [rate for rate in rates if rate.effective_from <= as_of]
    return in_force[-1] if in_force else rates[0]


@lru_cache(maxsize=1)
def _money_regexes() -> dict[str, re.Pattern[str]]:
    currencies = lexicon.currency_aliases()
    multipliers = {**lexicon.multiplier_words(), **lexicon.multiplier_suffixes()}
    periods = lexicon.money_periods()
    prefixes = "|".join(re.escape(p) for p in periods["prefixes"])

    def period_regex(kind: str) -> re.Pattern[str]:
        units = "|".join(re.escape(u) for u in periods[kind]["units"])
        adverbs = "|".join(re.escape(a) for a in sorted(periods[kind]["adverbs"], key=len, reverse=True))
        return re.compile(rf"(?:\b|/)(?:{prefixes})\s*(?:{units})s?\b|(?<![a-z])(?:{adverbs})(?![a-z])")

    multiplier_alternation = "|".join(re.escape(word) for word in sorted(multipliers, key=len, reverse=True))
    return {
        "currency": _phrase_regex(list(currencies) + lexicon.ambiguous_dollar_words()),
        "amount": re.compile(
            rf"(?P<sign>-\s*)?(?<![\d.])(?P<number>\d{{1,3}}(?:,\d{{2,3}})+|\d+)(?:\.(?P<decimals>\d+))?"
            rf"\s*(?P<multiplier>(?:{multiplier_alternation})(?![a-z]))?"
        ),
        "month": period_regex("month"),
        "year": period_regex("year"),
    }


def _amount_from_text(text: str) -> tuple[Decimal, bool] | None:
    """(amount, negative) from the first amount in the text, digits first, then spelled-out words."""
    regexes = _money_regexes()
    multipliers = {**lexicon.multiplier_words(), **lexicon.multiplier_suffixes()}
    match = regexes["amount"].search(text)
    if match:
        number = match["number"].replace(",", "")
        if len(number) > MAX_AMOUNT_DIGITS:
            return None
        amount = Decimal(f"{number}.{match['decimals']}" if match["decimals"] else number)
        if match["multiplier"]:
            amount *= multipliers[match["multiplier"]]
        negative = bool(match["sign"]) or bool(re.search(r"\b(minus|negative)\b", text))
        return amount, negative
    words = _words_to_digits(text)
    if words != text:
        return _amount_from_text(words)
    return None


@_never_raises()
def parse_money(text: str, default_currency: str = "HKD", as_of: date | None = None) -> MoneyValue | None:
    """ "HK$2.5m", "RMB 800k", "USD 150k", "2,500,000", "two million" -> MoneyValue in HKD.

    No currency (or a bare "$") means `default_currency`, flagged `currency_assumed`. "¥" is read as
    RMB (the applicants this bot serves); yen must be written "JPY" or "yen". Negative amounts, amounts
    above HK$100 billion and currencies without a rate give None.
    """
    cleaned = _clean(text)
    if cleaned is None or not isinstance(default_currency, str):
        return None
    as_of = as_of if isinstance(as_of, date) else date.today()
    found = _amount_from_text(cleaned)
    if found is None:
        return None
    amount, negative = found
    if negative or amount < 0:
        return None

    currency_match = _money_regexes()["currency"].search(cleaned)
    currency_word = currency_match.group(0) if currency_match else None
    currency = lexicon.currency_aliases().get(currency_word) if currency_word else None
    assumed = currency is None
    currency = currency or default_currency.upper()

    rate = fx_rate(currency, as_of)
    if rate is None:
        return None
    amount_hkd = amount * rate.hkd_per_unit
    if amount_hkd > MAX_MONEY_HKD:
        return None
    regexes = _money_regexes()
    period = None
    if regexes["month"].search(cleaned):
        period = "month"
    elif regexes["year"].search(cleaned):
        period = "year"
    cents = Decimal("0.01")
    return MoneyValue(
        amount_hkd=float(amount_hkd.quantize(cents, rounding=ROUND_HALF_UP)),
        original_amount=_as_number(amount.quantize(cents, rounding=ROUND_HALF_UP).normalize()),
        currency=currency,
        rate=float(rate.hkd_per_unit),
        rate_date=rate.effective_from,
        rate_source=rate.source,
        rate_status=rate.status,
        period=period,
        currency_assumed=assumed,
    )


# Currency names that are also everyday words: beside an amount they are too often not a currency.
EVERYDAY_CURRENCY_WORDS = frozenset(
    {"real", "mark", "rand", "won", "dollar", "pound", "franc", "peso", "rupee"}
)


@lru_cache(maxsize=1)
def _currencies_without_rate() -> dict[str, str]:
    """ISO 4217 codes (upper case) and the last word of their names (lower case) -> code, for every
    currency we have no rate for (pycountry's list, less the rate table and our aliases)."""
    known_words = set(lexicon.currency_aliases())
    with_rate = set(load_fx_rates())
    found: dict[str, str] = {}
    for currency in pycountry.currencies:
        code = currency.alpha_3
        if code in with_rate or code.lower() in known_words:
            continue
        found[code] = code
        word = currency.name.split()[-1].lower()
        if word not in known_words and word not in EVERYDAY_CURRENCY_WORDS:
            found.setdefault(word, code)
            found.setdefault(word + "s", code)
    return found


def currency_without_rate(word: str) -> str | None:
    """The ISO code when ``word`` names a currency we cannot convert: "KES" (written in capitals), or
    "shillings"; None otherwise. So an amount in it is not silently taken for Hong Kong dollars."""
    table = _currencies_without_rate()
    if len(word) == 3 and word.isupper():
        return table.get(word)
    return table.get(word.lower()) if not word.isupper() else None


# ---------------------------------------------------------------- age


@_never_raises()
def parse_age(text: str) -> int | None:
    """ "32", "I'm 32", "32 years old", "32yo", "age: 32", "thirty-two" -> 32.

    With several numbers, the one marked as an age wins ("I'm 32 with 8 years in banking");
    without a marker the answer must hold exactly one number. Ages outside the plausible range
    (bot/nlp/quantities.yaml) give None.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    digits = _words_to_digits(cleaned)
    cues = (
        r"(\d+(?:\.\d+)?)\s*(?:years?|yrs?|y)\.?\s*(?:old|of age)",
        r"(\d+(?:\.\d+)?)\s*(?:yo|y/o|y\.o\.?)(?![a-z])",
        r"\b(?:age|aged)\b\s*(?:is|:|=|-)?\s*(\d+(?:\.\d+)?)",
        r"\b(?:i'?m|i am|im)\s+(?:about\s+|around\s+)?(\d+(?:\.\d+)?)",
    )
    value: str | None = None
    for cue in cues:
        if match := re.search(cue, digits):
            value = match.group(1)
            break
    if value is None:
        numbers = re.findall(r"(?<![\d.,])\d+(?:\.\d+)?(?![\d,])", digits)
        if len(numbers) != 1:
            return None
        value = numbers[0]
    age = int(Decimal(value))
    limits = lexicon.quantities()["age"]
    return age if limits["minimum"] <= age <= limits["maximum"] else None


# ---------------------------------------------------------------- durations and years


@lru_cache(maxsize=1)
def _duration_regexes() -> dict[str, re.Pattern[str]]:
    quantities = lexicon.quantities()
    months = "|".join(sorted(quantities["months"], key=len, reverse=True))
    open_ends = "|".join(quantities["duration_open_ends"])
    year_units = r"(?:years?|yrs?\.?|y|年)"
    month_units = r"(?:months?|mths?|mos?|mon|个月|個月)"
    number = r"\d+(?:\.\d+)?"
    when = rf"(?:(?P<{{m}}>{months})\.?\s+)?(?P<{{y}}>(?:19|20)\d\d)"
    return {
        "since": re.compile(r"\bsince\s+" + when.format(m="month", y="year")),
        "span": re.compile(
            r"(?:\bfrom\s+|\bbetween\s+)?"
            + when.format(m="month", y="year")
            + r"\s*(?:-|–|—|to|till|until|through|and|~)\s*"
            + rf"(?:{when.format(m='end_month', y='end_year')}|(?P<open>{open_ends})\b)"
        ),
        "range": re.compile(
            rf"(?P<low>{number})\s*(?:-|–|to|or|~)\s*{number}\s*\+?\s*(?:(?P<in_months>{month_units})|{year_units})"
        ),
        "years": re.compile(rf"({number})\s*\+?\s*{year_units}(?![a-z])"),
        "months": re.compile(rf"({number})\s*\+?\s*{month_units}(?![a-z])"),
        "half": re.compile(rf"(?:\b(?:a|an|one)\s+|({number})\s*)?(year|month)s?\s+and\s+a\s+half"),
        "one": re.compile(r"\b(?:a|an|one)\s+(year|month)\b"),
        "age": re.compile(rf"{number}\s*{year_units}\.?\s*(?:old|of age)"),
    }


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@_never_raises()
def parse_years_duration(text: str, as_of: date | None = None) -> float | None:
    """ "5 yrs" -> 5, "3.5 years" -> 3.5, "six years" -> 6, "18 months" -> 1.5, "2 years 6 months" -> 2.5,
    "since 2015" -> years from 1 January 2015 (or the month given) to `as_of`, "2015-2020" -> 5,
    "5-6 years" -> 5 (the lower bound: never overstate experience), a bare "5" -> 5.

    "32 years old" is an age, not a duration: None. Negative, future or over 70 years: None.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    as_of = as_of if isinstance(as_of, date) else date.today()
    regexes = _duration_regexes()
    months_of_year = lexicon.quantities()["months"]
    text = re.sub(r"\bhalf an? (year|month)", r"0.5 \1", regexes["age"].sub(" ", cleaned))
    text = _words_to_digits(text)
    if regexes["age"].search(cleaned) and not re.search(r"\d", text):
        return None

    years: float | None = None
    if match := regexes["span"].search(text):
        start = date(int(match["year"]), months_of_year.get(match["month"] or "jan", 1), 1)
        if match["open"]:
            end = as_of
        else:
            end = date(int(match["end_year"]), months_of_year.get(match["end_month"] or "jan", 1), 1)
        years = _months_between(start, end) / 12
    elif match := regexes["since"].search(text):
        start = date(int(match["year"]), months_of_year.get(match["month"] or "jan", 1), 1)
        years = _months_between(start, as_of) / 12
    elif match := regexes["range"].search(text):
        low = float(match["low"])
        years = low / 12 if match["in_months"] else low
    elif match := regexes["half"].search(text):
        count = float(match.group(1)) if match.group(1) else 1.0
        value = count + 0.5
        years = value / 12 if match.group(2) == "month" else value
    else:
        year_parts = [float(found) for found in regexes["years"].findall(text)]
        month_parts = [float(found) for found in regexes["months"].findall(text)]
        if year_parts or month_parts:
            years = sum(year_parts) + sum(month_parts) / 12
        elif match := regexes["one"].search(text):
            years = 1.0 if match.group(1) == "year" else 1 / 12
        else:
            numbers = re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text)
            words = re.sub(r"\b(about|around|over|almost)\b", "", text)
            if len(numbers) == 1 and not re.search(r"[a-z]{3,}", words):
                years = float(numbers[0])
    if years is None or years < 0 or years > MAX_DURATION_YEARS:
        return None
    return round(years, 2)


@_never_raises()
def parse_year(text: str, as_of: date | None = None) -> int | None:
    """A calendar year, e.g. a graduation year: "graduated in 2021", "class of 2019", "2015-2019" -> 2019.

    With a graduation cue the year after it wins; a study span gives its end; otherwise the first year.
    Years before 1950 or more than a few years ahead (expected graduation) give None.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    as_of = as_of if isinstance(as_of, date) else date.today()
    settings = lexicon.quantities()["year"]
    found = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", cleaned)
    if not found:
        return None
    cue = re.search(
        r"(?:graduat\w*|grad|class of|batch of|passed out|completed|finished)\D{0,30}?((?:19|20)\d\d)(?!\d)",
        cleaned,
    )
    study_span = re.search(r"(?<!\d)(?:19|20)\d\d\s*(?:-|–|to)\s*((?:19|20)\d\d)(?!\d)", cleaned)
    if cue:
        year = int(cue.group(1))
    elif study_span:
        year = int(study_span.group(1))
    else:
        year = int(found[0])
    if not settings["earliest"] <= year <= as_of.year + settings["future_margin"]:
        return None
    return year


# ---------------------------------------------------------------- countries, languages, degrees


def _alias_index(aliases: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    folded = {lexicon.fold(alias): value for alias, value in aliases.items() if alias.strip()}
    return _phrase_regex(list(folded)), folded


@lru_cache(maxsize=1)
def _country_index() -> tuple[re.Pattern[str], dict[str, str]]:
    return _alias_index(lexicon.country_aliases())


def _first_match(index: tuple[re.Pattern[str], dict[str, str]], text: str) -> str | None:
    pattern, values = index
    match = pattern.search(text)
    return values[match.group(0)] if match else None


@_never_raises()
def parse_country(text: str) -> str | None:
    """Country, nationality or demonym -> ISO 3166 alpha-2: "Indian" -> "IN",
    "PRC" / "mainland China" -> "CN", "HK" -> "HK", "UK" -> "GB".

    The first country mentioned wins. Names that are ordinary words in lower case ("US", "Jordan") count
    only when written with capitals; a three-letter ISO code on its own ("IND") counts.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    exact = text.strip()
    found: list[tuple[int, str]] = []
    for name, alpha_2 in lexicon.case_sensitive_country_aliases().items():
        if match := re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", exact):
            found.append((match.start(), alpha_2))
    pattern, values = _country_index()
    if match := pattern.search(cleaned):
        # Folding may shift positions slightly; good enough to order two mentions in one answer.
        found.append((match.start(), values[match.group(0)]))
    if found:
        return min(found)[1]
    if re.fullmatch(r"[A-Z]{3}", exact):
        country = pycountry.countries.get(alpha_3=exact)
        return country.alpha_2 if country else None
    return None


@lru_cache(maxsize=1)
def _language_index() -> tuple[re.Pattern[str], dict[str, str]]:
    return _alias_index(lexicon.language_aliases())


@_never_raises(fallback=list)
def parse_languages(text: str) -> list[str]:
    """Every language mentioned, in order, no repeats: "English and Putonghua" -> ["english", "mandarin"]."""
    cleaned = _clean(text)
    if cleaned is None:
        return []
    pattern, values = _language_index()
    found: list[str] = []
    for match in pattern.finditer(cleaned):
        if values[match.group(0)] not in found:
            found.append(values[match.group(0)])
    return found


@_never_raises()
def parse_language(text: str) -> str | None:
    """The first language mentioned, canonical lower-case name: "Putonghua" -> "mandarin"."""
    languages = parse_languages(text)
    return languages[0] if languages else None


@lru_cache(maxsize=1)
def _degree_index() -> tuple[re.Pattern[str], dict[str, str]]:
    return _alias_index(lexicon.degree_aliases())


_NEGATION = re.compile(
    r"(?:\bno|\bnot|\bnever|\bwithout|\bdont have|\bdon't have|\bhavent|\bhaven't)\W+(?:\w+\W+)?$"
)


def negated_before(text: str) -> bool:
    """Whether the words just before a mention deny it: "I don't have a", "no", "not a"."""
    return _NEGATION.search(text.lower().replace("’", "'")) is not None


@_never_raises()
def parse_degree_level(text: str) -> str | None:
    """Highest qualification mentioned -> "none" | "sub_degree" | "bachelor" | "master" | "doctorate".

    "bachelor's and MBA" -> "master"; a negated mention ("no master's yet, just a BSc") does not count.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    pattern, values = _degree_index()
    levels = [
        values[match.group(0)]
        for match in pattern.finditer(cleaned)
        if values[match.group(0)] == "none" or not _NEGATION.search(cleaned[: match.start()])
    ]
    exact = text.strip()
    for name, level in lexicon.case_sensitive_degree_aliases().items():
        if re.search(rf"(?<![A-Za-z.]){re.escape(name)}(?![A-Za-z])", exact) or cleaned == name.lower():
            levels.append(level)
    if not levels:
        if re.search(r"\bno\b.*\b(degree|university|uni|college)\b", cleaned):
            return "none"
        return None
    return max(levels, key=lexicon.DEGREE_LEVELS.index)


# ---------------------------------------------------------------- yes / no / skip


def _answer_phrases(kind: str) -> list[str]:
    return [" ".join(_words(lexicon.fold(phrase))) for phrase in lexicon.answers()[kind]]


@_never_raises()
def parse_skip(text: str) -> Literal["unknown"] | None:
    """ "I'd rather not say", "skip", "not sure", "don't know", "idk" -> "unknown"; anything else None.

    The skip phrase must be the whole answer give or take filler words: "I don't know Cantonese" is an
    answer about Cantonese, not a skip.
    """
    cleaned = _clean(text)
    if cleaned is None:
        return None
    words = " ".join(_words(cleaned))
    fillers = set(lexicon.answers()["skip_fillers"])
    for phrase in sorted(_answer_phrases("skip"), key=len, reverse=True):
        if phrase and re.search(rf"(?<!\S){re.escape(phrase)}(?!\S)", words):
            rest = re.sub(rf"(?<!\S){re.escape(phrase)}(?!\S)", " ", words).split()
            if all(word in fillers for word in rest):
                return UNKNOWN
    return None


@_never_raises()
def parse_yes_no(text: str) -> bool | None:
    """ "yes" / "yeah" / "yep" / "sure" -> True; "no" / "nope" / "nah" / "not really" -> False.

    The answer's opening decides ("no, never had one" -> False; "yes, no problem" -> True); "not sure" is
    a skip (None); without an opening, a single polarity mentioned anywhere decides, both give None.
    """
    cleaned = _clean(text)
    if cleaned is None or parse_skip(cleaned) is not None:
        return None
    words = " ".join(_words(cleaned))
    yes, no = _answer_phrases("affirmative"), _answer_phrases("negative")

    def opens_with(phrases: list[str]) -> int:
        return max((len(p) for p in phrases if p and (words == p or words.startswith(p + " "))), default=0)

    yes_length, no_length = opens_with(yes), opens_with(no)
    if yes_length != no_length:
        # The longer opening phrase decides: "i do not" (no) beats "i do" (yes).
        return yes_length > no_length

    def mentions(phrases: list[str]) -> bool:
        return any(p and re.search(rf"(?<!\S){re.escape(p)}(?!\S)", words) for p in phrases)

    has_yes, has_no = mentions(yes), mentions(no)
    if has_yes != has_no:
        return has_yes
    return None
