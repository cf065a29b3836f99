"""Buttons whose payloads carry entities are sent as they are, and nothing is logged about them: Rasa's
interpolator took their JSON braces for slot names and logged the failure with every slot's value
(rasa_addons/payload_interpolation.py)."""

from __future__ import annotations

import asyncio

import rasa.core.nlg.interpolator as interpolator
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_addons  # noqa: F401  (installs the patches, as the Rasa server does)

RESPONSES = {
    "utter_ask_degree_level": [
        {
            "text": "What is your highest degree, {name}?",
            "buttons": [
                {"title": "Doctorate", "payload": '/inform{"degree":"doctorate"}'},
                {"title": "Documents", "payload": '/ask_scheme_info{"topic": "documents"}'},
            ],
        }
    ]
}


def test_a_payload_with_entities_is_sent_as_it_is_and_nothing_is_logged(monkeypatch):
    logged = []
    monkeypatch.setattr(interpolator.structlogger, "exception", lambda *a, **k: logged.append((a, k)))
    tracker = DialogueStateTracker("someone", [AnySlot("name", mappings=[{}]), AnySlot("age", mappings=[{}])])
    tracker._set_slot("name", "Priya")
    tracker._set_slot("age", 32)
    generator = TemplatedNaturalLanguageGenerator(RESPONSES)
    message = asyncio.run(generator.generate("utter_ask_degree_level", tracker, "rest"))
    assert message["text"] == "What is your highest degree, Priya?", "templates are still filled"
    assert [b["payload"] for b in message["buttons"]] == [
        '/inform{"degree":"doctorate"}',
        '/ask_scheme_info{"topic": "documents"}',
    ]
    assert logged == [], "no error, and so no slot values, in the log"


def test_rasa_alone_logs_the_slot_values_for_such_a_payload(monkeypatch):
    """The fault this guards against, shown on Rasa's own function."""
    logged = []
    monkeypatch.setattr(interpolator.structlogger, "exception", lambda *a, **k: logged.append(k))
    from rasa_addons.payload_interpolation import _stock_interpolate_text

    assert (
        _stock_interpolate_text('/inform{"degree":"doctorate"}', {"age": 32})
        == '/inform{"degree":"doctorate"}'
    )
    assert logged and logged[0]["placeholder_key"] == '"degree":"doctorate"'
