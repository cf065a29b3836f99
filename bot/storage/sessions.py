"""Let callers pass either an Engine (we run and commit our own transaction) or a Session (we take
part in theirs and leave the commit to them, so a save can be atomic with their other writes)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

SessionOrEngine = Session | Engine


@contextlib.contextmanager
def session_scope(session_or_engine: SessionOrEngine) -> Iterator[Session]:
    if isinstance(session_or_engine, Session):
        yield session_or_engine
        session_or_engine.flush()
        return
    if not isinstance(session_or_engine, Engine):
        raise TypeError(f"expected a SQLAlchemy Session or Engine, got {type(session_or_engine).__name__}")
    with Session(session_or_engine, future=True) as session, session.begin():
        yield session
