"""Effort: how many messages scripted applicants need to reach the full comparison.

    .venv/bin/python bench/effort.py            # in-process: the real entity pipeline and interview logic
    .venv/bin/python bench/effort.py --rest http://127.0.0.1:5005   # through a running assistant

Each persona (bench/personas.yaml) sends its opening message, then answers whatever is asked (from
its script, "skip" otherwise) until the assessment arrives. For comparison, a one-question-per-page
form asks every question the same rules need, one page each, with no way to answer several at once.
Prints a table and the median; targets: median at most 6 (issue 7), at most 8 for volunteers (issue 4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.conversation import groups  # noqa: E402
from bot.conversation.interview import (  # noqa: E402
    SKIPPED,
    next_question,
    numeric_value,
    pending,
    question_for_field,
)
from bot.conversation.understanding import understand, understand_together, yes_or_no  # noqa: E402
from bot.nlp.build import build_pipeline  # noqa: E402

AS_OF = dt.date(2026, 11, 22)
MAX_MESSAGES = 60
TARGET_MEDIAN = 6  # issue 7


def personas() -> list[dict]:
    return yaml.safe_load((ROOT / "bench" / "personas.yaml").read_text(encoding="utf-8"))["personas"]


def scripted(persona: dict, slot: str, attempt: int = 0) -> str | None:
    """The persona's answer to a question, the ``attempt``-th time it is asked (from 0). An answer may
    be a list: what the persona says first, then after being told why that could not be used ("BRL
    200k", then "USD 38k"); past its end, the last is said again."""
    answer = persona["answers"].get(slot)
    if isinstance(answer, list):
        return answer[min(attempt, len(answer) - 1)]
    return answer


def together_reply(persona: dict, slots: list[str]) -> str:
    """A reply to questions asked together: each answer the persona has, as it would give them one by
    one, comma-separated; "skip" when it has none."""
    said = [scripted(persona, slot) for slot in slots]
    return ", ".join(answer for answer in said if answer is not None) or "skip"


class InProcess:
    """The assistant's understanding and interview, without the servers: same code, no network."""

    def __init__(self) -> None:
        self.nlp = build_pipeline()

    def entities(self, text: str) -> list[dict]:
        return [
            {"entity": e.label_, "value": e.text, "start": e.start_char, "end": e.end_char}
            for e in self.nlp(text).ents
        ]

    def converse(self, persona: dict) -> tuple[int, list[str]]:
        """Messages sent until the comparison, as the form would run: groups asked together where it can."""
        answers: dict = {}
        declined: list[str] = []
        message, asked, group, sent, questions = persona["opening"], None, None, 1, []
        attempts: dict[str, int] = {}  # times a question was asked again after an unusable answer
        while sent <= MAX_MESSAGES:
            if group is not None and group.group.kind == "together":
                members = [question_for_field(f) for f in group.members]
                answers.update(
                    understand_together(message, self.entities(message), members, None, AS_OF).answers
                )
                for question in members:  # an answer given here and not used counts as the first try
                    if question.slot not in answers and scripted(persona, question.slot) is not None:
                        attempts[question.slot] = 1
            elif group is not None:
                answer = yes_or_no(message, None)
                values = groups.read(group.as_slot(), message, answer is True, answer is False, AS_OF)
                if values is None:
                    declined.append(group.group.name)  # "no" to a yes-together question: ask one by one
                else:
                    answers.update({question_for_field(f).slot: v for f, v in values.items()})
            else:
                answers.update(understand(message, self.entities(message), asked, None, AS_OF).answers)
                if asked is not None and asked.slot not in answers:
                    attempt = attempts[asked.slot] = attempts.get(asked.slot, 0) + 1
                    retry = scripted(persona, asked.slot, attempt)
                    if retry is not None and retry != message:  # asked again, as the form would
                        message, sent = retry, sent + 1
                        questions.append(asked.slot)
                        continue
                    answers[asked.slot] = SKIPPED  # the script has nothing better to say
            asked = next_question(answers, AS_OF)
            if asked is None:
                return sent, questions
            still_needed = [q.field for q in pending(answers, AS_OF)]
            group = groups.ask(asked.field, still_needed, declined, AS_OF)
            questions.append(group.group.name if group else asked.slot)
            message = (
                self.group_reply(persona, group)
                if group
                else scripted(persona, asked.slot, attempts.get(asked.slot, 0)) or "skip"
            )
            sent += 1
        raise RuntimeError(f"{persona['name']}: no result after {MAX_MESSAGES} messages")

    def group_reply(self, persona: dict, group: groups.GroupQuestion) -> str:
        """What the persona would say to a group question, from its answers to the single questions."""
        if group.group.kind == "together":
            return together_reply(persona, [question_for_field(f).slot for f in group.members])
        truths = []
        thresholds = groups.thresholds(group.group, AS_OF)
        for field in group.members:
            question = question_for_field(field)
            reply = scripted(persona, question.slot) or "skip"
            value = numeric_value(
                understand(reply, self.entities(reply), question, None, AS_OF).answers.get(question.slot)
            )
            threshold = thresholds.get(field, True)
            if field in group.group.opposite:  # "I have a criminal record": true when the answer is no
                truths.append(value is False)
            elif threshold is True:
                truths.append(value is True)
            else:
                truths.append(isinstance(value, (int, float)) and value >= threshold)
        if group.group.kind == "all_yes":
            return "yes" if all(truths) else "no"
        chosen = [str(n) for n, true in enumerate(truths, start=1) if true]
        return " and ".join(chosen) if chosen else "none"

    def form_pages(self, persona: dict) -> int:
        """A one-question-per-page form asks every question the rules need, one by one, knowing the same
        facts as the chat: the persona's scripted answer, else what its opening message said (taken as
        understood, not re-typed: "IN" or True written back as text would not read as an answer and the
        form would wrongly go on asking), else "skip"."""
        opening = self.opening_answers(persona)
        answers: dict = {}
        pages = 0
        while (question := next_question(answers, AS_OF)) is not None and pages < MAX_MESSAGES:
            pages += 1
            reply = scripted(persona, question.slot, attempt=99)  # a form page takes the usable answer
            if reply is not None:
                understood = understand(reply, self.entities(reply), question, None, AS_OF).answers
                answers[question.slot] = understood.get(question.slot, SKIPPED)
            else:
                answers[question.slot] = opening.get(question.slot, SKIPPED)
        return pages

    def opening_answers(self, persona: dict) -> dict:
        text = persona["opening"]
        return understand(text, self.entities(text), None, None, AS_OF).answers


class OverRest:
    """The same conversation through a running assistant's REST webhook."""

    def __init__(self, url: str, local: InProcess | None = None) -> None:
        self.url = url.rstrip("/") + "/webhooks/rest/webhook"
        domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
        self.questions = {
            variant["text"]: name.removeprefix("utter_ask_")
            for name, variants in domain["responses"].items()
            if name.startswith("utter_ask_")
            for variant in variants
        }
        self.together = {  # each wording of questions asked together -> the slots it asks
            text: [question_for_field(m).slot for m in members]
            for text, members in groups.together_wordings().items()
        }
        self.local = local or InProcess()  # answers group questions as the in-process run does

    def post(self, sender: str, message: str) -> list[dict]:
        data = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(self.url, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def converse(self, persona: dict) -> tuple[int, list[str]]:
        sender = f"bench-effort-{abs(hash(persona['name']))}-{dt.datetime.now().timestamp()}"
        replies, sent, questions = self.post(sender, persona["opening"]), 1, []
        times_asked: dict[str, int] = {}
        while sent <= MAX_MESSAGES:
            if any(r.get("custom", {}).get("type") == "assessment" for r in replies):
                return sent, questions
            asked = [self.questions[r["text"]] for r in replies if r.get("text") in self.questions]
            grouped = [r for r in replies if r.get("text", "")[:30] in self._group_openings()]
            together = [self.together[r["text"]] for r in replies if r.get("text") in self.together]
            if together:
                reply = together_reply(persona, together[-1])
                times_asked.update({slot: 0 for slot in together[-1]})
                questions.append("together")
            elif grouped:
                reply = self._group_reply(persona, grouped[-1]["text"])
                questions.append("group")
            else:
                slot = asked[-1] if asked else None
                questions.append(slot or "?")
                attempt = times_asked[slot] = times_asked.get(slot, -1) + 1
                reply = (scripted(persona, slot, attempt) if slot else None) or "skip"
            replies, sent = self.post(sender, reply), sent + 1
        raise RuntimeError(f"{persona['name']}: no result after {MAX_MESSAGES} messages")

    @staticmethod
    def _group_openings() -> dict[str, str]:
        """How each group question begins -> the group's name."""
        from bot.conversation.presenting import texts

        words = texts()["groups"]
        openings = {words["prerequisites"][:30]: "prerequisites"}
        openings.update({heading[:30]: name for name, heading in words["headings"].items()})
        return openings

    def _group_reply(self, persona: dict, text: str) -> str:
        """Answer a group question over REST the way the in-process run does."""
        name = self._group_openings()[text[:30]]
        group = next(g for g in groups.groups() if g.name == name)
        if group.kind == "checklist":
            by_line = {groups.option_line(f, AS_OF, group): f for f in group.members}
            fields = [by_line[line.split(". ", 1)[1]] for line in text.splitlines()[1:]]
        else:
            fields = list(group.members)
        return self.local.group_reply(persona, groups.GroupQuestion(group, tuple(fields), text, ()))


def table(runner: InProcess | OverRest, local: InProcess) -> list[tuple[str, int, int]]:
    """(persona, messages to the full comparison, form pages) for every persona."""
    rows = []
    for persona in personas():
        messages, _questions = runner.converse(persona)
        rows.append((persona["name"], messages, local.form_pages(persona)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rest", help="base URL of a running assistant, e.g. http://127.0.0.1:5005")
    args = parser.parse_args()
    local = InProcess()
    rows = table(OverRest(args.rest, local) if args.rest else local, local)
    width = max(len(name) for name, _, _ in rows)
    print(f"{'persona':<{width}}  messages  form pages")
    for name, messages, pages in rows:
        print(f"{name:<{width}}  {messages:>8}  {pages:>10}")
    median = statistics.median(m for _, m, _ in rows)
    form_median = statistics.median(p for _, _, p in rows)
    print(f"\nmedian messages to the full comparison: {median:g} (form: {form_median:g} pages)")
    print(f"mode: {'REST ' + args.rest if args.rest else 'in-process'}; target: median <= {TARGET_MEDIAN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
