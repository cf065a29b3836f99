"""The README's run command, end to end: it starts both servers, answers through the REST webhook,
remembers the conversation in the SQL store, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

# The scripted applicant (tests/scripted_applicant.py), whose names older tests import from here.
from tests.ports import free_port
from tests.scripted_applicant import (  # noqa: F401
    APPLICANT,
    GROUP_QUESTIONS,
    QUESTIONS,
    interview,
    post,
    reply_to,
    status_of,
    texts,
)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]


def wait_for_banner(process: subprocess.Popen, output: list[str], timeout: float = 600) -> None:
    """Until the run command says "Press Ctrl-C to stop": every server is up and its stop handler is in
    place (Rasa's port answering is not enough: the command may still be waiting for another server)."""
    deadline = time.monotonic() + timeout
    while not any("Press Ctrl-C to stop" in line for line in output):
        if process.poll() is not None:
            time.sleep(1)  # let the reader take the last lines
            pytest.fail("the run command exited early:\n" + "".join(output))
        if time.monotonic() > deadline:
            pytest.fail("the assistant did not come up in time:\n" + "".join(output))
        time.sleep(0.5)


def read_in_background(process: subprocess.Popen) -> list[str]:
    """The command's output, read as it comes (so its pipe never fills), for failure messages."""
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    return output


def start_run_command(database: Path, logs: Path) -> tuple[subprocess.Popen, int, int]:
    """The README's run command on free ports, SQLite at `database`, logs in `logs`; with its Rasa and
    action ports."""
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        WEB_PORT=str(web_port),
        DATABASE_URL=f"sqlite:///{database}",
        HKTA_LOG_DIR=str(logs),  # read by test_no_personal_detail_reaches_the_server_logs
        RASA_API_TOKEN="",  # the default: Rasa's HTTP API off
        # The expected results below hold under the rules in force on this day; without it the test
        # would start failing on the day a rule changes, or on whichever day today is.
        HKTA_AS_OF="2026-11-22",
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/assistant.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, rasa_port, action_port


@dataclass
class RunningAssistant:
    process: subprocess.Popen
    port: int
    database: Path
    logs: Path
    output: list[str]


@pytest.fixture(scope="module")
def running_assistant(tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "tracker.db"
    logs = tmp_path_factory.mktemp("logs")
    process, rasa_port, _ = start_run_command(database, logs)
    output = read_in_background(process)
    try:
        wait_for_banner(process, output)
        yield RunningAssistant(process, rasa_port, database, logs, output)
    finally:
        if process.poll() is None:  # a test failed before the Ctrl-C test: stop the servers it started
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def test_hi_gets_a_greeting_the_menu_and_the_privacy_notice(running_assistant):
    port = running_assistant.port
    replies = texts(post(port, "e2e-first", "hi"))
    assert "guidance assistant for Hong Kong talent visas" in replies
    assert "privacy" in replies.lower()
    assert "QMAS" in replies


def test_the_privacy_notice_is_not_repeated_in_the_same_conversation(running_assistant):
    port, database = running_assistant.port, running_assistant.database
    post(port, "e2e-second", "hello")
    replies = texts(post(port, "e2e-second", "hey there"))
    assert "guidance assistant" in replies
    assert "privacy" not in replies.lower()
    assert database.exists()  # the conversation went to the SQL tracker store


def test_rasas_http_api_is_not_served_without_a_token(running_assistant):
    port = running_assistant.port
    for path in ("/conversations/e2e-second/tracker", "/status", "/model/parse"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
        assert refused.value.code == 404, path


def test_a_whole_interview_ends_with_the_assessment_payload(running_assistant):
    port, database = running_assistant.port, running_assistant.database
    first = "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD"
    assessment, sent = interview(port, "e2e-interview", first)
    assert assessment["as_of"] == "2026-11-22"
    gpt = assessment["qmas"]["general_points_test"]
    assert gpt["threshold"] == 6
    assert gpt["met"] >= 8  # age, HKUST master's, STEM, 2 languages, English, 5+ yrs, MNC, tech, income
    assert status_of(assessment, "qmas") == "eligible"
    assert status_of(assessment, "ttps_a") == "not_eligible"  # HK$1.2m is under HK$2.5m
    assert status_of(assessment, "iang") == "not_eligible"  # never studied in Hong Kong
    assert sent <= 20
    # Answering after the privacy notice recorded consent to it, once, under a hashed sender id.
    with sqlite3.connect(database) as connection:
        consents = connection.execute("SELECT sender_hash, notice_version FROM consents").fetchall()
    assert len(consents) == 1
    assert consents[0][0] != "e2e-interview" and consents[0][1].startswith("sha256:")


def bench_personas() -> list[dict]:
    from bench.effort import personas

    return personas()


@pytest.mark.parametrize("persona", bench_personas(), ids=lambda persona: persona["name"])
def test_every_bench_persona_reaches_the_full_comparison_through_the_real_nlu(running_assistant, persona):
    """bench/effort.py's personas over REST: the in-process bench reads answers without the intent
    classifier, so it cannot see a reply the classifier misreads. One did: "Manchester, 2006, no" was
    read as a correction and the question came back for ever."""
    from bench.effort import OverRest

    sent, _ = OverRest(f"http://127.0.0.1:{running_assistant.port}").converse(persona)
    assert sent <= 8  # issue 4: at most 8 messages; every persona took at most 7 (2026-12-01)


def test_correcting_the_income_after_the_result_recomputes_it(running_assistant):
    port = running_assistant.port
    replies = post(port, "e2e-interview", "actually my income is HK$2.6m")
    payloads = [r["custom"]["assessment"] for r in replies if r.get("custom", {}).get("type") == "assessment"]
    assert "Updated: Income last year: HK$2,600,000." in texts(replies)
    assert payloads, texts(replies)
    assert status_of(payloads[0], "ttps_a") == "eligible"


def test_delete_my_data_removes_the_conversation_from_the_database(running_assistant):
    port, database = running_assistant.port, running_assistant.database
    post(port, "e2e-erase", "I'm 44 and Norwegian")
    assert "Delete this conversation" in texts(post(port, "e2e-erase", "delete my data"))
    assert "I've deleted this conversation" in texts(post(port, "e2e-erase", "yes"))
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT count(*) FROM events WHERE sender_id = 'e2e-erase'").fetchone()[0]
        stored = "\n".join(r[0] for r in connection.execute("SELECT data FROM events"))
    assert rows == 0
    assert "Norwegian" not in stored
    # Writing again starts a new conversation: the privacy notice is shown afresh.
    assert "privacy" in texts(post(port, "e2e-erase", "hi")).lower()


def test_no_personal_detail_reaches_the_server_logs(running_assistant):
    # Distinctive values the conversations above gave; none may be written to any log.
    logs = running_assistant.logs
    said = ["IIT Bombay", "Norwegian", "Hindi", "1.2m HKD", "1,200,000", "HK$2.6m", "2600000"]
    for log in logs.glob("*.log"):
        content = log.read_text(errors="replace")
        assert content, f"{log.name} is empty: nothing was checked"
        assert [value for value in said if value in content] == [], log.name
        # An exception logged with its frames' locals would hold the conversation's slot values.
        assert '"locals"' not in content, log.name


def test_ctrl_c_stops_both_servers_cleanly(running_assistant):
    process, port = running_assistant.process, running_assistant.port
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0, "".join(running_assistant.output)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/rest/", timeout=2)


def test_ctrl_c_while_the_servers_start_leaves_none_running(tmp_path):
    process, rasa_port, action_port = start_run_command(tmp_path / "tracker.db", tmp_path)
    try:
        output = []
        for line in process.stdout:  # the model is trained by now (the fixture above), so this is quick
            output.append(line)
            if "Starting " in line:
                break
        assert any("Starting " in line for line in output), "".join(output)
        process.send_signal(signal.SIGINT)  # Rasa is still loading its model: it takes ~15 s
        assert process.wait(timeout=60) == 130
        assert "nothing is left running" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()

    ports = {str(rasa_port), str(action_port)}
    assert [
        pid for pid, arguments in command_lines() if ports & set(arguments_after(arguments, "--port"))
    ] == []


def command_lines() -> list[tuple[int, list[str]]]:
    """Every process's pid and arguments, from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found.append(
                    (int(entry.name), (entry / "cmdline").read_bytes().decode(errors="replace").split("\0"))
                )
            except OSError:
                continue  # ended meanwhile
    return found


def arguments_after(arguments: list[str], flag: str) -> list[str]:
    return [arguments[i + 1] for i, argument in enumerate(arguments[:-1]) if argument == flag]
