"""Questions asked together: one message answers several of them.

A group is asked when two or more of its members are still needed. "all_yes" groups pair yes/no
questions that usually share an answer (a clean record and self-support); a "no" splits them, and its
members are then asked on their own. "together" groups ask up to three questions of different kinds in
one sentence ("what's your nationality, and how old are you?"); the reply is read by
``understanding.understand_together``, and a member it leaves unanswered is asked on its own. The
"work" checklist asks recent work and the QMAS work and business criteria as numbered options, with the
thresholds of the checklist in force on the date asked, and records each answer as "at least" or
"below" that threshold, which is all the rules need and all the user said. A checklist line may state
the opposite of its answer ("I have a criminal record"): leaving it out is a yes (decision 0004).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot import normalise
from bot.conversation.interview import AT_LEAST, BELOW, _data
from bot.conversation.presenting import format_amount, format_number, texts
from bot.ruleset import rules, select

# Parts of one "together" question: more would not fit a phone screen; the rest are asked next.
MOST_ASKED_TOGETHER = 3


@dataclass(frozen=True)
class Group:
    name: str
    kind: str
    members: tuple[str, ...]
    threshold_rules: tuple[tuple[str, tuple[str, ...]], ...] = ()  # field -> (scheme file, key, ...)
    # Yes/no members whose checklist line states the opposite ("I have a criminal record"): left out is yes
    opposite: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupQuestion:
    group: Group
    members: tuple[str, ...]  # the members still needed, in the order offered
    text: str
    buttons: tuple[dict[str, str], ...]

    def as_slot(self) -> dict[str, Any]:
        """What the conversation remembers about the question it asked."""
        return {"name": self.group.name, "kind": self.group.kind, "members": list(self.members)}


@cache
def groups() -> tuple[Group, ...]:
    return tuple(
        Group(
            g["name"],
            g["kind"],
            tuple(g["members"]),
            tuple((field, tuple(rule)) for field, rule in g.get("thresholds", {}).items()),
            tuple(g.get("opposite", ())),
        )
        for g in _data().get("groups", ())
    )


def group_named(name: str) -> Group:
    return next(g for g in groups() if g.name == name)


def qmas_thresholds(as_of: dt.date) -> dict[str, Any]:
    """Per answer field, its QMAS criterion's threshold in the checklist in force (years, HK$ or True)."""
    version = select(rules()["qmas"]["general_points_test"], as_of) or {}
    thresholds: dict[str, Any] = {}
    for criterion in version.get("criteria", ()):
        field = criterion.get("field")
        if field:
            thresholds[field] = criterion.get("min_years", criterion.get("min_hkd", True))
    return thresholds


def thresholds(group: Group, as_of: dt.date) -> dict[str, Any]:
    """Each member's threshold from the rules in force: a named rule, else its QMAS criterion; True for
    a plain yes/no line."""
    from_qmas = qmas_thresholds(as_of)
    named = {}
    for field, path in group.threshold_rules:
        versions = rules()
        for key in path:  # the scheme file, then keys down to the dated rule
            versions = versions[key]
        named[field] = (select(versions, as_of) or versions[0])["value"]
    return {m: named.get(m, from_qmas.get(m, True)) for m in group.members}


def ask(field: str, pending: Iterable[str], declined: Iterable[str], as_of: dt.date) -> GroupQuestion | None:
    """The group question to ask instead of ``field``'s own, if two or more of its members are pending.
    A member of a group answered "no" is asked on its own, as that "no" asked for."""
    on_their_own = {m for g in groups() if g.name in set(declined) for m in g.members}
    if field in on_their_own:
        return None
    pending = set(pending) - on_their_own
    candidates = (g for g in groups() if field in g.members)
    for group in candidates:  # the first listed with two or more members needed
        members = tuple(m for m in group.members if m in pending)
        if group.kind == "together":
            members = members[:MOST_ASKED_TOGETHER]
        if len(members) >= 2:
            break
    else:
        return None
    words = texts()["groups"]
    if group.kind == "all_yes":
        yes_no = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
                  {"title": "Not sure / skip", "payload": "/skip"}]  # fmt: skip
        return GroupQuestion(group, members, words[group.name], tuple(yes_no))
    if group.kind == "together":
        together = words["together"]
        skip = {"title": together["skip_button"], "payload": "/skip"}
        return GroupQuestion(group, members, together_question(members), (skip,))
    options = [f"{n}. {option_line(m, as_of, group)}" for n, m in enumerate(members, start=1)]
    text = "\n".join([words["headings"][group.name], *options])
    none = {"title": words["checklist_none_button"], "payload": "/deny"}
    return GroupQuestion(group, members, text, (none,))


def together_question(members: Iterable[str]) -> str:
    """One sentence asking every member: "Two quick questions: what ..., and how old are you? ..."."""
    words = texts()["groups"]["together"]
    members = list(members)
    asks = [_ask_part(words["asks"][m], first=n == 0) for n, m in enumerate(members)]
    joined = ", ".join(asks[:-1]) + ", and " + asks[-1]
    example = ", ".join(words["examples"][m] for m in members)
    return words["question"].format(lead=words["lead"][len(members)], asks=joined, example=example)


def _ask_part(wording: str | Mapping[str, str], first: bool) -> str:
    """A part's words; {first, later} when it must name what a part before it would have named."""
    if isinstance(wording, str):
        return wording
    return wording["first" if first else "later"]


def together_wordings() -> dict[str, tuple[str, ...]]:
    """Every wording a "together" group can take (one per set of members still needed) -> the members.
    For clients that answer by reading the question: the benchmark's and the tests' scripted users."""
    return {
        together_question(members): members
        for group in groups()
        if group.kind == "together"
        for size in range(2, min(len(group.members), MOST_ASKED_TOGETHER) + 1)
        for members in itertools.combinations(group.members, size)
    }


def option_line(field: str, as_of: dt.date, group: Group) -> str:
    """A checklist line, with its threshold from the rules in force: "3+ years at a multinational..."."""
    threshold = thresholds(group, as_of)[field]
    template = texts()["groups"]["options"][field]
    return template.format(years=format_number(threshold), amount=format_amount(threshold))


def read(
    asked: Mapping[str, Any], text: str, said_yes: bool, said_no: bool, as_of: dt.date
) -> dict[str, Any] | None:
    """Answers for the members of the group question asked; None when the message doesn't answer it."""
    members = list(asked["members"])
    if asked["kind"] == "all_yes":
        return dict.fromkeys(members, True) if said_yes else None
    chosen = _chosen_numbers(text, len(members))
    if chosen is None and (said_no or normalise.parse_yes_no(text) is False):
        chosen = set()
    if chosen is None:
        return None
    group = group_named(asked["name"])
    limits = thresholds(group, as_of)
    answers = {}
    for n, member in enumerate(members, start=1):
        threshold = limits.get(member, True)
        if threshold is True:
            answers[member] = (n in chosen) != (member in group.opposite)
        else:
            answers[member] = {AT_LEAST if n in chosen else BELOW: threshold}
    return answers


def _chosen_numbers(text: str, options: int) -> set[int] | None:
    lowered = text.lower()
    if re.search(r"\b(none|nothing|neither|no one|not any)\b", lowered):
        return set()
    if re.search(r"\b(all( of them| of these)?|both)\b", lowered):
        return set(range(1, options + 1))
    numbers = {int(n) for n in re.findall(r"\b\d\b", lowered)}
    if numbers and numbers <= set(range(1, options + 1)):
        return numbers
    return None
