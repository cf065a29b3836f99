"""Saving a result gives a short code that reopens exactly what was saved; consents are recorded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from bot.engine import assess_json
from bot.storage import (
    CODE_ALPHABET,
    CODE_LENGTH,
    latest_consent,
    load_assessment,
    new_reference_code,
    record_consent,
    save_assessment,
)
from bot.storage import records as records_module

PROFILE = {"age": 34, "nationality": "Malaysian", "annual_income_hkd": 2_600_000}


def test_a_saved_assessment_reopens_with_its_rules_version_and_date(engine):
    assessment = assess_json({"age": 34}, "2025-03-01")
    code = save_assessment(engine, "web-123", PROFILE, assessment)

    saved = load_assessment(engine, code)
    assert saved["code"] == code
    assert saved["profile"] == PROFILE
    assert saved["assessment"] == assessment
    assert saved["rules_version"] == assessment["rules_version"]
    assert saved["as_of"] == "2025-03-01"
    assert dt.datetime.fromisoformat(saved["created_at"]).tzinfo is not None


def test_reference_codes_are_ten_characters_without_look_alikes():
    assert len(CODE_ALPHABET) == 31
    assert not set("01ILO") & set(CODE_ALPHABET)
    for _ in range(200):
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", new_reference_code())


def test_reference_codes_do_not_repeat(engine):
    codes = {save_assessment(engine, f"user-{n}", {}, {}) for n in range(200)}
    assert len(codes) == 200


def test_reference_codes_use_the_whole_alphabet_evenly():
    # A biased or short generator would show here; 31 symbols x ~1000 draws each.
    counts = dict.fromkeys(CODE_ALPHABET, 0)
    for _ in range(3100):
        for character in new_reference_code():
            counts[character] += 1
    assert min(counts.values()) > 700 and max(counts.values()) < 1300


def test_a_code_typed_in_lower_case_with_spaces_or_dashes_still_opens(engine):
    code = save_assessment(engine, "user", PROFILE, {})
    typed = f" {code[:5].lower()}-{code[5:]} "
    assert load_assessment(engine, typed)["code"] == code


@pytest.mark.parametrize(
    "typed", ["", "ABC", "23456789AB2", "0000000000", "'; DROP TABLE x; --", "２３４５６７８９ＡＢ"]
)
def test_malformed_codes_open_nothing(engine, typed):
    assert load_assessment(engine, typed) is None


def test_an_unknown_code_opens_nothing(engine):
    save_assessment(engine, "user", PROFILE, {})
    assert load_assessment(engine, "23456789AB") is None


def test_the_saved_snapshot_does_not_change_when_the_caller_changes_its_dicts(engine):
    profile = {"age": 34, "degrees": [{"level": "master"}]}
    code = save_assessment(engine, "user", profile, {"schemes": []})
    profile["degrees"][0]["level"] = "phd"
    assert load_assessment(engine, code)["profile"]["degrees"] == [{"level": "master"}]


def test_values_that_are_not_json_are_refused_before_anything_is_stored(engine):
    with pytest.raises(ValueError, match="profile is not JSON-serialisable"):
        save_assessment(engine, "user", {"answer": object()}, {})
    with pytest.raises(TypeError):
        save_assessment(engine, "user", ["not", "a", "dict"], {})


def test_a_code_collision_is_retried_with_a_new_code(engine, monkeypatch):
    first = save_assessment(engine, "user", PROFILE, {})
    proposals = iter([first, first, "23456789AB"])
    monkeypatch.setattr(records_module, "new_reference_code", lambda: next(proposals))
    assert save_assessment(engine, "other", PROFILE, {}) == "23456789AB"
    assert load_assessment(engine, first)["profile"] == PROFILE


def test_saving_in_the_callers_session_commits_and_rolls_back_with_it(engine):
    with Session(engine, future=True) as session:
        discarded = save_assessment(session, "user", PROFILE, {})
        session.rollback()
    assert load_assessment(engine, discarded) is None

    with Session(engine, future=True) as session:
        kept = save_assessment(session, "user", PROFILE, {})
        assert load_assessment(session, kept)["profile"] == PROFILE
        session.commit()
    assert load_assessment(engine, kept)["profile"] == PROFILE


def test_a_collision_inside_the_callers_session_keeps_the_callers_other_work(engine, monkeypatch):
    first = save_assessment(engine, "user", PROFILE, {})
    proposals = iter([first, "23456789AB"])
    monkeypatch.setattr(records_module, "new_reference_code", lambda: next(proposals))
    with Session(engine, future=True) as session:
        record_consent(session, "other", "privacy-2025-01")
        assert save_assessment(session, "other", PROFILE, {}) == "23456789AB"
        session.commit()
    assert latest_consent(engine, "other")["notice_version"] == "privacy-2025-01"


def test_saving_the_same_result_again_gives_the_same_code_dated_afresh(engine):
    # e.g. the first reply was lost to a timeout after the action had saved: no second, orphaned code.
    assessment = assess_json({"age": 34}, "2025-03-01")
    first_day = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    code = save_assessment(engine, "web-123", PROFILE, assessment, now=first_day)
    again = save_assessment(engine, "web-123", PROFILE, assessment, now=first_day + dt.timedelta(days=3))
    assert again == code
    assert load_assessment(engine, code)["created_at"].startswith("2026-01-08")  # retention counts anew


def test_a_changed_result_gets_a_new_code_and_the_earlier_one_still_opens(engine):
    code = save_assessment(engine, "web-123", PROFILE, {"schemes": ["qmas"]})
    changed = save_assessment(engine, "web-123", {**PROFILE, "age": 35}, {"schemes": ["qmas"]})
    assert changed != code
    assert load_assessment(engine, code)["profile"] == PROFILE
    assert load_assessment(engine, changed)["profile"]["age"] == 35


def test_another_conversation_saving_the_same_result_gets_its_own_code(engine):
    mine = save_assessment(engine, "web-123", PROFILE, {})
    theirs = save_assessment(engine, "telegram-9", PROFILE, {})
    assert mine != theirs  # a code is never shared: erasing one conversation must not erase another's


def test_the_latest_consent_is_the_one_returned(engine):
    assert latest_consent(engine, "user") is None
    earlier = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    record_consent(engine, "user", "privacy-2024-12", now=earlier)
    record_consent(engine, "user", "privacy-2025-01", now=earlier + dt.timedelta(days=3))
    record_consent(engine, "someone-else", "privacy-2025-02", now=earlier + dt.timedelta(days=9))
    consent = latest_consent(engine, "user")
    assert consent == {"notice_version": "privacy-2025-01", "consented_at": "2025-01-04T00:00:00+00:00"}


def test_a_consent_must_name_the_notice_version(engine):
    with pytest.raises(ValueError):
        record_consent(engine, "user", "")


def test_naive_timestamps_are_refused_so_nothing_is_stored_in_local_time(engine):
    from sqlalchemy.exc import StatementError

    with pytest.raises((ValueError, StatementError)):
        record_consent(engine, "user", "privacy-2025-01", now=dt.datetime(2025, 1, 1))
