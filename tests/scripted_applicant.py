"""A scripted applicant for tests that talk to a running assistant through its REST webhook: it reads
which question the assistant asked (by its exact text in domain.yml, or how a grouped question begins)
and answers it from a table, until the assessment payload arrives.

Used by tests/test_run_command.py (one server) and tests/services/test_replicas.py (several replicas);
the browser and messaging-channel tests reuse its questions and answers."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.conversation import groups

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = {
    text["text"]: slot.removeprefix("utter_ask_")
    for slot, variants in yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].items()
    if slot.startswith("utter_ask_")
    for text in variants
}
# Questions asked together ("Two quick questions: ..."), each wording by the slots it asks.
TOGETHER = "together:"
QUESTIONS.update(
    {
        text: TOGETHER + ",".join(m.replace(".", "_") for m in members)
        for text, members in groups.together_wordings().items()
    }
)
GROUP_TEXTS = yaml.safe_load((ROOT / "bot" / "conversation" / "texts.yaml").read_text())["groups"]
GROUP_QUESTIONS = {  # how each group question begins -> its name
    GROUP_TEXTS["prerequisites"][:30]: "prerequisites",
    **{heading[:30]: name for name, heading in GROUP_TEXTS["headings"].items()},
}
# A checklist option as the assistant words it -> the profile field it stands for; its threshold, when
# the wording has one ("3+ years", "HK$5,000,000"), is captured as `n`.
OPTION_FIELDS = {
    re.compile(
        re.escape(text).replace(r"\{years\}", r"(?P<n>[\d.]+)").replace(r"\{amount\}", r"(?P<n>[\d,]+)")
    ): name
    for name, text in GROUP_TEXTS["options"].items()
}
# Options that state the opposite of their field ("I have a criminal record" for a clean record).
OPPOSITE_OPTIONS = {field for group in groups.groups() for field in group.opposite}
APPLICANT = {  # a software engineer from India; anything not here is skipped
    "prerequisites": "yes",
    "stem": "both",
    "work": "1, 2 and 3",  # 3 of the last 5 years, 3+ years at a multinational, 3+ years in tech
    "circumstances": "none",
    "bachelor_institution": "IIT Bombay",
    "bachelor_graduation_year": "2016",
    "bachelor_stem": "yes",
    "postgraduate_stem": "yes",
    "work_experience_last_5_years": "5",
    "multinational_years": "8",
    "specified_field_years": "8",
    "international_years": "none",
    "business_profit_hkd": "no",
    "owns_listed_company": "no",
    "languages_english": "English and Hindi",
    "job_offer_has_offer": "no",
    "hk_study": "no",
    "good_character": "yes",
    "self_supporting": "yes",
}


def post(port: int, sender: str, message: str, timeout: float = 60) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def assessment_in(replies: list[dict]) -> dict | None:
    payloads = [r["custom"] for r in replies if r.get("custom", {}).get("type") == "assessment"]
    return payloads[0]["assessment"] if payloads else None


def question_asked(replies: list[dict]) -> str | None:
    """The name of the last question in a turn's replies (a slot, or a group's name), if any."""
    asked = [QUESTIONS[r["text"]] for r in replies if r.get("text") in QUESTIONS]
    asked += [GROUP_QUESTIONS[r["text"][:30]] for r in replies if r.get("text", "")[:30] in GROUP_QUESTIONS]
    return asked[-1] if asked else None


def checklist_answer(replies: list[dict], profile: Mapping[str, Any]) -> str:
    """The numbers of the listed options that hold for `profile` (bot/profile.py's fields), like "1, 2
    and 4", or "none". A checklist lists only the options still open, so one fact has different numbers
    in different interviews; reading the options keeps the answers true to the profile. An option the
    profile says nothing about fails the test."""
    lists = [re.findall(r"^(\d+)\. (.+)$", r.get("text") or "", re.MULTILINE) for r in replies]
    chosen = []
    for number, option in next((found for found in reversed(lists) if found), []):  # the question's list
        found = [(p.fullmatch(option.strip()), name) for p, name in OPTION_FIELDS.items()]
        match, name = next(((m, name) for m, name in found if m), (None, None))
        assert match, f"an option the applicant cannot read: {option!r}"
        value: Any = profile
        for part in name.split("."):
            assert part in value, f"the applicant's profile does not say {name}"
            value = value[part]
        threshold = match.groupdict().get("n")
        holds = float(threshold.replace(",", "")) <= value if threshold else bool(value)
        if holds != (name in OPPOSITE_OPTIONS):
            chosen.append(number)
    if not chosen:
        return "none"
    return chosen[0] if len(chosen) == 1 else f"{', '.join(chosen[:-1])} and {chosen[-1]}"


Answer = str | Callable[[list[dict]], str]  # a reply, or how to make one from the question's turn


def slots_asked(asked: str) -> list[str]:
    """The slots a question by its name asks: one, or each of the questions asked together. (A group's
    name, like "work", is not a slot: it comes back as it is.)"""
    return asked.removeprefix(TOGETHER).split(",") if asked.startswith(TOGETHER) else [asked]


def reply_to(asked: str, answers: Mapping[str, Any] = APPLICANT) -> str:
    """The answer to a question by its name; to questions asked together, the answers to each of them,
    comma-separated; "skip" for anything the table has no answer to."""
    if asked.startswith(TOGETHER):
        said = [str(answers[slot]) for slot in slots_asked(asked) if answers.get(slot) is not None]
        return ", ".join(said) or "skip"
    answer = answers.get(asked)
    return "skip" if answer is None else answer


def interview(
    port: int,
    sender: str,
    first_message: str,
    answers: Mapping[str, Answer] = APPLICANT,
    transcript: list[tuple[str, list[dict]]] | None = None,
    limit: int = 40,
) -> tuple[dict, int]:
    """Answer whatever the assistant asks until the result arrives; return it and the messages sent.
    Every message sent and the replies to it are appended to ``transcript`` when one is given."""
    message, sent = first_message, 0
    while sent < limit:
        replies, sent = post(port, sender, message), sent + 1
        if transcript is not None:
            transcript.append((message, replies))
        assessment = assessment_in(replies)
        if assessment is not None:
            return assessment, sent
        asked = question_asked(replies)
        assert asked, f"no question and no result in: {texts(replies)}"
        answer = reply_to(asked, answers)
        message = answer(replies) if callable(answer) else answer
    pytest.fail(f"no result after {limit} messages")


def status_of(assessment: dict, scheme_id: str) -> str:
    return next(s["status"] for s in assessment["schemes"] if s["id"] == scheme_id)
