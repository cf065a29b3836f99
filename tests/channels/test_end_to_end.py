"""The messaging channels end to end: the assistant as the README's run command starts it, with Telegram,
WhatsApp (Twilio), Messenger and Slack configured by environment variables whose API URLs point at fakes
of the platforms on 127.0.0.1. Each test posts a platform's real webhook payload, signed as the platform
signs it, and checks what reached the fake API: recipient, text, layout. Forged and unsigned requests
are refused with 403 and answered nowhere. The conversation store and the logs hold no phone number or
platform id. The socket.io channel refuses web pages from origins outside CORS_ORIGINS.

One assistant serves the whole module.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot.storage.identity import pseudonymous_sender_id
from rasa_addons.channels.formatting import BotMessage, number_turn
from tests.channels.fake_platforms import Credentials, FakePlatforms
from tests.scripted_applicant import GROUP_QUESTIONS, QUESTIONS, reply_to
from tests.test_run_command import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.server, pytest.mark.timeout(900)]

ID_SECRET = "test-id-secret-for-the-channel-tests-0123456789"
TELEGRAM_TOKEN = "123456789:TEST-telegram-bot-token"
TELEGRAM_SECRET = "test_telegram_webhook_secret-42"
TWILIO_SID = "AC" + "7" * 32
TWILIO_TOKEN = "test-twilio-auth-token"
TWILIO_NUMBER = "whatsapp:+14155238886"
PUBLIC_URL = "https://bot.example.test"  # the proxy's address: Twilio signs for it, not for 127.0.0.1
FACEBOOK_VERIFY = "test-facebook-verify-token"
FACEBOOK_SECRET = "test-facebook-app-secret"
FACEBOOK_PAGE_TOKEN = "test-facebook-page-token"
SLACK_TOKEN = "xoxb-test-slack-bot-token"
SLACK_SECRET = "test-slack-signing-secret"
ALLOWED_ORIGIN = "http://widget.example.test"

# The people writing: distinctive ids, so that finding them anywhere means they were stored.
TELEGRAM_CHAT = 987654321
PHONE = "+85298765432"
PSID = "7355608123456789"
SLACK_USER = "U0PERSON42"
SLACK_DM = "D0DIRECT42"
RAW_IDS = [str(TELEGRAM_CHAT), PHONE.lstrip("+"), PSID, SLACK_USER, SLACK_DM]

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
GREETING = RESPONSES["utter_greet"][0]["text"]
PRIVACY_NOTICE_START = RESPONSES["utter_privacy_notice"][0]["text"][:40]
CONFIRM_ERASE = RESPONSES["utter_ask_confirm_erase"][0]["text"]
KEPT_DATA = RESPONSES["utter_kept_data"][0]["text"]
TEXTS = yaml.safe_load((ROOT / "bot" / "conversation" / "texts.yaml").read_text(encoding="utf-8"))
REPLY_WITH_NUMBER = TEXTS["channels"]["reply_with_number"]
RESULT_HEADING = TEXTS["result"]["heading"].split("{")[0]
FIRST_MESSAGE = "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD"


@dataclass
class Assistant:
    port: int
    database: Path
    logs: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def platforms():
    fake = FakePlatforms(
        Credentials(TELEGRAM_TOKEN, TWILIO_SID, TWILIO_TOKEN, FACEBOOK_PAGE_TOKEN, SLACK_TOKEN)
    ).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def assistant(platforms, tmp_path_factory):
    rasa_port = free_port()
    tmp = tmp_path_factory.mktemp("channels")
    database, logs = tmp / "tracker.db", tmp / "logs"
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        DATABASE_URL=f"sqlite:///{database}",
        HKTA_LOG_DIR=str(logs),
        HKTA_ID_SECRET=ID_SECRET,
        CORS_ORIGINS=ALLOWED_ORIGIN,
        TELEGRAM_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
        TELEGRAM_WEBHOOK_URL=f"{PUBLIC_URL}/webhooks/telegram/webhook",
        TELEGRAM_API_URL=f"{platforms.url}/telegram",
        TWILIO_ACCOUNT_SID=TWILIO_SID,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_WHATSAPP_NUMBER=TWILIO_NUMBER,
        TWILIO_PUBLIC_URL=PUBLIC_URL,
        TWILIO_API_URL=f"{platforms.url}/twilio",
        FACEBOOK_VERIFY_TOKEN=FACEBOOK_VERIFY,
        FACEBOOK_APP_SECRET=FACEBOOK_SECRET,
        FACEBOOK_PAGE_ACCESS_TOKEN=FACEBOOK_PAGE_TOKEN,
        FACEBOOK_API_URL=f"{platforms.url}/facebook",
        SLACK_BOT_TOKEN=SLACK_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SECRET,
        SLACK_API_URL=f"{platforms.url}/slack/api/",
    )
    output = tmp / "assistant.log"
    with output.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "scripts/assistant.py", "run"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    running = Assistant(rasa_port, database, logs, process)
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                pytest.fail(f"the run command exited early:\n{output.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(running.url("/webhooks/rest/"), timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the assistant did not come up in time")
                time.sleep(1)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# ---- Telegram -----------------------------------------------------------------------------------

TELEGRAM_PERSON = {"id": TELEGRAM_CHAT, "is_bot": False, "first_name": "Tai Man", "language_code": "en"}


def telegram_message(text: str, update_id: int) -> dict:
    chat = {"id": TELEGRAM_CHAT, "first_name": "Tai Man", "type": "private"}
    message = {
        "message_id": update_id,
        "from": TELEGRAM_PERSON,
        "chat": chat,
        "date": 1_760_000_000,
        "text": text,
    }
    return {"update_id": update_id, "message": message}


def telegram_tap(data: str, update_id: int) -> dict:
    message = telegram_message("(the bot's message)", update_id)["message"]
    message["from"] = {"id": 123456789, "is_bot": True, "first_name": "Assistant"}
    query = {
        "id": f"4{update_id}",
        "from": TELEGRAM_PERSON,
        "message": message,
        "chat_instance": "-1",
        "data": data,
    }
    return {"update_id": update_id, "callback_query": query}


def post_telegram(
    assistant: Assistant, update: dict, secret: str | None = TELEGRAM_SECRET
) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return post(assistant.url("/webhooks/telegram/webhook"), json.dumps(update).encode(), headers)


def test_telegram_webhook_is_registered_with_its_secret_at_start(assistant, platforms):
    registered = [c for c in platforms.calls if (c.platform, c.method) == ("telegram", "setWebhook")]
    assert len(registered) == 1 and registered[0].authorised
    assert registered[0].params["url"] == f"{PUBLIC_URL}/webhooks/telegram/webhook"
    assert registered[0].params["secret_token"] == TELEGRAM_SECRET


def test_telegram_message_is_answered_in_the_chat_with_an_inline_keyboard(assistant, platforms):
    start = len(platforms.calls)
    assert post_telegram(assistant, telegram_message("/start", 1001)) == (200, "ok")
    sent = platforms.calls_since(start, "telegram", "sendMessage")
    assert sent and all(c.authorised for c in sent)
    assert {c.params["chat_id"] for c in sent} == {str(TELEGRAM_CHAT)}
    assert GREETING in sent[0].params["text"]  # "/start" greets
    keyboards = [json.loads(c.params["reply_markup"]) for c in sent if c.params.get("reply_markup")]
    buttons = [button for keyboard in keyboards for row in keyboard["inline_keyboard"] for button in row]
    assert {"text": "Privacy", "callback_data": "/ask_privacy"} in buttons
    assert all(len(row) == 1 for keyboard in keyboards for row in keyboard["inline_keyboard"])

    start = len(platforms.calls)
    assert post_telegram(assistant, telegram_tap("/ask_privacy", 1002)) == (200, "ok")
    assert [
        c.params["callback_query_id"] for c in platforms.calls_since(start, "telegram", "answerCallbackQuery")
    ]
    texts = [c.params["text"] for c in platforms.calls_since(start, "telegram", "sendMessage")]
    assert any(text.startswith(PRIVACY_NOTICE_START) for text in texts), texts


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
def test_telegram_request_without_the_secret_is_refused_and_answered_nowhere(assistant, platforms, secret):
    start = len(platforms.calls)
    status, _ = post_telegram(assistant, telegram_message("hi", 1003), secret=secret)
    assert status == 403
    time.sleep(0.5)
    assert platforms.calls_since(start) == []


# ---- WhatsApp through Twilio -----------------------------------------------------------------------


def whatsapp_form(text: str, number: int) -> dict[str, str]:
    """What Twilio posts for an incoming WhatsApp message."""
    return {
        "SmsMessageSid": f"SM{number:032d}", "NumMedia": "0", "ProfileName": "Chan Tai Man",
        "MessageType": "text", "SmsSid": f"SM{number:032d}", "WaId": PHONE.lstrip("+"),
        "SmsStatus": "received", "Body": text, "To": TWILIO_NUMBER, "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": f"SM{number:032d}", "AccountSid": TWILIO_SID,
        "From": f"whatsapp:{PHONE}", "ApiVersion": "2010-04-01",
    }  # fmt: skip


def twilio_signature(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    """As Twilio documents it: the URL, then each parameter name and value sorted by name, HMAC-SHA1."""
    signed = url + "".join(name + form[name] for name in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


WEBHOOK_PATH = "/webhooks/twilio/webhook"


def post_whatsapp(
    assistant: Assistant, form: dict[str, str], signature: str | None = "sign"
) -> tuple[int, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature == "sign":
        signature = twilio_signature(PUBLIC_URL + WEBHOOK_PATH, form)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return post(assistant.url(WEBHOOK_PATH), urllib.parse.urlencode(form).encode(), headers)


def whatsapp(assistant: Assistant, platforms: FakePlatforms, text: str, number: int) -> list[str]:
    start = len(platforms.calls)
    assert post_whatsapp(assistant, whatsapp_form(text, number))[0] == 204
    sent = platforms.calls_since(start, "twilio")
    assert sent and all(c.authorised for c in sent)
    assert {(c.params["To"], c.params["From"]) for c in sent} == {(f"whatsapp:{PHONE}", TWILIO_NUMBER)}
    bodies = [c.params["Body"] for c in sent]
    assert all(len(body) <= 1600 for body in bodies)
    return bodies


def user_texts(assistant: Assistant, sender_id: str) -> list[str]:
    """What the conversation store kept as the person's messages."""
    with sqlite3.connect(assistant.database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def bot_turn(assistant: Assistant, sender_id: str) -> list[BotMessage]:
    """The bot's messages of the latest turn, as the conversation store kept them."""
    with sqlite3.connect(assistant.database) as connection:
        rows = connection.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
        ).fetchall()
    turn: list[BotMessage] = []
    for type_name, data in rows:
        if type_name == "user":
            turn = []
        elif type_name == "bot":
            event = json.loads(data)
            turn.append(BotMessage.from_rasa({"text": event.get("text"), **(event.get("data") or {})}))
    return [message for message in turn if not message.is_empty]


WHATSAPP_SENDER = pseudonymous_sender_id("twilio", PHONE, ID_SECRET.encode())


def test_whatsapp_message_is_answered_to_the_number_with_numbered_options(assistant, platforms):
    bodies = whatsapp(assistant, platforms, "hi", 1)
    assert GREETING in bodies[0]
    assert len(bodies) == 1, "the turn's texts go out together"
    assert bodies[0].endswith(f"\n1. Privacy\n2. Start over\n\n{REPLY_WITH_NUMBER}")

    bodies = whatsapp(assistant, platforms, "delete my data", 2)
    assert bodies == [f"{CONFIRM_ERASE}\n1. Yes, delete it\n2. No, keep it\n\n{REPLY_WITH_NUMBER}"]

    # "2" is option 2: keep the data. The conversation records the option's payload.
    assert KEPT_DATA in "\n".join(whatsapp(assistant, platforms, "2", 3))
    assert user_texts(assistant, WHATSAPP_SENDER)[-1] == "/deny"

    # The answer had no options: now a digit is only a digit.
    whatsapp(assistant, platforms, "2", 4)
    assert user_texts(assistant, WHATSAPP_SENDER)[-1] == "2"


def last_question(text: str) -> str | None:
    """The slot or question group the latest question in ``text`` asks about."""
    found = [(text.rfind(q), slot) for q, slot in QUESTIONS.items() if q in text]
    found += [(text.rfind(start), name) for start, name in GROUP_QUESTIONS.items() if start in text]
    return max(found)[1] if found else None


def test_a_whole_interview_on_whatsapp_ends_with_the_result_as_text_split_between_lines(assistant, platforms):
    bodies = whatsapp(assistant, platforms, FIRST_MESSAGE, 10)
    for number in range(11, 60):
        if any(RESULT_HEADING in body for body in bodies):
            break
        asked = last_question("\n\n".join(bodies))
        assert asked, f"no question and no result in: {bodies}"
        bodies = whatsapp(assistant, platforms, reply_to(asked), number)
    else:
        pytest.fail("no result on WhatsApp after 50 messages")

    # The card's content arrives as the text messages the bot sends beside it, never as JSON.
    text = "\n\n".join(bodies)
    assert "Quality Migrant Admission Scheme" in text and "QMAS points test" in text
    assert '"assessment"' not in text and "'assessment'" not in text
    # Longer than one WhatsApp message: split between paragraphs or lines, no line cut.
    assert len(text) > 1600 and len(bodies) > 1
    (whole,) = number_turn(bot_turn(assistant, WHATSAPP_SENDER), 10**6, REPLY_WITH_NUMBER).messages
    sent_lines = [line.strip() for body in bodies for line in body.split("\n") if line.strip()]
    assert sent_lines == [line.strip() for line in whole.split("\n") if line.strip()]

    # The options at its end are numbered, and their numbers work.
    show_answers = re.search(r"^(\d+)\. Show my answers$", bodies[-1], re.MULTILINE)
    assert show_answers and bodies[-1].endswith(REPLY_WITH_NUMBER)
    summary = "\n".join(whatsapp(assistant, platforms, show_answers.group(1), 60))
    assert "IIT Bombay" in summary


@pytest.mark.parametrize(
    "forgery",
    ["unsigned", "wrong token", "signed for the internal URL", "body changed after signing"],
)
def test_whatsapp_request_not_signed_by_twilio_is_refused_and_answered_nowhere(assistant, platforms, forgery):
    form = whatsapp_form("hi", 99)
    signature = {
        "unsigned": None,
        "wrong token": twilio_signature(PUBLIC_URL + WEBHOOK_PATH, form, token="not-the-token"),
        "signed for the internal URL": twilio_signature(assistant.url(WEBHOOK_PATH), form),
        "body changed after signing": twilio_signature(PUBLIC_URL + WEBHOOK_PATH, form),
    }[forgery]
    if forgery == "body changed after signing":
        form = {**form, "Body": "delete my data"}
    start = len(platforms.calls)
    assert post_whatsapp(assistant, form, signature=signature)[0] == 403
    time.sleep(0.5)
    assert platforms.calls_since(start) == []


# ---- Facebook Messenger ------------------------------------------------------------------------------


def messenger_event(
    text: str | None = None, quick_reply: str | None = None, postback: str | None = None
) -> dict:
    event: dict = {"sender": {"id": PSID}, "recipient": {"id": "1122334455"}, "timestamp": 1_760_000_000_000}
    if postback:
        event["postback"] = {"title": "Yes", "payload": postback, "mid": "m_postback"}
    else:
        event["message"] = {"mid": "m_1", "text": text}
        if quick_reply:
            event["message"]["quick_reply"] = {"payload": quick_reply}
    return {
        "object": "page",
        "entry": [{"id": "1122334455", "time": 1_760_000_000_000, "messaging": [event]}],
    }


def post_messenger(
    assistant: Assistant, payload: dict, secret: str | None = FACEBOOK_SECRET
) -> tuple[int, str]:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:  # Meta sends both signatures
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        headers["X-Hub-Signature-256"] = (
            "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        )
    return post(assistant.url("/webhooks/facebook/webhook"), body, headers)


def messenger(assistant: Assistant, platforms: FakePlatforms, payload: dict) -> list[dict]:
    start = len(platforms.calls)
    assert post_messenger(assistant, payload) == (200, "success")
    sent = platforms.calls_since(start, "facebook")
    assert sent and all(c.authorised for c in sent)
    assert {c.params["recipient"]["id"] for c in sent} == {PSID}
    assert all(c.query.get("appsecret_proof") for c in sent)
    return [c.params["message"] for c in sent]


def test_messenger_verification_handshake_needs_the_verify_token(assistant):
    query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
    assert get(assistant.url("/webhooks/facebook/webhook?" + query + FACEBOOK_VERIFY)) == (200, "1158201444")
    assert get(assistant.url("/webhooks/facebook/webhook?" + query + "guess"))[0] == 403


def test_messenger_message_is_answered_with_quick_replies(assistant, platforms):
    messages = messenger(assistant, platforms, messenger_event("hi"))
    assert GREETING in messages[0]["text"]
    assert all(len(m["text"]) <= 2000 for m in messages)

    messages = messenger(assistant, platforms, messenger_event("delete my data"))
    assert messages[-1]["text"] == CONFIRM_ERASE
    assert messages[-1]["quick_replies"] == [
        {"content_type": "text", "title": "Yes, delete it", "payload": "/affirm"},
        {"content_type": "text", "title": "No, keep it", "payload": "/deny"},
    ]
    # Tapping "No, keep it" sends its title as text and its payload as the quick reply.
    messages = messenger(assistant, platforms, messenger_event("No, keep it", quick_reply="/deny"))
    assert KEPT_DATA in [m["text"] for m in messages]


def test_messenger_request_with_a_wrong_signature_is_refused_and_answered_nowhere(assistant, platforms):
    start = len(platforms.calls)
    assert post_messenger(assistant, messenger_event("hi"), secret=None)[0] == 403
    assert post_messenger(assistant, messenger_event("hi"), secret="not-the-app-secret")[0] == 403
    time.sleep(0.5)
    assert platforms.calls_since(start) == []


# ---- Slack -------------------------------------------------------------------------------------------


def slack_event(text: str) -> dict:
    event = {
        "type": "message", "channel_type": "im", "user": SLACK_USER, "text": text,
        "ts": f"{time.time():.6f}", "channel": SLACK_DM, "event_ts": f"{time.time():.6f}",
    }  # fmt: skip
    return {
        "token": "legacy-verification-token", "team_id": "T0TEAM", "api_app_id": "A0APP", "event": event,
        "type": "event_callback", "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()),
        "authorizations": [{"user_id": "U0THEBOT", "is_bot": True, "team_id": "T0TEAM"}],
    }  # fmt: skip


def post_slack(
    assistant: Assistant,
    payload: dict,
    secret: str = SLACK_SECRET,
    timestamp: int | None = None,
    sign: bool = True,
) -> tuple[int, str]:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp}
    if sign:
        digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
        headers["X-Slack-Signature"] = f"v0={digest}"
    return post(assistant.url("/webhooks/slack/webhook"), body, headers)


def test_slack_url_verification_is_answered(assistant):
    status, body = post_slack(assistant, {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV"})
    assert status == 200 and json.loads(body) == "3eZbrw1aBm2rZgRNFdxV"


def test_slack_direct_message_is_answered_in_its_channel_with_buttons(assistant, platforms):
    start = len(platforms.calls)
    assert post_slack(assistant, slack_event("hi"))[0] == 200
    posts = platforms.wait_for(start, "slack", "chat.postMessage", count=3)
    assert all(c.authorised for c in posts)
    assert {c.params["channel"] for c in posts} == {SLACK_DM}
    assert GREETING in posts[0].params["text"]
    with_buttons = [c.params for c in posts if c.params.get("blocks")]
    assert with_buttons, "the capabilities message has its buttons"
    actions = [b for b in with_buttons[0]["blocks"] if b["type"] == "actions"]
    values = [element["value"] for block in actions for element in block["elements"]]
    assert values == ["/ask_privacy", "/start_over"]
    assert all("as_user" not in c.params for c in posts)


def test_slack_button_click_sends_its_payload(assistant, platforms):
    click = {
        "type": "block_actions", "user": {"id": SLACK_USER, "team_id": "T0TEAM"},
        "channel": {"id": SLACK_DM, "name": "directmessage"}, "message": {"ts": f"{time.time():.6f}"},
        "actions": [{"type": "button", "action_id": "option-0", "value": "/ask_privacy"}],
    }  # fmt: skip
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    start = len(platforms.calls)
    assert post(assistant.url("/webhooks/slack/webhook"), body, headers)[0] == 200
    posts = platforms.wait_for(start, "slack", "chat.postMessage")
    assert {c.params["channel"] for c in posts} == {SLACK_DM}
    assert any(c.params["text"].startswith(PRIVACY_NOTICE_START) for c in posts)


@pytest.mark.parametrize("forgery", ["unsigned", "wrong secret", "replayed an hour later"])
def test_slack_request_not_signed_by_slack_is_refused_and_answered_nowhere(assistant, platforms, forgery):
    start = len(platforms.calls)
    arguments = {
        "unsigned": {"sign": False},
        "wrong secret": {"secret": "not-the-signing-secret"},
        "replayed an hour later": {"timestamp": int(time.time()) - 3600},
    }[forgery]
    assert post_slack(assistant, slack_event("hi"), **arguments)[0] == 403
    time.sleep(2)  # Slack's replies are sent in the background: give one the time to appear
    assert platforms.calls_since(start) == []


# ---- privacy and the web origin ------------------------------------------------------------------


def test_the_conversation_store_holds_pseudonyms_not_phone_numbers_or_platform_ids(assistant):
    with sqlite3.connect(assistant.database) as connection:
        senders = {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}
        stored = "\n".join(" ".join(map(str, row)) for row in connection.execute("SELECT * FROM events"))
    secret = ID_SECRET.encode()
    expected = {
        pseudonymous_sender_id("telegram", str(TELEGRAM_CHAT), secret),
        pseudonymous_sender_id("twilio", PHONE, secret),
        pseudonymous_sender_id("facebook", PSID, secret),
        pseudonymous_sender_id("slack", SLACK_USER, secret),
    }
    assert senders == expected
    assert all(re.fullmatch(r"(telegram|twilio|facebook|slack):[0-9a-f]{64}", sender) for sender in senders)
    assert [raw for raw in RAW_IDS if raw in stored] == []
    assert "Chan Tai Man" not in stored and "Tai Man" not in stored  # profile names are not kept either


def test_no_phone_number_or_platform_id_reaches_the_server_logs(assistant):
    logs = list(assistant.logs.glob("*.log"))
    assert logs
    for log in logs:
        content = log.read_text(errors="replace")
        assert [raw for raw in RAW_IDS if raw in content] == [], log.name


def socketio_reply_to_connect(assistant: Assistant, origin: str) -> str:
    """Open a WebSocket to the socket.io endpoint as a browser on ``origin`` would, ask to connect to the
    default namespace, and return the server's answer: a socket.io CONNECT ("40...") or CONNECT_ERROR
    ("44...") packet."""

    async def attempt() -> str:
        url = f"ws://127.0.0.1:{assistant.port}/socket.io/?EIO=4&transport=websocket"
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url, headers={"Origin": origin}) as ws,
        ):
            opened = await ws.receive_str(timeout=10)
            assert opened.startswith("0{"), opened  # engine.io OPEN
            await ws.send_str("40")  # socket.io CONNECT to "/"
            return await ws.receive_str(timeout=10)

    return asyncio.run(attempt())


def test_socketio_accepts_only_the_configured_web_origins(assistant):
    assert socketio_reply_to_connect(assistant, ALLOWED_ORIGIN).startswith("40{")
    refusal = socketio_reply_to_connect(assistant, "http://evil.example.test")
    assert refusal.startswith("44"), refusal
