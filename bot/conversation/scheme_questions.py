"""Questions about a scheme ("how long does TTPS take?", "QMAS or TTPS, which is better?"), answered
from the rules data with the source and its date. Never a figure the data does not hold.

Facts that come with every assessment (first stay, extensions, quota, dependants, permanent residence,
job offer) are read from the engine's result for an empty profile on the date asked, so they follow
the dated rules; fees and processing times come from ``bot/rules/scheme_facts.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.conversation.interview import profile
from bot.conversation.presenting import format_date, say
from bot.engine import assess, status_note
from bot.profile import Profile
from bot.ruleset import select, source
from bot.texts import explain_scheme

HERE = Path(__file__).parent
FACTS_FILE = HERE.parent / "rules" / "scheme_facts.yaml"


@cache
def _vocabulary() -> dict:
    return yaml.safe_load((HERE / "scheme_questions.yaml").read_text(encoding="utf-8"))


@cache
def _facts() -> dict:
    return yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))


def _mentions(text: str, words: list[str]) -> list[int]:
    """Positions where any of the words stands as a whole word (or a CJK term anywhere)."""
    found = []
    for word in words:
        pattern = re.escape(word) if not word.isascii() else r"(?<![\w-])" + re.escape(word) + r"(?![\w-])"
        found += [m.start() for m in re.finditer(pattern, text)]
    return found


def schemes_in(text: str) -> list[str]:
    """Scheme ids named in the text, in the order named; "TTPS" alone means its three categories."""
    lowered = text.lower()
    named: list[tuple[int, str]] = []
    for scheme_id, aliases in _vocabulary()["schemes"].items():
        positions = _mentions(lowered, aliases)
        if positions:
            named.append((min(positions), scheme_id))
    ids = [scheme_id for _, scheme_id in sorted(named)]
    if any(i.startswith("ttps_") for i in ids):
        ids = [i for i in ids if i != "ttps"]
    expanded: list[str] = []
    for scheme_id in ids:
        for member in _vocabulary()["groups"].get(scheme_id, [scheme_id]):
            if member not in expanded:
                expanded.append(member)
    return expanded


def topic_of(text: str) -> str:
    lowered = text.lower()
    for topic, words in _vocabulary()["topics"].items():
        if _mentions(lowered, words):
            return topic
    return "what"


@cache
def _scheme_facts(as_of: dt.date) -> dict[str, Mapping[str, Any]]:
    return {s["id"]: s for s in assess(Profile(), as_of, near_misses=False)["schemes"]}


def _source_line(url: str, date: str | None) -> str:
    return say("scheme_info", "source", url=url, date=format_date(date) if date else "undated")


def _quota_basis_lines(basis: Mapping[str, Any]) -> list[str]:
    """How sure the quota figure is, and its own source with the date that source states."""
    lines = [note] if (note := status_note(basis["data_status"])) else []
    if basis.get("current_size_status"):
        lines.append(say("scheme_info", "quota_size_unknown"))
    cited = source(basis["source_id"])
    lines.append(say("scheme_info", "quota_source", url=cited["url"], date=cited.get("date", "undated")))
    return lines


def _about(scheme_id: str, topic: str, as_of: dt.date) -> list[str]:
    facts = _scheme_facts(as_of)[scheme_id]
    name, url, date = facts["name"], facts["official_url"], facts.get("source_date")
    lines: list[str]
    if topic == "fees":
        return _fees(scheme_id, name, as_of)
    if topic == "processing":
        return _processing(scheme_id, name)
    if topic == "documents":  # we hold no document lists: the official page is the place, never a guess
        return [say("scheme_info", "documents", name=name, url=url)]
    if topic == "stay" and facts.get("first_stay_months"):
        lines = [say("scheme_info", "stay", name=name, months=facts["first_stay_months"])]
        if facts.get("extension_pattern"):
            lines.append(say("scheme_info", "extensions", pattern=facts["extension_pattern"]))
        if facts.get("top_tier_extension_years"):
            lines.append(say("scheme_info", "top_tier", years=facts["top_tier_extension_years"]))
    elif topic == "dependants" and facts.get("dependants_allowed"):
        lines = [say("scheme_info", "dependants_yes", name=name)]
        processing = _facts()["processing"].get("dependants")
        if processing:
            lines.append(say("scheme_info", "dependants_processing", weeks=processing["weeks"]))
    elif topic == "permanent_residence" and facts.get("path_to_permanent_residence_years"):
        lines = [
            say(
                "scheme_info",
                "permanent_residence",
                name=name,
                years=facts["path_to_permanent_residence_years"],
            )
        ]
    elif topic == "job_offer" and facts.get("job_offer_required") is not None:
        lines = [
            say("scheme_info", "job_offer_yes" if facts["job_offer_required"] else "job_offer_no", name=name)
        ]
    elif topic == "job_offer" and (
        said := [s for s in explain_scheme(scheme_id)["summary"] if "job offer" in s]
    ):
        lines = said  # it depends (IANG: not within six months of graduating): the summary says on what
    elif topic == "quota" and facts.get("quota"):
        quota = facts["quota"]
        lines = [say("scheme_info", "quota_none", name=name) if quota == "none" else
                 say("scheme_info", "quota_some", name=name, quota=quota)]  # fmt: skip
        basis = facts.get("quota_basis")
        if basis:  # the quota has its own source (a press release, a news report): cite that one
            return [*lines, *_quota_basis_lines(basis)]
    elif topic == "what":
        lines = list(explain_scheme(scheme_id)["summary"])
    else:
        return [say("scheme_info", "not_in_sources", name=name, url=url)]
    return [*lines, _source_line(url, date)]


def _fees(scheme_id: str, name: str, as_of: dt.date) -> list[str]:
    fees = select(_facts()["fees"], as_of)
    first = min(_facts()["fees"], key=lambda f: f["effective_from"])
    if fees is None or scheme_id not in fees["applies_to"]:
        url = first["source"]["url"]
        return [say("scheme_info", "fees_before", since=format_date(first["effective_from"])),
                say("scheme_info", "not_in_sources", name=name, url=url)]  # fmt: skip
    return [
        say("scheme_info", "fees", name=name, since=format_date(fees["effective_from"]),
            application=f"{fees['application_fee_hkd']:,}", visa_long=f"{fees['visa_fee_hkd_long']:,}",
            visa_short=f"{fees['visa_fee_hkd_short']:,}", days=fees["short_stay_max_days"]),
        _source_line(fees["source"]["url"], fees["source"]["date"]),
    ]  # fmt: skip


def _processing(scheme_id: str, name: str) -> list[str]:
    facts = _facts()["processing"].get(scheme_id)
    if facts is None:
        url = _scheme_facts(dt.date.today())[scheme_id]["official_url"]
        return [say("scheme_info", "not_in_sources", name=name, url=url)]
    if "weeks_non_recent" in facts:
        line = say("scheme_info", "processing_iang", name=name, weeks=facts["weeks"],
                   weeks_later=facts["weeks_non_recent"], busy=facts["busy_season"])  # fmt: skip
    else:
        line = say("scheme_info", "processing", name=name, weeks=facts["weeks"])
    return [line, _source_line(facts["source"]["url"], facts["source"]["date"])]


FITTING = ("eligible", "needs_job_offer")


def fitting_schemes(answers: Mapping[str, Any], as_of: dt.date) -> list[str]:
    """The schemes the applicant's answers fit (can apply, or could with a job offer), best first: what
    "documents needed" after a result is about."""
    schemes = assess(profile(answers), as_of, near_misses=False)["schemes"]
    return [s["id"] for s in schemes if s["status"] in FITTING]


def scheme_names(as_of: dt.date) -> dict[str, str]:
    """Every scheme id with its official name, in the engine's order (for "which scheme?" buttons)."""
    return {scheme_id: facts["name"] for scheme_id, facts in _scheme_facts(as_of).items()}


def answer(text: str, as_of: dt.date, scheme_ids: list[str] | None = None) -> list[str] | None:
    """Messages answering a question about one or more schemes; None when no scheme is named."""
    scheme_ids = scheme_ids or schemes_in(text)
    if not scheme_ids:
        return None
    topic = topic_of(text)
    if topic == "compare":
        # Side by side: what each is, whether it needs a job offer, how long you stay; one source each.
        messages = []
        for scheme_id in scheme_ids:
            facts = _scheme_facts(as_of)[scheme_id]
            lines = [line for t in ("what", "job_offer", "stay") for line in _about(scheme_id, t, as_of)[:-1]]
            source = _source_line(facts["official_url"], facts.get("source_date"))
            messages.append("\n".join([facts["name"], *lines, source]))
        return messages
    messages: list[str] = []
    shared: dict[str, list[str]] = {}  # an answer with the scheme's name taken out -> the schemes giving it
    for scheme_id in scheme_ids:
        name = _scheme_facts(as_of)[scheme_id]["name"]
        said = "\n".join(_about(scheme_id, topic, as_of))
        shared.setdefault(said.replace(name, "{name}"), []).append(name)
    for said, names in shared.items():
        # TTPS A, B and C mostly answer alike: once, naming them together, not three times over
        messages.append(said.replace("{name}", names[0] if len(names) == 1 else _together(names)))
    return messages


def _together(names: list[str]) -> str:
    """ "Top Talent Pass Scheme (TTPS) Categories A, B and C" from the three full names."""
    stems = {name.rpartition(" Category ")[0] for name in names}
    if len(stems) == 1 and "" not in stems:
        letters = [name.rpartition(" Category ")[2] for name in names]
        return f"{stems.pop()} Categories {', '.join(letters[:-1])} and {letters[-1]}"
    return ", ".join(names[:-1]) + " and " + names[-1]
