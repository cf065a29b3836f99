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
        )
        for q in _data()["questions"]
    )


@cache
def question_for_slot(slot: str) -> Question | None:
    return next((q for q in questions() if q.slot == slot), None)


def question_for_field(field: str) -> Question | None:
    return question_for_slot(slot_name(field))


SKIPPED: str = _data()["skipped_marker"]


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


def missing_fields(assessment: Mapping[str, Any]) -> set[str]:
    """Answers the engine still needs for schemes in play, and for QMAS criteria not yet judged."""
    in_play = {s["id"]: s for s in assessment["schemes"] if s["status"] in IN_PLAY}
    missing = {field for scheme in in_play.values() for field in scheme.get("missing", ())}
    if "qmas" in in_play:
        gpt = assessment.get("qmas", {}).get("general_points_test", {})
        for criterion in gpt.get("criteria", ()):
            if criterion.get("met") is None:
                missing.update(criterion.get("missing", ()))
    return missing


def next_question(answers: Mapping[str, Any], as_of: dt.date | None = None) -> Question | None:
    """The first question, in interview order, whose answer could still change an outcome."""
    missing = missing_fields(assess(profile(answers), as_of, near_misses=False))
    for question in questions():
        if not is_answered(answers.get(question.slot)) and question.field in missing:
            return question
    return None
