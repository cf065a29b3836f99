"""Which question to ask next, and how the answers so far make a profile.

The interview asks a question only while the engine reports its answer as missing for a scheme that is
still undecided (or for a QMAS criterion we can't yet judge). So the rules, not hand-written
conditions, decide what is asked: someone who never studied in Hong Kong is not asked about IANG, and
someone excluded by nationality is asked almost nothing more.

Answers are kept flat, one per Rasa slot: the slot of ``languages.english`` is ``languages_english``.
A skipped question holds :data:`SKIPPED`, so it is not asked again but stays unknown to the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.engine import assess
from bot.profile import Profile, parse_profile

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
# Statuses an answer can still change; a scheme already ruled out waits for nothing.
IN_PLAY = ("eligible", "needs_job_offer", "more_info_needed")


@dataclass(frozen=True)
class Question:
    field: str
    kind: str
    label: str
    aliases: tuple[str, ...]
    no_means: Any = None  # what a plain "no" answers, for questions that are not yes/no
    # Words beyond yes and no that answer this yes/no question in reply to it ("not STEM"), by answer
    replies: tuple[tuple[bool, tuple[str, ...]], ...] = ()

    @property
    def slot(self) -> str:
        return slot_name(self.field)


def slot_name(field: str) -> str:
    return field.replace(".", "_")


@cache
def _data() -> dict:
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


@cache
def questions() -> tuple[Question, ...]:
    marker = _data()["skipped_marker"]
    return tuple(
        Question(
            q["field"],
            q["kind"],
            q["label"],
            tuple(q.get("aliases", ())),
            marker if q.get("no_means") == "skipped" else q.get("no_means"),
            tuple((value == "true", tuple(words)) for value, words in q.get("replies", {}).items()),
        )
        for q in _data()["questions"]
    )


@cache
def question_for_slot(slot: str) -> Question | None:
    return next((q for q in questions() if q.slot == slot), None)


def statements() -> dict[str, dict[str, list[str]]]:
    """Phrases that state a yes/no answer in passing, per field (see questions.yaml)."""
    return _data().get("statements", {})


def question_for_field(field: str) -> Question | None:
    return question_for_slot(slot_name(field))


SKIPPED: str = _data()["skipped_marker"]


# An answer given as a range by a checklist: {"at_least": 3} or {"below": 3} (years, HK$).
AT_LEAST, BELOW = "at_least", "below"


def numeric_value(value: Any) -> Any:
    """The number the engine uses for a range answer: the threshold when at least, else none of it."""
    if isinstance(value, Mapping):
        return value.get(AT_LEAST, 0)
    return value


def is_answered(value: Any) -> bool:
    return value is not None


def profile_data(answers: Mapping[str, Any]) -> dict:
    """The engine's JSON profile from slot values; skipped and unanswered questions are left out."""
    data: dict[str, Any] = {}
    for question in questions():
        value = answers.get(question.slot)
        if value is None or value == SKIPPED:
            continue
        if question.field == "hk_study":
            # Yes opens an object for the details; no is the contract's `false`.
            data["hk_study"] = data.get("hk_study") or {} if value else False
            continue
        value = numeric_value(value)
        parent, _, child = question.field.partition(".")
        if not child:
            data[parent] = value
        elif parent == "hk_study":
            if data.get("hk_study") is not False:
                data.setdefault("hk_study", {})
                data["hk_study"][child] = value
        else:
            data.setdefault(parent, {})[child] = value
    return data


def profile(answers: Mapping[str, Any]) -> Profile:
    return parse_profile(profile_data(answers))


def missing_fields(assessment: Mapping[str, Any], refine: bool = False) -> set[str]:
    """Answers the engine still needs to decide a scheme in play.

    With ``refine``, also the answers of QMAS criteria not yet judged: once QMAS is decided they no
    longer change a status, but meeting more criteria is viewed more favourably, so they are worth
    asking when the applicant wants the sharpest QMAS picture.
    """
    in_play = {s["id"]: s for s in assessment["schemes"] if s["status"] in IN_PLAY}
    missing = {field for scheme in in_play.values() for field in scheme.get("missing", ())}
    if refine and "qmas" in in_play:
        missing |= open_qmas_criteria_fields(assessment)
    return missing


def open_qmas_criteria_fields(assessment: Mapping[str, Any]) -> set[str]:
    gpt = assessment.get("qmas", {}).get("general_points_test", {})
    return {f for c in gpt.get("criteria", ()) if c.get("met") is None for f in c.get("missing", ())}


def unanswered(fields: set[str], answers: Mapping[str, Any]) -> list[Question]:
    return [q for q in questions() if q.field in fields and not is_answered(answers.get(q.slot))]


def pending(answers: Mapping[str, Any], as_of: dt.date | None = None, refine: bool = False) -> list[Question]:
    """Every question, in interview order, whose answer could still change an outcome."""
    return unanswered(missing_fields(assess(profile(answers), as_of, near_misses=False), refine), answers)


def next_question(
    answers: Mapping[str, Any], as_of: dt.date | None = None, refine: bool = False
) -> Question | None:
    questions_left = pending(answers, as_of, refine)
    return questions_left[0] if questions_left else None


def refinements_available(answers: Mapping[str, Any], assessment: Mapping[str, Any]) -> int:
    """How many questions could still sharpen the QMAS result (asked only if the applicant wants)."""
    if not any(s["id"] == "qmas" and s["status"] in IN_PLAY for s in assessment["schemes"]):
        return 0
    return len(unanswered(open_qmas_criteria_fields(assessment), answers))
