"""Purge deletes what is older than the retention period, whole conversations at a time, and no more."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from bot.storage import PurgeReport, purge, record_consent, retention_days_from_env, save_assessment
from bot.storage.__main__ import main
from bot.storage.retention import DEFAULT_RETENTION_DAYS, days_the_privacy_notice_states, retention_mismatch
from tests.storage.rasa_helpers import conversation_events, store_conversation

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
DAY = 86_400.0


def senders_in(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars())


def events_of(engine, sender_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender_id}
        ).scalar_one()


def ending_at(last_event: float, text: str = "answer", turns: int = 2) -> list:
    """A conversation whose latest event is exactly at ``last_event``."""
    return conversation_events(text, last_event - turns, turns=turns)


def test_a_conversation_exactly_90_days_old_is_kept_and_one_a_second_older_is_deleted(engine, rasa_store):
    cutoff = NOW.timestamp() - 90 * DAY
    store_conversation(rasa_store, "exactly-90-days", ending_at(cutoff))
    store_conversation(rasa_store, "a-second-older", ending_at(cutoff - 1))

    report = purge(engine, 90, now=NOW)

    assert senders_in(engine) == {"exactly-90-days"}
    assert (report.conversations, report.tracker_events) == (1, len(ending_at(0)))


def test_saved_assessments_and_consents_exactly_90_days_old_are_kept(engine):
    cutoff = NOW - dt.timedelta(days=90)
    kept = save_assessment(engine, "user", {"age": 30}, {}, now=cutoff)
    save_assessment(engine, "user", {"age": 31}, {}, now=cutoff - dt.timedelta(seconds=1))
    record_consent(engine, "user", "v1", now=cutoff)
    record_consent(engine, "user", "v1", now=cutoff - dt.timedelta(seconds=1))

    report = purge(engine, 90, now=NOW)

    assert (report.saved_assessments, report.consents) == (1, 1)
    with engine.connect() as connection:
        assert connection.execute(
            sa.text("SELECT reference_code FROM saved_assessments")
        ).scalars().all() == [kept]
        assert connection.execute(sa.text("SELECT count(*) FROM consents")).scalar_one() == 1


def test_purge_leaves_recent_conversations_alone_even_when_they_began_long_ago(engine, rasa_store):
    long_running = conversation_events("first visit", NOW.timestamp() - 200 * DAY) + ending_at(
        NOW.timestamp() - DAY, "came back"
    )
    store_conversation(rasa_store, "came-back-yesterday", long_running)
    store_conversation(rasa_store, "today", ending_at(NOW.timestamp() - 60))
    store_conversation(rasa_store, "forgotten", ending_at(NOW.timestamp() - 120 * DAY))

    purge(engine, 90, now=NOW)

    assert senders_in(engine) == {"came-back-yesterday", "today"}
    assert events_of(engine, "came-back-yesterday") == len(long_running)


def test_a_dry_run_counts_but_deletes_nothing(engine, rasa_store):
    store_conversation(rasa_store, "old", ending_at(NOW.timestamp() - 100 * DAY))
    save_assessment(engine, "old", {}, {}, now=NOW - dt.timedelta(days=100))

    report = purge(engine, 90, now=NOW, dry_run=True)

    assert report.dry_run and (report.conversations, report.saved_assessments) == (1, 1)
    assert report.tracker_events == len(ending_at(0))
    assert senders_in(engine) == {"old"}
    assert purge(engine, 90, now=NOW) == PurgeReport(report.cutoff, 1, report.tracker_events, 1, 0)


def test_the_retention_period_comes_from_the_environment_with_90_days_by_default(engine, monkeypatch):
    assert retention_days_from_env({}) == 90
    assert retention_days_from_env({"HKTA_RETENTION_DAYS": "30"}) == 30
    for bad in ("0", "-5", "ninety", "1.5"):
        with pytest.raises(ValueError):
            retention_days_from_env({"HKTA_RETENTION_DAYS": bad})

    save_assessment(engine, "user", {}, {}, now=NOW - dt.timedelta(days=31))
    monkeypatch.setenv("HKTA_RETENTION_DAYS", "30")
    assert purge(engine, now=NOW).saved_assessments == 1


def test_purge_works_before_rasa_or_migrations_have_created_any_table(database):
    report = purge(database.engine, 90, now=NOW)
    assert (report.conversations, report.saved_assessments, report.consents) == (0, 0, 0)


def test_purge_refuses_a_period_that_would_delete_conversations_in_progress(engine):
    with pytest.raises(ValueError):
        purge(engine, 0, now=NOW)


def test_the_purge_command_prints_counts_and_no_personal_data(database, engine, rasa_store, capsys):
    distinctive = "+852 9123 4567"
    store_conversation(rasa_store, distinctive, conversation_events("I earn 2600000", 1_000_000.0))
    save_assessment(engine, distinctive, {"income": 2_600_000}, {}, now=NOW - dt.timedelta(days=400))

    assert main(["purge", "--days", "90", "--database-url", database.url, "--dry-run"]) == 0
    assert main(["purge", "--days", "90", "--database-url", database.url]) == 0

    out, err = capsys.readouterr()
    dry_run, done = out.strip().splitlines()
    assert "would delete 1 conversations" in dry_run and "1 saved assessments" in dry_run
    assert done.startswith("purge older than ") and "deleted 1 conversations" in done
    for secret in (distinctive, "9123", "2600000"):
        assert secret not in out + err
    assert senders_in(engine) == set()


def test_the_purge_command_rejects_a_bad_period(database, capsys):
    assert main(["purge", "--days", "0", "--database-url", database.url]) == 2


def test_the_privacy_notice_states_the_default_retention_period():
    # What users agree to ("deleted after 90 days") and what the scheduled purge does are the same.
    assert days_the_privacy_notice_states() == DEFAULT_RETENTION_DAYS
    assert retention_mismatch(DEFAULT_RETENTION_DAYS) is None


def test_the_scheduled_purge_refuses_a_period_the_privacy_notice_does_not_state(
    database, monkeypatch, capsys
):
    monkeypatch.setenv("HKTA_RETENTION_DAYS", "365")
    assert main(["purge", "--database-url", database.url]) == 1
    assert "the privacy notice tells users their data is deleted after 90 days" in capsys.readouterr().err
    # An operator's one-off purge with --days is theirs to choose.
    assert main(["purge", "--days", "365", "--database-url", database.url]) == 0


def test_a_notice_without_a_stated_period_or_no_domain_at_hand_is_not_checked(tmp_path):
    domain = tmp_path / "domain.yml"
    assert retention_mismatch(30, domain) is None  # the action server's image has no domain
    domain.write_text("responses:\n  utter_privacy_notice:\n    - text: We keep your answers.\n")
    assert retention_mismatch(30, domain) is None
    domain.write_text("responses:\n  utter_privacy_notice:\n    - text: It is deleted after 30 days.\n")
    assert retention_mismatch(30, domain) is None
    assert "deleted after 30 days" in retention_mismatch(90, domain)
