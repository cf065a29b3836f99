"""Saved assessments (reopened by reference code) and consents to the privacy notice."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from bot.storage.codes import new_reference_code, normalise_reference_code
from bot.storage.identity import hash_sender_id
from bot.storage.models import Consent, SavedAssessment
from bot.storage.sessions import SessionOrEngine, session_scope

# A collision among 8e14 codes is practically impossible, but the unique constraint is the guarantee
# and a retry is cheaper than an error shown to a user.
_CODE_ATTEMPTS = 5


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def save_assessment(
    session_or_engine: SessionOrEngine,
    sender_id: str,
    profile: dict,
    assessment: dict,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Keep a snapshot of ``profile`` and ``assessment``; return the reference code that reopens it.

    ``rules_version`` and ``as_of`` are taken from the assessment (as ``bot.engine.assess`` returns it),
    so a reopened result can say which rules it was computed under.

    Saving what this conversation has already saved returns the same code, dated afresh (the retention
    period then counts from this save): a user who asks twice, or asks again because the first reply
    was lost (the action ran but the Rasa server had given up waiting), gets one code, not two.
    """
    profile_snapshot = _json_snapshot(profile, "profile")
    assessment_snapshot = _json_snapshot(assessment, "assessment")
    sender_hash = hash_sender_id(sender_id)
    created_at = now or utc_now()
    earlier = _resave(session_or_engine, sender_hash, profile_snapshot, assessment_snapshot, created_at)
    if earlier is not None:
        return earlier
    as_of = assessment_snapshot.get("as_of")
    rules_version = assessment_snapshot.get("rules_version")

    for attempt in range(1, _CODE_ATTEMPTS + 1):
        code = new_reference_code()
        row = SavedAssessment(
            reference_code=code,
            sender_hash=sender_hash,
            profile=profile_snapshot,
            assessment=assessment_snapshot,
            rules_version=None if rules_version is None else str(rules_version),
            as_of=dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of,
            created_at=created_at,
        )
        try:
            _insert_alone(session_or_engine, row)
            return code
        except exc.IntegrityError:
            if attempt == _CODE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _resave(
    session_or_engine: SessionOrEngine, sender_hash: str, profile: dict, assessment: dict, now: dt.datetime
) -> str | None:
    """The code of this sender's saved copy of exactly this profile and result, re-dated to ``now``; or
    None. Compared in Python: JSON equality is not portable SQL, and one sender saves a handful."""
    with session_scope(session_or_engine) as session:
        rows = session.execute(
            select(SavedAssessment).where(SavedAssessment.sender_hash == sender_hash)
        ).scalars()
        for row in rows:
            if row.profile == profile and row.assessment == assessment:
                row.created_at = now
                return row.reference_code
    return None


def _insert_alone(session_or_engine: SessionOrEngine, row: object) -> None:
    """Insert ``row`` so that a failure rolls back only this insert, not the caller's transaction."""
    if isinstance(session_or_engine, Session):
        with session_or_engine.begin_nested():
            session_or_engine.add(row)
        return
    with session_scope(session_or_engine) as session:
        session.add(row)


def load_assessment(session_or_engine: SessionOrEngine, code: str) -> dict | None:
    """The saved result for a reference code as typed by a user (any case, dashes, spaces), or None.

    Returns ``{"code", "profile", "assessment", "rules_version", "as_of", "created_at"}`` with dates
    as ISO strings, ready to put in a slot or a JSON payload.
    """
    reference_code = normalise_reference_code(code)
    if reference_code is None:
        return None
    with session_scope(session_or_engine) as session:
        saved = session.execute(
            select(SavedAssessment).where(SavedAssessment.reference_code == reference_code)
        ).scalar_one_or_none()
        if saved is None:
            return None
        return {
            "code": saved.reference_code,
            "profile": saved.profile,
            "assessment": saved.assessment,
            "rules_version": saved.rules_version,
            "as_of": None if saved.as_of is None else saved.as_of.isoformat(),
            "created_at": saved.created_at.isoformat(),
        }


def record_consent(
    session_or_engine: SessionOrEngine, sender_id: str, notice_version: str, *, now: dt.datetime | None = None
) -> None:
    """Record that this conversation accepted ``notice_version`` of the privacy notice."""
    if not notice_version:
        raise ValueError("notice_version must name the privacy notice that was shown")
    with session_scope(session_or_engine) as session:
        session.add(
            Consent(
                sender_hash=hash_sender_id(sender_id),
                notice_version=notice_version,
                consented_at=now or utc_now(),
            )
        )


def latest_consent(session_or_engine: SessionOrEngine, sender_id: str) -> dict | None:
    """``{"notice_version", "consented_at"}`` of this conversation's latest consent, or None."""
    with session_scope(session_or_engine) as session:
        consent = (
            session.execute(
                select(Consent)
                .where(Consent.sender_hash == hash_sender_id(sender_id))
                .order_by(Consent.consented_at.desc(), Consent.id.desc())
                .limit(1)
            )
            .scalars()
            .first()
        )
        if consent is None:
            return None
        return {"notice_version": consent.notice_version, "consented_at": consent.consented_at.isoformat()}


def _json_snapshot(value: Any, what: str) -> dict:
    """A deep, JSON-only copy: later changes to the caller's dict must not alter what was saved, and
    anything the database's JSON type could not store should fail here, with a clear message."""
    if not isinstance(value, dict):
        raise TypeError(f"{what} must be a dict, got {type(value).__name__}")
    try:
        return json.loads(json.dumps(value, default=_date_as_iso))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} is not JSON-serialisable: {error}") from error


def _date_as_iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")
