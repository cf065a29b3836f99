"""Retention: delete what is older than the period the privacy notice promises (default 90 days).

A conversation is deleted whole, once its *latest* event is older than the cutoff, so that an
applicant who comes back on day 89 keeps the answers they gave on day 1. Saved assessments and
consents are deleted on their own dates. "Older than" is strict: a record exactly ``days`` old is
kept, one a moment older is deleted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from bot.storage.models import Consent, SavedAssessment
from bot.storage.rasa_events import rasa_events_table

RETENTION_ENV_VARIABLE = "HKTA_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90

# The privacy notice users agree to states the period in words; the purge must keep that promise.
DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
NOTICE_RESPONSE = "utter_privacy_notice"
_STATED_PERIOD = re.compile(r"deleted after (\d+) days")


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted (or, with ``dry_run``, would delete): counts only, never whose."""

    cutoff: dt.datetime
    conversations: int
    tracker_events: int
    saved_assessments: int
    consents: int
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"purge older than {self.cutoff.isoformat(timespec='seconds')}: {verb} "
            f"{self.conversations} conversations ({self.tracker_events} tracker events), "
            f"{self.saved_assessments} saved assessments, {self.consents} consents"
        )


def retention_days_from_env(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    configured = env.get(RETENTION_ENV_VARIABLE)
    if configured is None or not configured.strip():
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(configured)
    except ValueError:
        raise ValueError(
            f"{RETENTION_ENV_VARIABLE} must be a whole number of days, got {configured!r}"
        ) from None
    return validate_retention_days(days)


def days_the_privacy_notice_states(domain: Path = DOMAIN) -> int | None:
    """The retention period the privacy notice tells users ("deleted after 90 days"), or None where the
    domain is not at hand (the action server's image has none) or the notice names no period."""
    if not domain.is_file():
        return None
    responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
    texts = " ".join(variant.get("text", "") for variant in responses.get(NOTICE_RESPONSE) or [])
    stated = {int(days) for days in _STATED_PERIOD.findall(texts)}
    if len(stated) > 1:
        raise ValueError(f"the privacy notice states more than one retention period: {sorted(stated)} days")
    return stated.pop() if stated else None


def retention_mismatch(days: int, domain: Path = DOMAIN) -> str | None:
    """Why purging after ``days`` would break the privacy notice's promise, or None when it keeps it."""
    stated = days_the_privacy_notice_states(domain)
    if stated is None or stated == days:
        return None
    return (
        f"{RETENTION_ENV_VARIABLE} is {days}, but the privacy notice tells users their data is deleted "
        f"after {stated} days ({NOTICE_RESPONSE} in domain.yml). Change both together: a changed notice "
        "is a new version of what users agree to."
    )


def validate_retention_days(days: int) -> int:
    # Zero would delete every conversation in progress; nobody means that by "retention".
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"retention must be at least 1 day, got {days!r}")
    return days


def purge(
    engine: Engine,
    older_than_days: int | None = None,
    now: dt.datetime | None = None,
    *,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete conversations, saved assessments and consents older than ``older_than_days``.

    ``older_than_days`` defaults to ``HKTA_RETENTION_DAYS`` (90). All deletions happen in one
    transaction, so a failure deletes nothing. Our tables must exist (``migrate``); Rasa's ``events``
    table is optional.
    """
    days = retention_days_from_env() if older_than_days is None else validate_retention_days(older_than_days)
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cutoff = now - dt.timedelta(days=days)

    with engine.begin() as connection:
        conversations, tracker_events = _purge_conversations(connection, cutoff, dry_run)
        saved_assessments = _delete_older(connection, SavedAssessment.__table__.c.created_at, cutoff, dry_run)
        consents = _delete_older(connection, Consent.__table__.c.consented_at, cutoff, dry_run)
        if dry_run:
            connection.rollback()
    return PurgeReport(cutoff, conversations, tracker_events, saved_assessments, consents, dry_run)


def _purge_conversations(connection: Connection, cutoff: dt.datetime, dry_run: bool) -> tuple[int, int]:
    events = rasa_events_table(connection)
    if events is None:
        return 0, 0
    stale_senders = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff.timestamp())
    )
    conversations = connection.execute(
        sa.select(sa.func.count()).select_from(stale_senders.subquery())
    ).scalar_one()
    if conversations == 0:
        return 0, 0
    stale_rows = events.c.sender_id.in_(stale_senders.scalar_subquery())
    if dry_run:
        rows = connection.execute(
            sa.select(sa.func.count()).select_from(events).where(stale_rows)
        ).scalar_one()
        return conversations, rows
    deleted = connection.execute(sa.delete(events).where(stale_rows)).rowcount
    return conversations, deleted


def _delete_older(connection: Connection, column: sa.Column, cutoff: dt.datetime, dry_run: bool) -> int:
    # Before the first `migrate` there is nothing of ours to delete; a scheduled purge should not fail.
    if not sa.inspect(connection).has_table(column.table.name):
        return 0
    # Bind through the model's column so UTCDateTime stores the cutoff the way it stores the rows.
    older = column < sa.bindparam("cutoff", cutoff, type_=column.type)
    if dry_run:
        return connection.execute(
            sa.select(sa.func.count()).select_from(column.table).where(older)
        ).scalar_one()
    return connection.execute(sa.delete(column.table).where(older)).rowcount
