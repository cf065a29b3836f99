"""From one user message to answers for the interview: every slot the message mentions.

"I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD" fills age,
nationality, degree level, postgraduate university, work experience and income at once. The entities
come from the project's spaCy pipeline; each is read with the typed parsers of ``bot.normalise``.
The question being asked breaks ties: "5 years" answers the years question that was asked.

Pure functions: no Rasa, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import normalise
from bot.conversation.interview import SKIPPED, Question, question_for_field, questions, statements
from bot.conversation.presenting import texts
from bot.nlp import lexicon
from bot.nlp.lexicon import country_demonyms
from bot.profile import DEGREE_LEVELS
from bot.universities import is_ugc_funded, looks_like_branch, match_university, official_list_url

# Amounts that are not the applicant's income last year, by the words beside them (TTPS counts pay and
# business profit, never returns on one's own investments: S6 note 1)
NOT_INCOME_CUES = {
    "not_yours": ("family", "parents", "father", "mother", "dad", "mom", "mum", "husband", "wife", "spouse"),
    "investment_returns": ("dividend", "dividends", "investment return", "investment returns",
                           "investment income", "interest", "rental", "rent", "capital gain", "capital gains",
                           "passive income"),
    "job_offer": ("offer", "offered", "will pay", "would pay", "will earn", "would earn", "new job"),
}  # fmt: skip
INCOME_CUES = ("salary", "salaries", "bonus", "bonuses", "pay", "paid", "wage", "wages", "income", "earn",
               "earned", "earning", "earnings", "commission", "allowance", "stock options", "rsu", "rsus",
               "package", "compensation")  # fmt: skip
TOTAL_CUES = ("total", "altogether", "in all", "overall", "combined")
# Where one amount's words end and the next one's begin
AMOUNT_BREAK = re.compile(r"[,;.]|\band\b|\bplus\b|\bwith\b|\bbut\b|\bwhile\b")
# Words around an amount or a duration that say which answer it is (lower case, matched as words).
MONEY_CUES = {
    "net_assets_hkd": ("asset", "assets", "net worth", "wealth", "invest", "investment", "savings"),
    "business_profit_hkd": ("profit", "profits", "my company made", "business made"),
}
DURATION_CUES = {
    "multinational_years": ("multinational", "mnc", "fortune", "forbes", "listed company", "big company"),
    "international_years": ("international", "abroad", "overseas", "across countries"),
    "specified_field_years": ("innovation and technology", "fintech", "international trade"),
    "work_experience_last_5_years": ("last 5 years", "last five years", "past 5 years", "past five years"),
}
# A language known only in part: the QMAS points ask for good written *and* spoken ("Cantonese, speaking
# ok but can't write much" counted as good Chinese)
PARTLY_CUES = ("can't write", "cannot write", "can not write", "can't read", "cannot read", "don't write",
               "speaking only", "speak only", "only speak", "spoken only", "only spoken", "a little",
               "basic", "not fluent", "not good", "not well", "poor")  # fmt: skip
LANGUAGE_BREAK = re.compile(r"[,;.]|\band\b")
# "Norwegian", "Vietnamese", "Chinese" name a language and a nationality; without words like these
# in the same clause they are read as a nationality.
LANGUAGE_CUES = (
    "speak",
    "spoken",
    "fluent",
    "language",
    "languages",
    "write",
    "written",
    "native",
    "mother tongue",
    # how well: "english good", "my french is basic"
    "good",
    "well",
    "basic",
    "ok",
    "okay",
    "ielts",
    "toefl",
)
# A country's *name* is a nationality only with one of these right beside it ("from India", "UK
# passport"); a demonym ("Indian") always is. So "3 years in Hong Kong" or "an offer from a HK bank"
# say nothing about nationality.
NATIONALITY_BEFORE = ("from", "frm", "nationality", "nationality is", "citizen of", "national of")
# A place, not a nationality, even for a demonym-like name: "6 years in Saudi", "worked at Swiss Re"
PLACE_BEFORE = ("in", "at", "to", "into", "near")
NATIONALITY_AFTER = (
    "citizen",
    "citizens",
    "citizenship",
    "passport",
    "passport holder",
    "national",
    "nationality",
)
RESIDENCE_CUES = ("live in", "living in", "based in", "reside in", "residing in", "i stay in")
GRADUATION_CUES = ("graduat", "class of", "finished my", "completed my")
DEMONYMS = {demonym.lower() for demonym in country_demonyms()} | {"prc", "mainland"}
CHINESE_LANGUAGES = {"chinese", "mandarin", "cantonese", "putonghua"}
# Up to three words after a university's name, as in "..., Shenzhen" or "(Shenzhen campus)"
CAMPUS_AFTER_A_NAME = re.compile(r"[\s,(\-–]+((?:[^\W\d_]+\s?){1,3})\)?")
# After a degree, words that make it part of an answer's name ("bachelor's university", "master's year")
DEGREE_NAMING_AN_ANSWER = re.compile(
    r"\s*(?:degree\s+)?(?:university|uni|school|college|institution|graduation|year|subject)\b", re.IGNORECASE
)
# "no income", "didn't earn anything", "I was a student, nothing": an amount of nothing, in words
NO_INCOME = re.compile(
    r"\b(?:no (?:income|salary|pay|earnings|profit)|(?:didn'?t|did not) earn|nothing|unemployed)\b"
)
# A message that opens like this and ends with "?" asks; its values are not the user's answers
ASKS = re.compile(
    r"(?:does|do|did|is|are|am|can|could|will|would|should|may|how|what|which|when|where|why|who)\b",
    re.IGNORECASE,
)
NONE_WORDS = {"none", "zero", "no", "nope", "nil", "nothing", "0", "not any", "never"}
GBA_CUES = ("gba", "greater bay", "campus", "shenzhen", "zhuhai", "guangzhou", "dongguan", "foshan")
LOCAL_CUES = ("full time", "full-time", "fulltime", "in hong kong", "in hk", "local")
PROGRAMMES = ("full_time_local", "gba_campus")
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


@dataclass
class Understood:
    """Slot values read from one message, and notes to tell the user how we read them."""

    answers: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # A note already says why an answer given could not be used ("I can't convert KES"): a re-ask
    # should not add "I didn't catch an amount" on top of it.
    explained: bool = False

    def set(self, field_path: str, value: Any, note: str | None = None) -> None:
        question = question_for_field(field_path)
        if question is None or value is None:
            return
        self.answers[question.slot] = value
        if note and note not in self.notes:
            self.notes.append(note)


def _has_cue(text: str, cues: Iterable[str]) -> bool:
    return any(re.search(r"\b" + re.escape(cue), text) for cue in cues)


def _clause_before(text: str, start: int) -> str:
    """The words of the same clause before position ``start`` (a clause ends at , ; . or "and")."""
    head = text[:start].lower()
    return re.split(r"[,;.]|\band\b", head)[-1]


def _span(entity: Mapping[str, Any]) -> tuple[int, int]:
    return int(entity.get("start") or 0), int(entity.get("end") or 0)


def _partly_known(text: str) -> list[tuple[int, int]]:
    """The stretches of a message (between commas and "and"s) that qualify a language as known in part:
    "a little Cantonese", "Cantonese speaking ok but can't write much"."""
    stretches, start = [], 0
    for piece in [*LANGUAGE_BREAK.finditer(text), None]:
        end = piece.start() if piece else len(text)
        if _has_cue(text[start:end].lower(), PARTLY_CUES):
            stretches.append((start, end))
        start = piece.end() if piece else end
    return stretches


def _well_known(text: str) -> str:
    """The message without its stretches about languages known in part."""
    kept, position = [], 0
    for start, end in _partly_known(text):
        kept.append(text[position:start])
        position = end
    return " ".join([*kept, text[position:]])


def _clause_around(text: str, start: int, end: int) -> str:
    pieces = re.split(r"[,;.]", text.lower())
    position = 0
    for piece in pieces:
        if position <= start <= position + len(piece):
            return piece
        position += len(piece) + 1
    return text[start:end].lower()


def _money_note(value: normalise.MoneyValue) -> str | None:
    if value.currency != "HKD":
        approx = " (an approximate rate)" if value.rate_status != "exact" else ""
        return (
            f"I read {value.original_amount:,.0f} {value.currency} as about HK${value.amount_hkd:,.0f}, "
            f"{value.rate_note()}{approx}."
        )
    if value.currency_assumed and "$" in str(value.original_amount):
        return "I took the amount to be in Hong Kong dollars."
    return None


WORD = re.compile(r"[^\W\d_]+")  # a run of letters, in any script


def _cannot_convert(words: Iterable[str], result: Understood) -> bool:
    """Whether one of these words names a currency we have no rate for ("KES 6m"): then the amount is
    not used, rather than silently read as Hong Kong dollars, and the user is told why."""
    for word in words:
        if normalise.currency_without_rate(word):
            convertible = ", ".join(sorted(normalise.load_fx_rates()))
            note = texts()["unknown_currency"].format(currency=word, currencies=convertible)
            if note not in result.notes:
                result.notes.append(note)
            result.explained = True
            return True
    return False


def _own_words(text: str, start: int, end: int, previous_end: int, next_start: int) -> str:
    """The words that go with one amount: back to the last break before it, on to the first after it
    ("€300k salary plus €50k bonus": "salary" is the first amount's, "bonus" the second's)."""
    before = AMOUNT_BREAK.split(text[previous_end:start].lower())[-1]
    after = AMOUNT_BREAK.split(text[end:next_start].lower())[0]
    return f"{before} {after}"


def _read_amounts(
    amounts: list[Mapping[str, Any]], text: str, asked: Question | None, as_of: dt.date, result: Understood
) -> None:
    """Every amount of a message, together: each is what the words beside it say (profit, assets, pay);
    one that is not the applicant's income (a family's money, investment returns, a job offer's pay) is
    left out and said so; pay in parts ("salary plus bonus") is added up, unless a total is given."""
    income: list[normalise.MoneyValue] = []
    total: normalise.MoneyValue | None = None
    for i, entity in enumerate(amounts):
        start, end = _span(entity)
        money = normalise.parse_money(str(entity.get("value", "")), as_of=as_of)
        if money is None:
            continue
        if money.currency_assumed:  # a currency we cannot convert, right beside it ("KES 6m")?
            beside = WORD.findall(text[:start])[-1:] + WORD.findall(text[end:])[:1]
            if _cannot_convert(beside, result):
                continue
        previous_end = _span(amounts[i - 1])[1] if i else 0
        next_start = _span(amounts[i + 1])[0] if i + 1 < len(amounts) else len(text)
        words = _own_words(text, start, end, previous_end, next_start)
        left_out = next((kind for kind, cues in NOT_INCOME_CUES.items() if _has_cue(words, cues)), None)
        if left_out:
            result.notes.append(texts()["amounts"][left_out].format(amount=_hkd(money)))
            continue
        cued = next((f for f, cues in MONEY_CUES.items() if _has_cue(words, cues)), None)
        if cued is None and not _has_cue(words, INCOME_CUES):
            cued = next(
                (f for f, cues in MONEY_CUES.items() if _has_cue(_clause_around(text, start, end), cues)),
                None,
            )
        if cued:
            _set_money(result, cued, money)
        elif _has_cue(words, TOTAL_CUES):
            total = total or money
        elif _has_cue(words, INCOME_CUES) or asked is None or asked.kind != "money":
            income.append(money)
        else:
            _set_money(result, asked.field, money)  # a bare amount answers the amount asked
    if total is not None or len(income) == 1:
        _set_money(result, "annual_income_hkd", total or income[0])
    elif income:
        yearly = [m.amount_hkd * (12 if m.period == "month" else 1) for m in income]
        parts = " + ".join(_hkd(m) for m in income)
        for m in income:
            if (note := _money_note(m)) and note not in result.notes:
                result.notes.append(note)
        result.set(
            "annual_income_hkd",
            sum(yearly),
            texts()["amounts"]["added_up"].format(parts=parts, total=sum(yearly)),
        )


def _hkd(money: normalise.MoneyValue) -> str:
    per = {"month": " a month", "year": " a year"}.get(money.period or "", "")
    return f"HK${money.amount_hkd:,.0f}{per}"


def _set_money(result: Understood, field_path: str, value: normalise.MoneyValue) -> None:
    """An amount in HKD. Income is asked per year, so a monthly figure counts twelve times, and we say so."""
    result.set(field_path, value.amount_hkd, _money_note(value))
    if field_path == "annual_income_hkd" and value.period == "month":
        yearly = value.amount_hkd * 12
        result.set(
            field_path, yearly, f"I counted 12 months of HK${value.amount_hkd:,.0f}: HK${yearly:,.0f} a year."
        )


def _institution(text: str) -> tuple[str | None, str | None]:
    """The official name when we recognise the university, otherwise the name as given (trimmed), with a
    note saying we could not check it (and which university it may be)."""
    cleaned = " ".join(text.split()).strip(" .,!?")
    if not cleaned or len(cleaned) > 150 or normalise.parse_yes_no(cleaned) is not None:
        return None, None
    match = match_university(cleaned)
    if match.university:
        return match.university.name, None
    if match.method == "branch":
        return cleaned, texts()["university_branch"].format(query=cleaned)
    if match.suggestion:
        return cleaned, texts()["university_suggestion"].format(query=cleaned, name=match.suggestion.name)
    return cleaned, texts()["university_unknown"].format(query=cleaned, url=official_list_url())


def parse_month(text: str, as_of: dt.date) -> str | None:
    """ "June 2025", "06/2025", "2025-06-30", "30 June 2025" -> an ISO date. A month alone is read as its
    first day; a day given is kept (IANG's six months count from it)."""
    lowered = text.lower()
    iso = re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", lowered)
    if iso:
        try:
            return dt.date.fromisoformat(iso.group()).isoformat()
        except ValueError:
            return None
    year_match = re.search(r"\b(19|20)\d\d\b", lowered)
    numeric = re.search(r"\b(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)\b", lowered)
    month = None
    if numeric:
        month, year = int(numeric.group(1)), int(numeric.group(2))
    elif year_match:
        year = int(year_match.group())
        month = next((MONTHS[w] for w in re.findall(r"[a-z]+", lowered) if w in MONTHS), None)
    if not month or not 1 <= month <= 12 or not 1950 <= year <= as_of.year + 6:
        return None
    # A day beside the month's name: "30 June", "30th of June", "June 30"
    names = "|".join(sorted(MONTHS, key=len, reverse=True))
    day = (
        None
        if numeric
        else re.search(
            rf"\b([0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{names})\b|\b(?:{names})\s+([0-3]?\d)(?:st|nd|rd|th)?\b(?!\d)",
            lowered,
        )
    )
    day_numeric = re.search(r"\b([0-3]?\d)\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)\b", lowered)
    if day_numeric:  # 30/06/2026, day first as in Hong Kong
        day, month = day_numeric, int(day_numeric.group(2))
    try:
        return dt.date(year, month, int(next(g for g in day.groups() if g)) if day else 1).isoformat()
    except ValueError:  # "31 June"
        return dt.date(year, month, 1).isoformat()


def _programme(text: str) -> str | None:
    lowered = text.lower().strip()
    if lowered in PROGRAMMES:
        return lowered
    if _has_cue(lowered, GBA_CUES):
        return "gba_campus"
    if _has_cue(lowered, LOCAL_CUES):
        return "full_time_local"
    return None


def _languages(found: Iterable[str], result: Understood, complete: bool) -> None:
    """A list of languages. When it answers our question, languages not named are ones the user lacks."""
    names = {name.lower() for name in found}
    if not names:  # naming none is no answer ("actually, it was Manchester"); a plain "no" is read before
        return
    if "english" in names or complete:
        result.set("languages.english", "english" in names)
    if names & CHINESE_LANGUAGES or complete:
        result.set("languages.chinese", bool(names & CHINESE_LANGUAGES))
    others = sorted(names - CHINESE_LANGUAGES - {"english"})
    if others or complete:
        result.set("languages.other", others)


def _read_entity(
    entity: Mapping[str, Any],
    text: str,
    asked: Question | None,
    as_of: dt.date,
    result: Understood,
    degrees_seen: list[tuple[int, str, bool]],  # (where, level, whether it states the highest degree)
) -> None:
    label, value = entity.get("entity"), str(entity.get("value", ""))
    start, end = int(entity.get("start") or 0), int(entity.get("end") or 0)
    asked_kind = asked.kind if asked else None
    context = _clause_around(text, start, end)

    if label == "age":
        result.set("age", normalise.parse_age(value))
    elif label == "country":
        country = normalise.parse_country(value)
        if country and _has_cue(_clause_before(text, start), RESIDENCE_CUES):
            result.set("mainland_resident", country == "CN")
        elif asked_kind == "country" or _names_a_nationality(text, start, end, value):
            result.set("nationality", country)
    elif label == "degree":
        level = normalise.parse_degree_level(value)
        if level and normalise.negated_before(text[:start]):  # "I don't have a master's!"
            return
        if level:
            # "my bachelor's university" names an answer; it does not say the highest degree is a bachelor's
            states_level = DEGREE_NAMING_AN_ANSWER.match(text, end) is None
            degrees_seen.append((start, level, states_level))
    elif label == "university":
        # "The Chinese University of Hong Kong, Shenzhen" is the branch, not the university it names
        campus = CAMPUS_AFTER_A_NAME.match(text, end)
        name, note = _institution(
            value + campus.group(0) if campus and looks_like_branch(campus.group(1)) else value
        )
        preceding = [level for position, level, _ in degrees_seen if position < start]
        level = preceding[-1] if preceding else None
        if asked_kind == "institution" and level is None:
            result.set(asked.field, name, note)
        elif level in ("master", "doctorate"):
            result.set("postgraduate_institution", name, note)
        elif level == "bachelor":
            result.set("bachelor_institution", name, note)
    elif label == "duration":
        years = normalise.parse_years_duration(value, as_of)
        cued = next((f for f, cues in DURATION_CUES.items() if _has_cue(context, cues)), None)
        if asked_kind == "years" and cued is None:
            result.set(asked.field, years)
        elif asked_kind == "age" and cued is None:  # "32 years" answers "how old are you?"
            result.set("age", normalise.parse_age(value))
        else:
            result.set(cued or "work_experience_years", years)
    elif label == "year":
        year = normalise.parse_year(value, as_of)
        if asked and asked.field == "hk_study.graduation_date":
            result.set(asked.field, parse_month(text, as_of))
        elif asked and asked.field == "bachelor_graduation_year":
            result.set(asked.field, year)
        elif _has_cue(value.lower() + " " + context, GRADUATION_CUES):
            preceding = [level for position, level, _ in degrees_seen if position < start]
            if not preceding or preceding[-1] == "bachelor":
                result.set("bachelor_graduation_year", year)
    elif label == "hk_programme":
        result.set("hk_study.programme", _programme(value))


def yes_or_no(text: str, intent: str | None) -> bool | None:
    """A yes or a no. A button sends its intent ("/affirm"); typed text must itself read as yes or no,
    because the classifier also files unclear words ("blah") under "deny"."""
    typed = normalise.parse_yes_no(text)
    if typed is not None:
        return typed
    if text.strip().startswith("/") and intent in ("affirm", "deny"):
        return intent == "affirm"
    return None


def _names_a_nationality(text: str, start: int, end: int, value: str) -> bool:
    words = value.lower().split()
    place = re.findall(r"[a-z']+", text[:start].lower())[-1:]
    if place and place[0] in PLACE_BEFORE:
        return False
    if any(word in DEMONYMS for word in words) or any(cue in words for cue in NATIONALITY_AFTER):
        return True
    before = " ".join(re.findall(r"[a-z']+", text[:start].lower())[-2:])
    after = " ".join(re.findall(r"[a-z']+", text[end:].lower())[:2])
    return before.endswith(NATIONALITY_BEFORE) or after.startswith(NATIONALITY_AFTER)


def _read_whole_answer(
    text: str, intent: str | None, asked: Question, as_of: dt.date, result: Understood
) -> None:
    """The message as a plain answer to the question asked: "32", "yes", "UK", "none"."""
    kind, lowered = asked.kind, text.lower().strip(" .!?")
    answer = yes_or_no(text, intent)
    said_yes, said_no = answer is True, answer is False
    if kind == "yes_no":
        if said_yes or said_no:
            result.set(asked.field, said_yes)
            return
        for value, phrases in sorted(asked.replies):  # "false" first: "not stem" holds "stem"
            if any(re.fullmatch(re.escape(phrase), lowered) for phrase in phrases):
                result.set(asked.field, value)
                return
    elif kind == "age":
        result.set("age", normalise.parse_age(text))
    elif kind == "years":
        if said_no or lowered in NONE_WORDS:
            result.set(asked.field, 0)
        else:
            result.set(asked.field, normalise.parse_years_duration(text, as_of))
    elif kind == "money":
        nothing = said_no or lowered in NONE_WORDS or NO_INCOME.search(lowered) is not None
        if nothing and asked.no_means is not None and not normalise.parse_money(text, as_of=as_of):
            result.set(asked.field, asked.no_means)
            return
        money = normalise.parse_money(text, as_of=as_of)
        if money is not None and not (money.currency_assumed and _cannot_convert(WORD.findall(text), result)):
            _set_money(result, asked.field, money)
    elif kind == "country":
        result.set(asked.field, normalise.parse_country(text))
    elif kind == "degree_level":
        result.set(asked.field, normalise.parse_degree_level(text))
    elif kind == "institution" and not result.answers:  # "6 years, USD 45k" is not a university's name
        result.set(asked.field, *_institution(text))
    elif kind == "year":
        result.set(asked.field, normalise.parse_year(text, as_of))
    elif kind == "month":
        result.set(asked.field, parse_month(text, as_of))
    elif kind == "hk_programme":
        result.set(asked.field, _programme(text))
    elif kind == "languages":
        if said_no and not normalise.parse_languages(text):
            if asked.field == "languages.other":
                result.set(asked.field, [])
            else:
                result.set(asked.field, False)
        else:
            languages = normalise.parse_languages(_well_known(text))
            complete = asked.field == "languages.english"
            if not languages and complete and normalise.parse_languages(text):  # "only a little English"
                for field_path, none in (("english", False), ("chinese", False), ("other", [])):
                    result.set(f"languages.{field_path}", none)
            _languages(languages, result, complete=complete)


# Words that may stand around a bare value ("about 10 years", "i'm from Germany", "only high school").
_AROUND_A_VALUE = frozenset({
    "about", "around", "approx", "approximately", "roughly", "maybe", "probably", "just", "only", "almost",
    "nearly", "over", "under", "i", "i'm", "im", "am", "my", "is", "it's", "its", "from", "in", "at", "a",
    "an", "the", "ok", "okay", "um", "uh", "hmm",
})  # fmt: skip
_NOTHING = frozenset({"zero", "none", "nothing", "nil"})
_NUMBER = re.compile(r"^[~≈]?\d+(?:[.,]\d+)*\+?$")


def is_bare_answer(text: str, entities: Iterable[Mapping[str, Any]], asked_kind: str | None = None) -> bool:
    """Whether the message is nothing but values: the spans the pipeline found, numbers, punctuation and
    a few filler words ("Germany", "28", "about 10 years", "HK$2.5m", "only high school"). Such a
    message can only be an answer, whatever intent the classifier gave it."""
    covered = [(int(e.get("start") or 0), int(e.get("end") or 0)) for e in entities]
    rest = "".join(
        " " if any(start <= i < end for start, end in covered) else character
        for i, character in enumerate(text or "")
    )
    words = [w.strip(".,!?;:()'\"") for w in rest.lower().split()]
    words = [w for w in words if w]
    # At an amount question "zero", "none" or "nothing" is an amount (read as out of scope, it looped)
    nothing = _NOTHING if asked_kind == "money" else frozenset()
    loose = [w for w in words if w not in _AROUND_A_VALUE and not _NUMBER.match(w) and w not in nothing]
    has_value = bool(covered) or any(_NUMBER.match(w) or w in nothing for w in words)
    return has_value and not loose


def understand(
    text: str,
    entities: Iterable[Mapping[str, Any]] = (),
    asked: Question | None = None,
    intent: str | None = None,
    as_of: dt.date | None = None,
    pieces_read_apart: bool = False,
) -> Understood:
    """Every answer in one message. ``asked`` is the question the user is answering, if any: a message
    that names nothing is read as a plain answer to it ("32", "none"). With ``pieces_read_apart`` the
    caller reads the bare pieces of the message itself (``understand_together``): no plain answer, and
    no bare number taken for an age."""
    as_of = as_of or dt.date.today()
    text = text or ""
    result = Understood()
    if asked and (intent == "skip" or normalise.parse_skip(text)):
        result.answers[asked.slot] = SKIPPED
        return result
    if intent != "what_if" and ASKS.match(text.strip()) and text.strip().endswith("?"):
        # "Does property count toward the 30 million?" states nothing: it overwrote the net assets
        return result

    degrees_seen: list[tuple[int, str, bool]] = []
    entities = sorted(entities, key=lambda e: int(e.get("start") or 0))
    ordered = [
        _as_country_if_meant(e, text, asked, entities) for e in entities if not _pay_period(e, text, entities)
    ]
    for entity in ordered:
        _read_entity(entity, text, asked, as_of, result, degrees_seen)
    _read_amounts([e for e in ordered if e.get("entity") == "money"], text, asked, as_of, result)
    stated = [level for _, level, states_level in degrees_seen if states_level]
    if stated:
        result.set("degree_level", max(stated, key=DEGREE_LEVELS.index))
    partly = _partly_known(text)
    languages = [
        e.get("value", "")
        for e in ordered
        if e.get("entity") == "language" and not any(s <= _span(e)[0] < end for s, end in partly)
    ]
    if languages:
        answering_languages = asked is not None and asked.field == "languages.english"
        _languages(normalise.parse_languages(" ".join(languages)), result, complete=answering_languages)

    _read_statements(text, result)
    if not pieces_read_apart:
        _read_listed_age(text, ordered, result)
    _read_hong_kong_study(text, ordered, result, as_of)
    if not pieces_read_apart and asked and asked.slot not in result.answers:
        _read_whole_answer(text, intent, asked, as_of, result)
    return result


# Where one answer ends and the next begins in a reply to questions asked together: "British, 41".
ANSWER_SEPARATORS = re.compile(r"[^,;/\n]+")
# A university's name accepts almost any words: it is tried last, and only on a piece no entity touches.
CATCH_ALL_KINDS = ("institution",)


SCHOOL_WORDS = ("university", "univ", "uni", "college", "institute", "polytechnic", "school", "academy")


def _names_a_school(words: str) -> bool:
    """Words beside a year that still name a school: "University of Lagos" in "University of Lagos 2018"."""
    return _has_cue(words.lower(), SCHOOL_WORDS)


def understand_together(
    text: str,
    entities: Iterable[Mapping[str, Any]],
    members: Iterable[Question],
    intent: str | None = None,
    as_of: dt.date | None = None,
) -> Understood:
    """A reply to several questions asked at once ("what's your nationality, and how old are you?").

    Everything the message mentions is read as usual; each question asked then takes what its entities
    say in reply to it ("Manchester, 2006" answers the university and the graduation year), and bare
    pieces between commas that no entity covers ("British, 41") answer the questions left, in the
    order asked, the strictest reading first. A question the reply does not answer stays unanswered, so
    it is asked on its own next.
    """
    as_of = as_of or dt.date.today()
    members = list(members)
    entities = list(entities)
    result = Understood()
    if intent == "skip" or normalise.parse_skip(text):
        result.answers.update({member.slot: SKIPPED for member in members})
        return result
    result = understand(text, entities, None, intent, as_of, pieces_read_apart=True)
    replies = [
        understand(text, entities, member, intent, as_of, pieces_read_apart=True) for member in members
    ]
    asked_slots = {member.slot for member in members}
    for slot in list(result.answers):
        # Read in reply to a question asked, some words answer it instead ("32 years" is an age when
        # asked how old): drop the reading as something else.
        if slot not in asked_slots and any(slot not in reply.answers for reply in replies):
            del result.answers[slot]
    for member, reply in zip(members, replies, strict=True):
        if member.slot in reply.answers:
            # With it, the other answers its kind fills: "English" in reply to the languages question
            # also says "no Chinese".
            for question in questions():
                if question.kind == member.kind and question.slot in reply.answers:
                    result.answers[question.slot] = reply.answers[question.slot]
            result.notes.extend(note for note in reply.notes if note not in result.notes)
    covered = [(int(e.get("start") or 0), int(e.get("end") or 0)) for e in entities]
    for piece in ANSWER_SEPARATORS.finditer(text):
        overlaps = [(s, e) for s, e in covered if s < piece.end() and piece.start() < e]
        bare = piece.group()
        for s, e in overlaps:  # "UK 41": what no entity took ("41") may still answer a question
            bare = bare[: max(s - piece.start(), 0)] + " " * (e - s) + bare[e - piece.start() :]
        if not bare.strip():
            continue
        left = [m for m in members if m.slot not in result.answers]
        # A university's name accepts any words, so it takes only a piece that is wholly bare, or words
        # that say they are a school's.
        left = [m for m in left if not (overlaps and m.kind in CATCH_ALL_KINDS and not _names_a_school(bare))]
        for member in sorted(left, key=lambda m: m.kind in CATCH_ALL_KINDS):
            reading = Understood()
            _read_whole_answer(bare, None, member, as_of, reading)
            if member.slot in reading.answers:
                result.answers[member.slot] = reading.answers[member.slot]
                result.notes.extend(note for note in reading.notes if note not in result.notes)
                break
    return result


# A two-digit number standing alone between commas in a list of details: "British, 52, LSE bachelor's".
LISTED_NUMBER = re.compile(r"(?:^|[,;])\s*(\d{2})\s*(?=[,;]|$)")


def _read_listed_age(text: str, entities: Iterable[Mapping[str, Any]], result: Understood) -> None:
    """An age given bare in a list of details. Only when the message gave other details too (so it is
    such a list), exactly one number stands alone, and no entity covers it; the age is confirmed back."""
    if "age" in result.answers or not result.answers:
        return
    spans = [(int(e.get("start") or 0), int(e.get("end") or 0)) for e in entities]
    alone = [
        m for m in LISTED_NUMBER.finditer(text)
        if not any(start < m.end(1) and m.start(1) < end for start, end in spans)
    ]  # fmt: skip
    if len(alone) == 1:
        age = normalise.parse_age(alone[0].group(1))
        if age is not None:
            result.set("age", age)


FULL_TIME_CUES = ("full time", "full-time", "fulltime")


def _read_hong_kong_study(
    text: str, entities: Iterable[Mapping[str, Any]], result: Understood, as_of: dt.date
) -> None:
    """Study in Hong Kong described in passing: "my master's at HKU full time, graduated June 2026".

    Only with a Hong Kong (UGC-funded) university named as the postgraduate one in this message: full
    time in its clause is the local programme, and a graduation month after it is that degree's.
    """
    institution = result.answers.get("postgraduate_institution")
    if result.answers.get("hk_study") is not True or not institution or not is_ugc_funded(institution):
        return
    for entity in entities:
        start, end = int(entity.get("start") or 0), int(entity.get("end") or 0)
        clause = _clause_around(text, start, end)
        if entity.get("entity") == "university" and _has_cue(clause, FULL_TIME_CUES):
            result.set("hk_study.programme", "full_time_local")
        elif entity.get("entity") == "year" and _has_cue(clause, GRADUATION_CUES):
            result.set("hk_study.graduation_date", parse_month(clause, as_of))


def _read_statements(text: str, result: Understood) -> None:
    """Yes/no facts said in passing ("clean record, no job offer yet"), from the phrases in questions.yaml."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    for field_path, by_value in statements().items():
        question = question_for_field(field_path)
        if question is None or question.slot in result.answers:
            continue
        for value, phrases in by_value.items():
            if _has_cue(lowered, phrases):
                result.set(field_path, value == "true")
                break


# What stands between two items of a list: "English and Hindi", "English, Hindi".
LIST_GAP = re.compile(r"[\s,;/&]*(?:and|or)?[\s,;/&]*", re.IGNORECASE)


# At most one word (a currency we may not know, "KES") between an amount and its pay period.
AMOUNT_TO_PERIOD = re.compile(r"\s*([^\W\d_]+\s*)?")


def _pay_period(entity: Mapping[str, Any], text: str, entities: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a duration is the pay period of the amount just before it: "a year" in "I earn 2m KES a
    year" says how often, not one year of work. (An amount in a known currency takes its period itself.)"""
    if entity.get("entity") != "duration":
        return False
    periods = lexicon.money_periods()
    units = {*periods["year"]["units"], *periods["month"]["units"]}
    words = str(entity.get("value", "")).lower().split()
    if len(words) != 2 or words[0] not in periods["prefixes"] or words[1].rstrip("s") not in units:
        return False
    start = int(entity.get("start") or 0)
    return any(
        other.get("entity") == "money"
        and int(other.get("end") or 0) <= start
        and AMOUNT_TO_PERIOD.fullmatch(text[int(other.get("end") or 0) : start])
        for other in entities
    )


def _between(text: str, one: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    first, second = sorted((one, other), key=lambda e: int(e.get("start") or 0))
    return text[int(first.get("end") or 0) : int(second.get("start") or 0)]


def _as_country_if_meant(
    entity: Mapping[str, Any], text: str, asked: Question | None, entities: Iterable[Mapping[str, Any]]
) -> Mapping[str, Any]:
    """A word that is both a language and a nationality ("Norwegian") is a nationality in answer to
    "what is your nationality?", and anywhere no word about speaking or writing stands near it and no
    other language is named beside it ("English and Yoruba" is a list of languages)."""
    value = str(entity.get("value", ""))
    if entity.get("entity") != "language" or normalise.parse_country(value) is None:
        return entity
    start, end = int(entity.get("start") or 0), int(entity.get("end") or 0)
    answering_nationality = asked is not None and asked.kind == "country"
    answering_languages = asked is not None and asked.kind == "languages"
    clause = _clause_around(text, start, end)
    listed_with_languages = any(
        other.get("entity") == "language" and LIST_GAP.fullmatch(_between(text, entity, other))
        for other in entities
        if other is not entity
    )
    about_speaking = _has_cue(clause, LANGUAGE_CUES) or listed_with_languages
    # "Brazilian, 35, ..., also French": with the nationality said, the other such word is a language
    nationality_said = any(other.get("entity") == "country" for other in entities if other is not entity)
    if answering_nationality or not (answering_languages or about_speaking or nationality_said):
        return {**entity, "entity": "country"}
    return entity


def names_a_correction(
    text: str, entities: Iterable[Mapping[str, Any]], as_of: dt.date, answers: Mapping[str, Any]
) -> bool:
    """Whether a message read as a correction says what to change: a new value that is clear on its own
    ("actually I'm 35"), the answer's name ("I was wrong about the degree"), or a university that can only
    replace one given ("actually, The University of Manchester"). One that does none of these, sent at a
    question ("Manchester, 2006, no"), is an answer to that question (decision 0005)."""
    entities = list(entities)
    if any(e.get("entity") == ANSWER_FIELD_ENTITY for e in entities):  # a "Change: Age" button
        return True
    new_values = understand(text, entities, None, "correct_answer", as_of).answers
    return (
        bool(new_values)
        or field_named_in(text) is not None
        or bool(university_named_alone(entities, answers))
    )


INSTITUTION_FIELDS = ("bachelor_institution", "postgraduate_institution")
# The entity a "Change: <answer>" button (under "show my answers") names the answer with
ANSWER_FIELD_ENTITY = "answer_field"


def without_a_lower_degree(
    understood: Understood, answers: Mapping[str, Any], asked: Question | None
) -> None:
    """A degree named in passing ("bachelor also Zhejiang, 2012") is not a new highest degree when a
    higher one was given: answering the bachelor's questions names the bachelor's. Asked, or corrected, the
    degree is taken as said."""
    slot = question_for_field("degree_level").slot
    new, given = understood.answers.get(slot), answers.get(slot)
    if asked is not None and asked.slot == slot:
        return
    if (
        new in DEGREE_LEVELS
        and given in DEGREE_LEVELS
        and DEGREE_LEVELS.index(new) < DEGREE_LEVELS.index(given)
    ):
        del understood.answers[slot]


def university_named_alone(
    entities: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]
) -> dict[str, str]:
    """A known university named with no degree ("actually, The University of Manchester", as the note on
    a name kept as written suggests) replaces the institution answer it can only mean: the one it was
    suggested for, else the only one given. Nothing when that is unclear."""
    named = [
        match.university
        for e in entities
        if e.get("entity") == "university" and (match := match_university(str(e.get("value", "")))).university
    ]
    if len(named) != 1:
        return {}
    university = named[0]
    given: dict[str, str] = {}  # slot -> the institution answered
    for f in INSTITUTION_FIELDS:
        slot = question_for_field(f).slot
        value = answers.get(slot)
        if isinstance(value, str) and value != SKIPPED:
            given[slot] = value
    suggested_for = [s for s, v in given.items() if match_university(v).suggestion == university]
    targets = suggested_for or (list(given) if len(given) == 1 else [])
    return {targets[0]: university.name} if len(targets) == 1 else {}


def field_named_in(text: str) -> Question | None:
    """The answer a user names when correcting it ("I was wrong about the degree"), by its aliases."""
    lowered = text.lower()
    best: tuple[int, Question] | None = None
    for question in questions():
        for alias in question.aliases:
            named = re.search(r"\b" + re.escape(alias.lower()) + r"\b", lowered)
            if named and (best is None or len(alias) > best[0]):
                best = (len(alias), question)
    return best[1] if best else None
