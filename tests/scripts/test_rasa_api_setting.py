"""Rasa's HTTP API: off unless RASA_API_TOKEN is set, and then never without the token
(docs/decisions/0500). The servers' answers are tested in tests/test_run_command.py (off) and
tests/services/test_replicas.py (on)."""

from scripts.assistant import rasa_api_arguments


def test_without_a_token_the_api_stays_off():
    assert rasa_api_arguments({}) == []
    assert rasa_api_arguments({"RASA_API_TOKEN": "  "}) == []


def test_a_token_turns_the_api_on_with_that_token():
    assert rasa_api_arguments({"RASA_API_TOKEN": "s3cret"}) == ["--enable-api", "--auth-token", "s3cret"]
