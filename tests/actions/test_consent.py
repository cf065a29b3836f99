"""Consent to the privacy notice: recorded when the user answers after seeing it, once, naming the
exact notice; never for details sent before the notice was shown; never at the cost of an answer."""

import asyncio
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

import actions.consent
from actions import privacy
from actions.consent import notice_version
from actions.profile_form import ValidateProfileForm
from bot.storage import latest_consent, migrate, storage_engine
from bot.storage.models import Consent
from tests.actions.conftest import entity, make_tracker

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
NOTICE_SHOWN = [
    {"event": "action", "name": "action_show_privacy_notice_once"},
    {"event": "slot", "name": "privacy_notice_shown", "value": True},
    {"event": "action", "name": "profile_form"},
    {"event": "action", "name": "action_listen"},
]


@pytest.fixture(autouse=True)
def storage_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/data.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HKTA_AS_OF", "2026-11-22")
    privacy.storage.cache_clear()
    migrate(url)
    yield url
    privacy.storage.cache_clear()


def answer_age(dispatcher, events, slots=None):
    text = "I'm 41"
    user = {"event": "user", "text": text}
    tracker = make_tracker(
        {"privacy_notice_shown": True, "requested_slot": "age", **(slots or {})},
        text=text,
        intent="inform",
        entities=[entity("age", "I'm 41", text)],
        events=[*events, user],
    )
    result = asyncio.run(ValidateProfileForm().run(dispatcher, tracker, domain=DOMAIN))
    return {e["name"]: e["value"] for e in result if e["event"] == "slot"}


def consents(url):
    with storage_engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(Consent)).scalar_one()


def test_an_answer_after_the_notice_records_consent_to_that_notice(dispatcher, storage_db):
    slots = answer_age(dispatcher, NOTICE_SHOWN)
    assert slots["age"] == 41
    assert slots["privacy_consent_recorded"] is True
    recorded = latest_consent(storage_engine(storage_db), "test-user")
    assert recorded["notice_version"] == notice_version(DOMAIN)


def test_details_sent_before_the_notice_was_shown_are_not_consent(dispatcher, storage_db):
    # The first message volunteered details; the notice is shown in the same turn, after it.
    slots = answer_age(dispatcher, [])
    assert slots["age"] == 41
    assert "privacy_consent_recorded" not in slots
    assert consents(storage_db) == 0


def test_consent_is_recorded_once_per_conversation(dispatcher, storage_db):
    answer_age(dispatcher, NOTICE_SHOWN)
    slots = answer_age(dispatcher, NOTICE_SHOWN, {"privacy_consent_recorded": True})
    assert "privacy_consent_recorded" not in slots
    assert consents(storage_db) == 1


def test_a_database_fault_costs_the_consent_record_not_the_answer(dispatcher, tmp_path, monkeypatch, caplog):
    unmigrated = storage_engine(f"sqlite:///{tmp_path}/no-tables.db")  # every insert fails
    monkeypatch.setattr(actions.consent, "storage", lambda: unmigrated)
    slots = answer_age(dispatcher, NOTICE_SHOWN)
    assert slots["age"] == 41
    assert "privacy_consent_recorded" not in slots  # tried again at the next answer
    assert "consent not recorded" in caplog.text
    assert "test-user" not in caplog.text


def test_the_notice_version_names_the_exact_words_shown():
    changed = yaml.safe_load(yaml.safe_dump(DOMAIN))
    changed["responses"]["utter_privacy_notice"][0]["text"] += " One more sentence."
    assert notice_version(DOMAIN).startswith("sha256:")
    assert notice_version(changed) != notice_version(DOMAIN)


def test_the_notice_says_that_answering_is_agreeing():
    text = DOMAIN["responses"]["utter_privacy_notice"][0]["text"]
    assert "By answering my questions you agree" in text
    assert "delete my data" in text
