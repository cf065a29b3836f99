"""Erasure removes one sender's data and only theirs; our tables never hold a raw sender id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage import (
    erase_conversation,
    hash_sender_id,
    load_id_secret,
    pseudonymous_sender_id,
    record_consent,
    save_assessment,
)
from bot.storage.__main__ import main
from tests.storage.rasa_helpers import conversation_events, store_conversation

PHONE_NUMBER = "+85291234567"  # what a messaging channel uses as sender id
OTHER_SENDER = "web-9f2c"


def all_text_in(engine, tables: set[str] | None = None) -> str:
    """Every value of every row of every table (or of ``tables``), as one string to search."""
    inspector = sa.inspect(engine)
    found = []
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            if tables is not None and table not in tables:
                continue
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                found.append(" ".join(str(value) for value in row))
    return "\n".join(found)


def fill(engine, rasa_store, sender_id: str) -> None:
    store_conversation(rasa_store, sender_id, conversation_events("my income is 2600000", 1_750_000_000.0))
    save_assessment(engine, sender_id, {"annual_income_hkd": 2_600_000}, {"as_of": "2025-06-01"})
    record_consent(engine, sender_id, "privacy-2025-06")


def test_our_tables_never_hold_the_raw_sender_id(engine, rasa_store):
    fill(engine, rasa_store, PHONE_NUMBER)
    ours = all_text_in(engine, {"saved_assessments", "consents"})
    assert hash_sender_id(PHONE_NUMBER) in ours
    for fragment in (PHONE_NUMBER, PHONE_NUMBER.lstrip("+"), "91234567"):
        assert fragment not in ours


def test_erasing_a_conversation_removes_its_events_assessments_and_consents(engine, rasa_store):
    fill(engine, rasa_store, PHONE_NUMBER)
    report = erase_conversation(engine, PHONE_NUMBER)
    assert report.tracker_events == len(conversation_events("x", 0))
    assert (report.saved_assessments, report.consents) == (1, 1)
    assert report.anything_erased
    everything = all_text_in(engine)
    assert "91234567" not in everything and hash_sender_id(PHONE_NUMBER) not in everything


def test_erasing_a_conversation_leaves_every_other_conversation_alone(engine, rasa_store):
    fill(engine, rasa_store, PHONE_NUMBER)
    fill(engine, rasa_store, OTHER_SENDER)
    before = all_text_in(engine)

    erase_conversation(engine, PHONE_NUMBER)

    after = all_text_in(engine)
    assert OTHER_SENDER in after and hash_sender_id(OTHER_SENDER) in after
    assert after.count("2600000") == before.count("2600000") // 2


def test_erasing_an_unknown_conversation_erases_nothing(engine, rasa_store):
    fill(engine, rasa_store, OTHER_SENDER)
    report = erase_conversation(engine, "never-seen")
    assert not report.anything_erased
    assert OTHER_SENDER in all_text_in(engine)


def test_erasure_works_before_rasa_has_created_its_table(engine):
    save_assessment(engine, PHONE_NUMBER, {}, {})
    assert erase_conversation(engine, PHONE_NUMBER).saved_assessments == 1


# SQLite only: there, secure_delete overwrites erased rows in the file. PostgreSQL reclaims deleted rows with
# VACUUM instead (docs/decisions/0300), which no test can observe in the data files.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_an_erased_conversation_leaves_no_trace_in_the_sqlite_file(database, engine, erasing_store):
    fill(engine, erasing_store, PHONE_NUMBER)
    erase_conversation(engine, PHONE_NUMBER)
    engine.dispose()
    erasing_store.engine.dispose()
    raw = Path(database.engine.url.database).read_bytes()
    assert b"91234567" not in raw and b"2600000" not in raw


def test_the_erase_command_prints_counts_and_not_the_sender(database, engine, rasa_store, capsys):
    fill(engine, rasa_store, PHONE_NUMBER)
    assert main(["erase", "--sender-id", PHONE_NUMBER, "--database-url", database.url]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"erased \d+ tracker events, 1 saved assessments, 1 consents\n", out)


def test_sender_hashes_are_keyed_so_the_same_id_hashes_differently_under_another_secret():
    first = hash_sender_id(PHONE_NUMBER)
    assert first == hash_sender_id(PHONE_NUMBER) and re.fullmatch(r"[0-9a-f]{64}", first)
    assert hash_sender_id(PHONE_NUMBER, secret=b"another secret") != first
    assert hash_sender_id(OTHER_SENDER) != first


def test_without_a_configured_secret_one_is_generated_once_and_kept(tmp_path, caplog):
    secret_file = tmp_path / "var" / "hkta_id_secret"
    first = load_id_secret(env={}, secret_file=secret_file)
    assert len(first) >= 32 and secret_file.exists()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert load_id_secret(env={}, secret_file=secret_file) == first
    assert "HKTA_ID_SECRET is not set" in caplog.text


def test_a_configured_secret_wins_and_an_empty_one_is_an_error(tmp_path):
    secret_file = tmp_path / "hkta_id_secret"
    assert load_id_secret(env={"HKTA_ID_SECRET": "x" * 40}, secret_file=secret_file) == b"x" * 40
    assert not secret_file.exists()
    with pytest.raises(ValueError):
        load_id_secret(env={"HKTA_ID_SECRET": " "}, secret_file=secret_file)


def test_a_messaging_channel_pseudonym_is_stable_keyed_and_names_its_channel():
    pseudonym = pseudonymous_sender_id("twilio", PHONE_NUMBER)
    assert re.fullmatch(r"twilio:[0-9a-f]{64}", pseudonym)
    assert pseudonymous_sender_id("twilio", PHONE_NUMBER) == pseudonym  # the conversation continues
    assert "91234567" not in pseudonym
    assert pseudonymous_sender_id("twilio", PHONE_NUMBER, secret=b"another secret") != pseudonym
    # The same number on another channel is another conversation, and its hash differs too.
    assert pseudonymous_sender_id("telegram", PHONE_NUMBER).split(":")[1] != pseudonym.split(":")[1]
    with pytest.raises(ValueError):
        pseudonymous_sender_id("twilio", "")
    with pytest.raises(ValueError):
        pseudonymous_sender_id("a:b", PHONE_NUMBER)


def test_the_erase_command_finds_a_messaging_conversation_by_the_phone_number(
    database, engine, rasa_store, capsys
):
    fill(engine, rasa_store, pseudonymous_sender_id("twilio", PHONE_NUMBER))
    arguments = ["erase", "--channel", "twilio", "--sender-id", PHONE_NUMBER, "--database-url", database.url]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"erased [1-9]\d* tracker events, 1 saved assessments, 1 consents\n", out)
    assert PHONE_NUMBER not in out
