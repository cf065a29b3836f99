"""The action server's replies are checked as strictly as Rasa checks them, with the validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_addons  # noqa: F401  (installs the check)
from rasa_addons.action_validation import validate_action_result


def test_the_rasa_server_uses_our_check():
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_valid_reply_passes():
    reply = {
        "events": [{"event": "slot", "name": "age", "value": 32}, {"event": "active_loop", "name": None}],
        "responses": [{"text": "How old are you?"}],
    }
    assert validate_action_result(None, reply) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": [{"event": "slot"}], "responses": []},  # a slot event needs a name
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_an_invalid_reply_is_refused_with_rasa_s_message(reply):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate_action_result(None, reply)
