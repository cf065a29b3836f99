"""Several replicas, end to end: `python scripts/assistant.py replicas` starts two Rasa servers behind the
round-robin proxy, sharing a fresh PostgreSQL database (the erasing tracker store) and a Redis db (the
lock store), with one action server. Fifty scripted applicants with different profiles are interviewed at
once through the proxy's REST webhook, so consecutive messages of a conversation reach different
replicas. Each must end with the assessment the engine gives the same profile directly, and the events
table must hold every message once, in order, each followed by the replies it got.

One arrangement serves the whole module; the database is dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import sqlalchemy as sa

from bot.engine import assess_json
from tests.ports import free_ports
from tests.scripted_applicant import checklist_answer, interview, post, texts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.server, pytest.mark.services, pytest.mark.timeout(1200)]

REPLICAS = 2
CONVERSATIONS = 50
REDIS_DB = 14  # not the other tests' 15: this module's locks live apart from theirs
API_TOKEN = secrets.token_hex(16)


@dataclass(frozen=True)
class Applicant:
    """An applicant: the facts as a profile (bot/profile.py) for the engine, what they say first, and
    their answers to the assistant's questions, all made from those facts."""

    name: str
    first_message: str
    profile: dict[str, Any]

    def value(self, field_path: str) -> Any:
        value: Any = self.profile
        for part in field_path.split("."):
            value = value.get(part)
        return value

    @property
    def answers(self) -> dict[str, Any]:
        both = self.value("good_character") and self.value("self_supporting")
        said: dict[str, Any] = {
            "prerequisites": "yes" if both else "no",
            "languages_english": "English and Hindi",  # the profile's languages, as one would say them
            "bachelor_institution": self.value("bachelor_institution"),
            "bachelor_graduation_year": str(self.value("bachelor_graduation_year")),
        }
        for group in ("work", "stem", "circumstances"):  # the numbers of the options the profile makes true
            said[group] = partial(checklist_answer, profile=self.profile)
        for field_path in YES_NO_FIELDS:
            if self.value(field_path) is not None:  # else the question is skipped
                said[field_path.replace(".", "_")] = "yes" if self.value(field_path) else "no"
        for field_path in NUMBER_FIELDS:
            said[field_path] = str(int(self.value(field_path))) if self.value(field_path) else "none"
        return said


YES_NO_FIELDS = (
    "bachelor_stem", "postgraduate_stem", "owns_listed_company", "job_offer.has_offer",
    "job_offer.market_pay", "job_offer.degree_level", "job_offer.techtas_rd", "hk_study",
    "parent_hk_permanent_resident", "exceptional_achievement", "good_character", "self_supporting",
)  # fmt: skip
NUMBER_FIELDS = (
    "work_experience_last_5_years", "multinational_years", "specified_field_years", "international_years",
    "business_profit_hkd", "net_assets_hkd",
)  # fmt: skip

# The software engineer of tests/test_run_command.py.
ENGINEER = {
    "age": 32,
    "nationality": "IN",
    "degree_level": "master",
    "bachelor_institution": "IIT Bombay",
    "bachelor_graduation_year": 2016,
    "bachelor_stem": True,
    "postgraduate_institution": "The Hong Kong University of Science and Technology",
    "postgraduate_stem": True,
    "work_experience_years": 8,
    "work_experience_last_5_years": 5,
    "multinational_years": 8,
    "specified_field_years": 8,
    "international_years": 0,
    "annual_income_hkd": 1_200_000,
    "business_profit_hkd": 0,
    "owns_listed_company": False,
    "languages": {"english": True, "chinese": False, "other": ["Hindi"]},
    "job_offer": {"has_offer": False, "market_pay": False, "degree_level": False, "techtas_rd": False},
    "hk_study": False,
    "parent_hk_permanent_resident": False,
    "exceptional_achievement": False,
    "net_assets_hkd": 0,
    "good_character": True,
    "self_supporting": True,
}
APPLICANTS = [
    Applicant(
        "engineer",
        "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD",
        ENGINEER,
    ),
    Applicant(  # TTPS A: an income of HK$2.5m or more
        "high earner",
        "I'm 38, Indian, master's in CS from HKUST, 12 years at Google, earn about 3m HKD",
        {**ENGINEER, "age": 38, "work_experience_years": 12, "annual_income_hkd": 3_000_000},
    ),
    Applicant(  # GEP: a job offer at market pay
        "job offer",
        "I'm 45, Indian, master's in CS from HKUST, 20 years at Google, earn about 1.2m HKD",
        {
            **ENGINEER,
            "age": 45,
            "work_experience_years": 20,
            "job_offer": {"has_offer": True, "market_pay": True, "degree_level": True, "techtas_rd": False},
        },
    ),
    Applicant(
        "young graduate",
        "I'm 24, Indian, bachelor's in CS from IIT Bombay, 1 year at Google, earn about 300k HKD",
        {
            **{k: v for k, v in ENGINEER.items() if not k.startswith("postgraduate_")},
            "age": 24,
            "degree_level": "bachelor",
            "bachelor_graduation_year": 2024,
            "work_experience_years": 1,
            "work_experience_last_5_years": 1,
            "multinational_years": 1,
            "specified_field_years": 1,
            "annual_income_hkd": 300_000,
        },
    ),
    Applicant(  # a nationality that no scheme admits ends the interview at once
        "excluded nationality",
        "I'm 30, Afghan, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD",
        {**ENGINEER, "age": 30, "nationality": "AF"},
    ),
]


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@pytest.fixture(scope="module")
def database_url(postgres_url):
    """A database of its own, so the row counts below see only this module's conversations."""
    name = f"hkta_replicas_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield with_path(postgres_url, f"/{name}")
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def lock_redis_url(redis_url):
    return with_path(redis_url, f"/{REDIS_DB}")


@dataclass
class Arrangement:
    process: subprocess.Popen
    proxy_port: int
    replica_urls: list[str]
    database_url: str
    redis_url: str
    output: list[str]

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.proxy_port}/_proxy/stats", timeout=10) as r:
            return json.loads(r.read())["backends"]


@pytest.fixture(scope="module")
def replicas(database_url, lock_redis_url, tmp_path_factory):
    proxy_port, action_port = free_ports(REPLICAS + 1), free_ports(1)
    env = dict(
        os.environ,
        RASA_PORT=str(proxy_port),
        ACTION_PORT=str(action_port),
        REPLICAS=str(REPLICAS),
        DATABASE_URL=database_url,
        REDIS_URL=lock_redis_url,
        RASA_API_TOKEN=API_TOKEN,
        HKTA_ID_SECRET="test-id-secret-for-the-replicas-test-0123456789",
        HKTA_LOG_DIR=str(tmp_path_factory.mktemp("logs")),
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/assistant.py", "replicas"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    arrangement = Arrangement(
        process,
        proxy_port,
        [f"http://127.0.0.1:{proxy_port + i}" for i in range(1, REPLICAS + 1)],
        database_url,
        lock_redis_url,
        output,
    )
    try:
        deadline = time.monotonic() + 600
        while not any("Press Ctrl-C to stop" in line for line in output):
            if process.poll() is not None:
                reader.join(timeout=5)
                pytest.fail("the replicas command exited early:\n" + "".join(output))
            if time.monotonic() > deadline:
                pytest.fail("the replicas did not come up in time:\n" + "".join(output))
            time.sleep(0.5)
        yield arrangement
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class Conversation:
    sender: str
    applicant: Applicant
    assessment: dict | None = None
    transcript: list[tuple[str, list[dict]]] = field(default_factory=list)
    error: BaseException | None = None


@pytest.fixture(scope="module")
def conversations(replicas):
    """All the interviews, at once; then what the proxy counted."""
    run = [
        Conversation(f"replica-test-{i}-{uuid.uuid4().hex[:8]}", APPLICANTS[i % len(APPLICANTS)])
        for i in range(CONVERSATIONS)
    ]

    def have(conversation: Conversation) -> None:
        applicant = conversation.applicant
        try:
            conversation.assessment, _ = interview(
                replicas.proxy_port,
                conversation.sender,
                applicant.first_message,
                applicant.answers,
                conversation.transcript,
            )
        except BaseException as error:  # reported by the test, with the sender
            conversation.error = error

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        list(pool.map(have, run))
    seconds = time.monotonic() - started
    return run, replicas.stats(), seconds


def expected_statuses(applicant: Applicant, as_of: str) -> dict[str, str]:
    assessment = assess_json(applicant.profile, dt.date.fromisoformat(as_of))
    return {scheme["id"]: scheme["status"] for scheme in assessment["schemes"]}


def statuses(assessment: dict) -> dict[str, str]:
    return {scheme["id"]: scheme["status"] for scheme in assessment["schemes"]}


def test_fifty_interviews_at_once_through_the_proxy_each_end_with_the_engines_assessment(conversations):
    run, _, _ = conversations
    failed = [(c.sender, c.applicant.name, repr(c.error)) for c in run if c.error is not None]
    assert failed == []
    for conversation in run:
        got = conversation.assessment
        assert statuses(got) == expected_statuses(conversation.applicant, got["as_of"]), (
            conversation.applicant.name
        )
    # Known from the rules alone, whatever the engine says: which profile each scheme is for.
    for conversation in run:
        got = statuses(conversation.assessment)
        name = conversation.applicant.name
        assert (got["ttps_a"] == "eligible") == (name == "high earner"), (name, got)  # HK$2.5m or more
        assert (got["gep"] == "eligible") == (name == "job offer"), (name, got)
        assert (set(got.values()) == {"not_eligible"}) == (name == "excluded nationality"), (name, got)
    # The profiles differ in their results, so a mix-up between conversations would show.
    results = {c.applicant.name: json.dumps(statuses(c.assessment), sort_keys=True) for c in run}
    assert len(set(results.values())) == len(APPLICANTS)


def test_every_replica_served_a_share_of_the_messages(conversations, replicas):
    run, stats, seconds = conversations
    sent = sum(len(c.transcript) for c in run)
    assert set(stats) == set(replicas.replica_urls)
    assert sum(stats.values()) == sent  # every message went through the proxy to a replica, once
    for url, served in stats.items():
        assert served >= 0.4 * sent / REPLICAS, (url, stats)
    print(f"{len(run)} interviews, {sent} messages in {seconds:.0f} s; served per replica: {stats}")


def stored_events(database_url: str, senders: list[str]) -> dict[str, list[dict]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT sender_id, id, type_name, timestamp, action_name, data FROM events "
                    "WHERE sender_id IN :senders ORDER BY id"
                ).bindparams(sa.bindparam("senders", expanding=True)),
                {"senders": senders},
            ).all()
    finally:
        engine.dispose()
    events: dict[str, list[dict]] = defaultdict(list)
    for sender, row_id, type_name, timestamp, action_name, data in rows:
        stored = {"id": row_id, "type": type_name, "timestamp": timestamp, "action": action_name}
        events[sender].append({**stored, **json.loads(data)})
    return events


def turns(events: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Each stored user message with the events after it, up to the next user message."""
    result: list[tuple[dict, list[dict]]] = []
    for event in events:
        if event["type"] == "user":
            result.append((event, []))
        elif result:
            result[-1][1].append(event)
    return result


def assert_turn_stored_whole(message: str, replies: list[dict], user: dict, after: list[dict]) -> None:
    assert user["text"] == message
    bot = [event for event in after if event["type"] == "bot"]
    assert [event.get("text") for event in bot] == [reply.get("text") for reply in replies], message
    actions = [event["action"] for event in after if event["type"] == "action"]
    assert actions and actions[-1] == "action_listen", (message, actions)  # the turn ended here


def test_every_message_is_stored_once_in_order_followed_by_the_replies_it_got(conversations, replicas):
    run, _, _ = conversations
    events = stored_events(replicas.database_url, [c.sender for c in run])
    for conversation in run:
        stored = events[conversation.sender]
        assert [e["id"] for e in stored] == sorted(e["id"] for e in stored)
        assert [e["timestamp"] for e in stored] == sorted(e["timestamp"] for e in stored)
        stored_turns = turns(stored)
        assert [user["text"] for user, _ in stored_turns] == [m for m, _ in conversation.transcript]
        for (message, replies), (user, after) in zip(conversation.transcript, stored_turns, strict=True):
            assert_turn_stored_whole(message, replies, user, after)


def test_two_messages_at_once_on_two_replicas_are_both_stored_whole(replicas):
    # The lock store's job: the turns run one after the other, whichever replica gets which message.
    pairs = ("show my answers", "how long does TTPS take?")
    senders = [f"replica-pair-{i}-{uuid.uuid4().hex[:8]}" for i in range(6)]
    replies: dict[tuple[str, str], list[dict]] = {}
    before = replicas.stats()
    for sender in senders:
        post(replicas.proxy_port, sender, "hi")
        # Sent together with nothing else in flight, the two reach the proxy one after the other, so
        # round robin gives them to different replicas.
        with ThreadPoolExecutor(max_workers=2) as pool:
            answered = pool.map(lambda message, s=sender: post(replicas.proxy_port, s, message), pairs)
            for message, got in zip(pairs, answered, strict=True):
                replies[sender, message] = got
    after = replicas.stats()
    assert all(after[url] - before[url] >= len(senders) for url in replicas.replica_urls), (before, after)
    events = stored_events(replicas.database_url, senders)
    for sender in senders:
        stored_turns = turns(events[sender])
        assert stored_turns[0][0]["text"] == "hi"
        assert sorted(user["text"] for user, _ in stored_turns[1:]) == sorted(pairs)
        for user, rest in stored_turns[1:]:
            assert_turn_stored_whole(user["text"], replies[sender, user["text"]], user, rest)
            assert texts(replies[sender, user["text"]])


def test_no_lock_is_left_behind(conversations, replicas):
    run, _, _ = conversations
    parts = urlsplit(replicas.redis_url)
    client = redis.Redis(host=parts.hostname, port=parts.port or 6379, db=REDIS_DB, password=parts.password)
    left = [c.sender for c in run if client.exists(f"hkta:lock:{c.sender}")]
    assert left == []


def test_the_http_api_answers_only_with_the_token(conversations, replicas):
    run, _, _ = conversations
    sender = run[0].sender
    url = f"http://127.0.0.1:{replicas.proxy_port}/conversations/{sender}/tracker"
    for query in ("", "?token=wrong"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + query, timeout=30)
        assert refused.value.code == 401
    with urllib.request.urlopen(f"{url}?token={API_TOKEN}", timeout=30) as response:
        tracker = json.loads(response.read())
    assert tracker["sender_id"] == sender
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == [message for message, _ in run[0].transcript]


def test_delete_my_data_on_one_replica_and_yes_on_the_other_erases_the_conversation(conversations, replicas):
    # The erasing tracker store on PostgreSQL, with the confirmation reaching the other replica.
    run, _, _ = conversations
    sender = run[1].sender
    before = replicas.stats()
    assert "Delete this conversation" in texts(post(replicas.proxy_port, sender, "delete my data"))
    assert "I've deleted this conversation" in texts(post(replicas.proxy_port, sender, "yes"))
    after = replicas.stats()
    assert all(after[url] > before[url] for url in replicas.replica_urls)  # one message each
    assert stored_events(replicas.database_url, [sender]) == {}
    assert "privacy" in texts(post(replicas.proxy_port, sender, "hi")).lower()  # a new conversation
