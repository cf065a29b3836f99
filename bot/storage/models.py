"""Our own tables. Rasa's ``events`` table is not defined here: Rasa owns it, we only reflect it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declarative_base

# Names for constraints and indexes, so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))

SENDER_HASH_LENGTH = 64  # hex HMAC-SHA256


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, stored as naive UTC.

    SQLite has no time zones and compares datetimes as text, so storing everything as naive UTC is
    the one representation that orders correctly on both SQLite and PostgreSQL.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


class SavedAssessment(Base):
    """A result the user asked to keep; its reference code reopens it on any channel."""

    __tablename__ = "saved_assessments"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    reference_code: Mapped[str] = sa.Column(sa.String(16), nullable=False, unique=True)
    sender_hash: Mapped[str] = sa.Column(sa.String(SENDER_HASH_LENGTH), nullable=False, index=True)
    profile: Mapped[dict] = sa.Column(sa.JSON, nullable=False)
    assessment: Mapped[dict] = sa.Column(sa.JSON, nullable=False)
    rules_version: Mapped[str | None] = sa.Column(sa.String(64), nullable=True)
    as_of: Mapped[dt.date | None] = sa.Column(sa.Date, nullable=True)
    created_at: Mapped[dt.datetime] = sa.Column(UTCDateTime, nullable=False, index=True)


class Consent(Base):
    """That a conversation was shown, and accepted, a given version of the privacy notice."""

    __tablename__ = "consents"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    sender_hash: Mapped[str] = sa.Column(sa.String(SENDER_HASH_LENGTH), nullable=False, index=True)
    notice_version: Mapped[str] = sa.Column(sa.String(64), nullable=False)
    consented_at: Mapped[dt.datetime] = sa.Column(UTCDateTime, nullable=False, index=True)
