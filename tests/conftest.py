"""Shared fixtures. Tests that need PostgreSQL or Redis skip when the service is absent, unless
REQUIRE_SERVICES=1 (set by .ci/run), which turns the skip into a failure so CI always runs them."""

from __future__ import annotations

import os
import socket
import warnings
from urllib.parse import urlsplit

import pytest

# Rasa 3.6 is built on SQLAlchemy 1.4 APIs; its notice about 2.0 is noise in our test output.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Rasa 3.6's dependencies warn once, at first import, about their own deprecated APIs (pkg_resources,
# namespace packages, slot auto-fill). That happens before pytest's filters apply, so import them here,
# quietly: the warnings are about Rasa's code, not ours, and would otherwise fill every test summary.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pkg_resources  # noqa: F401
    import rasa.core.tracker_store
    import rasa.shared.core.domain
    import rasa.shared.utils.validation  # noqa: F401

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError:
        return False


def _service_url(variable: str, default: str, what: str) -> str:
    url = os.environ.get(variable, default)
    if _reachable(url):
        return url
    message = f"{what} is not reachable at {url} (set {variable} to point to one)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}; REQUIRE_SERVICES=1 makes this a failure.")
    pytest.skip(message)


@pytest.fixture(scope="session")  # session: module-scoped fixtures that start servers need them too
def postgres_url() -> str:
    return _service_url("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL, "PostgreSQL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _service_url("TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL, "Redis")
