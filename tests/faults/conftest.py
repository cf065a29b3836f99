"""One assistant (action server + Rasa server, SQLite in tmp) shared by the fault tests that can share
it; each test holds its own conversation. The database-outage test starts its own, on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.faults.servers import Assistant, running


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    yield from running(Assistant(folder, f"sqlite:///{folder / 'tracker.db'}"))
