"""Plain-language messages for the chat: the assessment, the answers so far, why we ask.

The engine's own explanations (reasons, next steps, caveats) are used as they are; this module only
orders and frames them, with the words in ``texts.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml

from bot.conversation.interview import IN_PLAY, SKIPPED, Question, question_for_field, questions
from bot.whatif import status_rank

TEXTS_FILE = Path(__file__).with_name("texts.yaml")


@cache
def texts() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def say(group: str, key: str, **values: Any) -> str:
    return texts()[group][key].format(**values)


def format_date(day: str | dt.date) -> str:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.day} {day:%b %Y}"


def format_number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def format_amount(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def format_value(question: Question, value: Any) -> str:
    if isinstance(value, Mapping):  # a range from a checklist: "3 years or more", "less than HK$5,000,000"
        ((bound, threshold),) = value.items()
        unit = "money" if question.kind == "money" else "years"
        return texts()["groups"][f"{bound}_{unit}"].format(
            years=format_number(threshold), amount=format_amount(threshold)
        )
    if value == SKIPPED:
        return say("answers", "skipped")
    if isinstance(value, bool):
        return say("answers", "word_yes" if value else "word_no")
    if isinstance(value, list):
        return ", ".join(v.title() for v in value) or say("answers", "none")
    if question.kind == "country":
        country = pycountry.countries.get(alpha_2=str(value))
        return getattr(country, "common_name", None) or getattr(country, "name", str(value))
    if question.kind == "degree_level":
        return texts()["degree_levels"].get(value, str(value))
    if question.kind == "hk_programme":
        return texts()["programmes"].get(value, str(value))
    if question.kind == "money":
        return f"HK${value:,.0f}"
    if question.kind == "years":
        return f"{value:g} years" if value != 1 else "1 year"
    if question.kind == "month":  # a month alone is kept as its first day: "Jun 2026"; else "30 Jun 2026"
        if not isinstance(value, str):
            return str(value)
        return format_date(value) if not value.endswith("-01") else f"{dt.date.fromisoformat(value):%b %Y}"
    return str(value).replace("_", " ")


def describe_changes(answers: Mapping[str, Any]) -> str:
    """ "Age: 32; Nationality: IN" for the slots just set, in interview order."""
    parts = [f"{q.label}: {format_value(q, answers[q.slot])}" for q in questions() if q.slot in answers]
    return "; ".join(parts)


def answers_summary(answers: Mapping[str, Any]) -> tuple[str, list[Question]]:
    """The answers so far as one message, and the questions answered (to offer a change button each)."""
    answered = [q for q in questions() if answers.get(q.slot) is not None]
    if not answered:
        return say("answers", "empty"), []
    lines = [say("answers", "heading")]
    lines += [f"• {q.label}: {format_value(q, answers[q.slot])}" for q in answered]
    lines.append(say("answers", "change_hint"))
    return "\n".join(lines), answered


def schemes_needing(assessment: Mapping[str, Any], field: str) -> list[str]:
    """Names of the schemes still in play that wait for this answer."""
    return [
        s["name"] for s in assessment["schemes"] if s["status"] in IN_PLAY and field in s.get("missing", ())
    ]


def still_to_ask(scheme: Mapping[str, Any], answers: Mapping[str, Any] | None) -> list[Question]:
    """The questions a scheme waits for that have not been answered. An answer can leave a scheme open
    ("IIT Bombay": a university we cannot confirm on the list); asking for it again would not help."""
    asked = [q for f in scheme.get("missing", ()) if (q := question_for_field(f))]
    return [q for q in asked if answers is None or answers.get(q.slot) is None]


def status_line(scheme: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> str:
    status = scheme["status"]
    if status == "more_info_needed" and not still_to_ask(scheme, answers):
        status = "undecided"  # nothing left to ask: "I need more answers" would promise what we can't do
    label = texts()["status"][status]
    return f"{label['icon']} {label['words']}: {scheme['name']}"


def _scheme_detail(scheme: Mapping[str, Any], said: set[str], answers: Mapping[str, Any] | None) -> list[str]:
    """The reasons that decided it: for a no, the rules not met; for an open one, the questions left;
    for a yes (or a yes once there is a job offer), what we could not check and what rests on less than
    an official page. ``said`` holds the lines earlier schemes gave, so a shared caveat comes once."""
    checks = scheme.get("checks", ())
    if scheme["status"] == "not_eligible":
        return [c["reason"] for c in checks if c.get("met") is False]
    if scheme["status"] == "more_info_needed":
        to_ask = still_to_ask(scheme, answers)
        labels = [q.label for q in to_ask]
        lines = [say("result", "missing_for_scheme", labels="; ".join(labels))] if labels else []
        # Open on a point no answer (or no further answer) can settle: a record that may not be
        # "serious", a university we cannot confirm on the list. Say which, not "answer more".
        # (Results saved before checks had "settled_by" show only the questions.)
        answered = set(scheme.get("missing", ())) - {q.field for q in to_ask}
        lines += [
            c["reason"]
            for c in checks
            if c.get("met") is None and "settled_by" in c and set(c["settled_by"]) <= answered
        ]
        return lines or scheme.get("next_steps", [])[:1]
    lines = scheme.get("next_steps", [])[:1] if scheme["status"] == "needs_job_offer" else []
    lines += [f"{c['reason']} {c['status_note']}" for c in checks if c.get("met") and c.get("status_note")]
    if scheme["id"] != "qmas":  # QMAS's caveats come with its points
        lines += scheme.get("caveats", [])
    lines = [line for line in dict.fromkeys(lines) if line not in said]
    said.update(lines)
    return lines


def render_assessment(assessment: Mapping[str, Any], answers: Mapping[str, Any] | None = None) -> list[str]:
    """The result as a few chat messages: schemes best fit first, the QMAS points, close calls, sources.
    With the ``answers`` it came from, an open scheme asks only for what was not answered."""
    ranked = sorted(assessment["schemes"], key=lambda s: -status_rank(s["status"]))
    overview = [say("result", "heading", date=format_date(assessment["as_of"]))]
    said: set[str] = set()
    for scheme in ranked:
        overview.append(status_line(scheme, answers))
        overview += [f"   {line}" for line in _scheme_detail(scheme, said, answers)]
    overview += [route["text"] for route in assessment.get("see_also", [])]
    if any(scheme["status"] == "eligible" for scheme in ranked):
        overview.append(say("result", "eligible_means"))
    messages = ["\n".join(overview)]

    gpt = assessment.get("qmas", {}).get("general_points_test")
    if gpt and gpt.get("criteria"):
        points = [say("result", "qmas_points", met=gpt["met"], threshold=gpt["threshold"])]
        met = [c["reason"] for c in gpt["criteria"] if c["met"] is True]
        unknown = [c["reason"] for c in gpt["criteria"] if c["met"] is None]
        points += [f"✔ {reason}" for reason in met]
        points += [f"? {reason}" for reason in unknown]
        qmas = next((s for s in assessment["schemes"] if s["id"] == "qmas"), {})
        points += qmas.get("caveats", [])
        messages.append("\n".join(points))

    near = assessment.get("near_misses") or []
    if near:
        lines = [say("result", "near_misses_heading")]
        lines += [f"• {m['text'] if isinstance(m, dict) else m}" for m in near[:3]]  # the engine's "text"
        messages.append("\n".join(lines))

    sources = [say("result", "sources_heading")]
    seen: set[str] = set()
    for scheme in ranked:
        url = scheme.get("official_url")
        if url and url not in seen:
            seen.add(url)
            date = format_date(scheme["source_date"]) if scheme.get("source_date") else "undated"
            sources.append(say("result", "source_line", name=scheme["name"], url=url, date=date))
    sources += assessment.get("notes", [])[:1]
    sources.append(assessment["disclaimer"])
    messages.append("\n".join(sources))
    return messages


def _status_words(status: str) -> str:
    label = texts()["status"][status]
    return f"{label['icon']} {label['words']}"


def render_what_if(changed_answers: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """How the comparison would change, scheme by scheme, if the given answers were different."""
    lines = [say("what_if", "heading", changes=describe_changes(changed_answers))]
    diff = result["diff"]
    for change in diff["schemes"]:
        if change["from"] != change["to"]:
            before, after = _status_words(change["from"]), _status_words(change["to"])
            lines.append(say("what_if", "scheme_change", name=change["name"], before=before, after=after))
    qmas = diff["qmas"]
    if qmas.get("met_from") is not None and qmas.get("met_from") != qmas.get("met_to"):
        lines.append(say("what_if", "points_change", before=qmas["met_from"], after=qmas["met_to"]))
    if len(lines) == 1:
        lines.append(texts()["what_if"]["no_change"])
    lines.append(texts()["what_if"]["kept"])
    return "\n".join(lines)
