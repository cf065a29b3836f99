"""Messaging channels are switched on by environment variables (scripts/runtime_config.py): complete
settings become credentials, partial ones stop the start naming what is missing, and every variable is
documented in the README and the credentials template."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from scripts import assistant, runtime_config
from scripts.runtime_config import (
    MESSAGING_CHANNELS,
    SOCKETIO_CONNECTOR,
    ChannelConfigurationError,
    credentials,
    messaging_channels,
)

ROOT = Path(__file__).resolve().parents[2]

FULL = {
    "TELEGRAM_TOKEN": "123:telegram-token",
    "TELEGRAM_WEBHOOK_SECRET": "telegram-secret",
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "twilio-token",
    "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
    "TWILIO_PUBLIC_URL": "https://bot.example.org",
    "FACEBOOK_VERIFY_TOKEN": "fb-verify",
    "FACEBOOK_APP_SECRET": "fb-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
    "SLACK_BOT_TOKEN": "xoxb-slack",
    "SLACK_SIGNING_SECRET": "slack-secret",
}


def test_without_channel_variables_only_rest_and_socketio_are_on():
    config = credentials({}, cors_origins=["https://www.example.org"])
    assert set(config) == {"rest", SOCKETIO_CONNECTOR}
    assert config[SOCKETIO_CONNECTOR]["cors_allowed_origins"] == ["https://www.example.org"]
    assert config[SOCKETIO_CONNECTOR]["session_persistence"] is True


def test_each_complete_channel_becomes_its_connectors_credentials():
    config = credentials({**FULL, "TELEGRAM_API_URL": "http://127.0.0.1:9/telegram", "SLACK_API_URL": " "})
    assert config["rasa_addons.channels.telegram.TelegramInput"] == {
        "access_token": "123:telegram-token",
        "secret_token": "telegram-secret",
        "api_url": "http://127.0.0.1:9/telegram",
    }
    assert config["rasa_addons.channels.twilio.TwilioInput"] == {
        "account_sid": "AC123",
        "auth_token": "twilio-token",
        "whatsapp_number": "whatsapp:+14155238886",
        "public_url": "https://bot.example.org",
    }
    assert config["rasa_addons.channels.facebook.FacebookInput"] == {
        "verify": "fb-verify",
        "secret": "fb-secret",
        "page-access-token": "fb-page-token",
    }
    assert config["rasa_addons.channels.slack.SlackInput"] == {
        "slack_token": "xoxb-slack",
        "slack_signing_secret": "slack-secret",
    }  # a blank SLACK_API_URL is unset


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"TELEGRAM_TOKEN": "123:secret-value"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_API_URL": "http://127.0.0.1:9"}, "TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET"),
        (
            {k: v for k, v in FULL.items() if k.startswith("TWILIO") and k != "TWILIO_PUBLIC_URL"},
            "TWILIO_PUBLIC_URL",
        ),
        (
            {"FACEBOOK_APP_SECRET": "secret-value", "FACEBOOK_VERIFY_TOKEN": " "},
            "FACEBOOK_VERIFY_TOKEN, FACEBOOK_PAGE_ACCESS_TOKEN",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-secret-value"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_a_partly_configured_channel_is_an_error_naming_what_is_missing(given, missing):
    with pytest.raises(ChannelConfigurationError) as error:
        messaging_channels(given)
    assert f"also set {missing}," in str(error.value)
    assert "secret-value" not in str(error.value), "the message names variables, never their values"


def test_the_run_command_stops_before_starting_anything_on_a_partial_channel(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "credentials.yml", tmp_path / "credentials.yml")
    monkeypatch.setattr(runtime_config, "ROOT", tmp_path)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    with pytest.raises(SystemExit) as stopped:
        assistant.runtime_files(5055)
    assert stopped.value.code == 1
    assert "TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER, TWILIO_PUBLIC_URL" in capsys.readouterr().err


def test_the_credentials_file_with_the_tokens_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    shutil.copy(ROOT / "credentials.yml", tmp_path / "credentials.yml")
    monkeypatch.setattr(runtime_config, "ROOT", tmp_path)
    _, written = runtime_config.write_runtime_files(FULL, cors_origins=["http://localhost:8080"])
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert (
        yaml.safe_load(written.read_text())["rasa_addons.channels.slack.SlackInput"]["slack_token"]
        == "xoxb-slack"
    )


def every_variable() -> list[str]:
    return [name for channel in MESSAGING_CHANNELS for name in channel.variables()]


def test_every_channel_variable_is_in_the_readme_and_the_template_with_no_value():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    template = (ROOT / "credentials.example.env").read_text(encoding="utf-8")
    for name in every_variable():
        assert f"`{name}`" in readme, name
        assert re.search(rf"^#? ?{name}=$", template, re.MULTILINE), (
            f"{name} in credentials.example.env, empty"
        )
    assert not re.search(r"^[A-Z_]+=\S", template, re.MULTILINE), "the template holds no values"
