"""Fixtures for the website widget's tests: the real assistant, the demo page's server, and headless
Chromium driven by Playwright.

The browser is Debian's ``chromium`` package (never ``playwright install``). Where it, the playwright
package or web/node_modules (``npm ci --prefix web``) is missing, the browser tests skip and say why;
REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NODE_MODULES = ROOT / "web" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
SOCKET_IO = NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"
ARTIFACTS = ROOT / "artifacts"


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt -c constraints.txt)"
    for needed in (SOCKET_IO, AXE):
        if not needed.exists():
            return f"{needed.relative_to(ROOT)} is missing (npm ci --prefix web)"
    return None


def require_browser() -> None:
    reason = browser_unavailable()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"Browser tests cannot run: {reason}; REQUIRE_BROWSER=1 makes this a failure.")
    pytest.skip(f"Browser tests skipped: {reason}.")


def wait_for(url: str, process: subprocess.Popen, what: str, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
            pytest.fail(f"{what} exited early:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"{what} did not come up in {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the run command stops both of its servers on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser_ready() -> None:
    require_browser()


@pytest.fixture(scope="module")
def servers(browser_ready, tmp_path_factory):
    """The assistant as the README's run command starts it (`scripts/assistant.py run`: action server,
    Rasa, and the demo page's server), on free ports with SQLite in tmp. Yields the page's URL."""
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    tmp = tmp_path_factory.mktemp("web")
    page_origin = f"http://127.0.0.1:{web_port}"
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        DATABASE_URL=f"sqlite:///{tmp / 'tracker.db'}",
        WEB_PORT=str(web_port),
        CORS_ORIGINS=page_origin,
        HKTA_AS_OF=os.environ.get("HKTA_AS_OF", "2026-11-22"),
    )
    assistant_log = tmp / "assistant.log"
    with assistant_log.open("w") as log:
        assistant = subprocess.Popen(
            [sys.executable, "scripts/assistant.py", "run"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/", assistant, "the assistant", 900, assistant_log
        )
        wait_for(f"{page_origin}/healthz", assistant, "the web page", 30, assistant_log)
        yield page_origin + "/"
    finally:
        stop(assistant)


@pytest.fixture(scope="module")
def browser(browser_ready):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
