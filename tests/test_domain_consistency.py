"""The domain, the interview data, the actions and the NLU data agree with each other."""

import re
from pathlib import Path

import yaml

from actions.asking import ASK_ACTIONS
from actions.form_base import ANSWER_INTENTS
from bot.conversation.interview import questions

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
MIN_EXAMPLES_PER_INTENT = 20


def nlu_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
                examples.setdefault(block["intent"], []).extend(lines)
    return examples


def test_every_interview_question_has_a_slot_a_question_text_and_a_place_in_the_form():
    form_slots = DOMAIN["forms"]["profile_form"]["required_slots"]
    assert form_slots == [q.slot for q in questions()]
    for question in questions():
        slot = DOMAIN["slots"][question.slot]
        assert slot["mappings"] == [{"type": "custom"}], question.slot
        assert slot["influence_conversation"] is False
        assert f"utter_ask_{question.slot}" in DOMAIN["responses"], question.slot


def test_yes_no_questions_offer_yes_no_and_skip_buttons():
    for question in questions():
        if question.kind == "yes_no":
            buttons = DOMAIN["responses"][f"utter_ask_{question.slot}"][0]["buttons"]
            assert [b["payload"] for b in buttons] == ["/affirm", "/deny", "/skip"]


def test_intents_read_as_answers_exist():
    assert set(ANSWER_INTENTS) <= set(DOMAIN["intents"])


def test_every_response_an_action_sends_is_in_the_domain():
    sent = set()
    for path in (ROOT / "actions").glob("*.py"):
        sent |= set(re.findall(r'response="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert sent
    assert sent <= set(DOMAIN["responses"])


def test_every_custom_action_is_declared():
    names = {action().name() for action in ASK_ACTIONS}
    for path in (ROOT / "actions").glob("*.py"):
        names |= set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert names == {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}


def test_every_intent_has_enough_varied_examples():
    examples = nlu_examples()
    for intent in DOMAIN["intents"]:
        if intent == "nlu_fallback":
            continue
        found = examples.get(intent, [])
        assert len(found) >= MIN_EXAMPLES_PER_INTENT, f"{intent}: {len(found)} examples"
        assert len({e.lower() for e in found}) == len(found), f"{intent} has duplicates"
