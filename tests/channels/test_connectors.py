"""The connectors' own rules, without a server: signatures as each platform defines them, settings that
fail clearly, updates read as the platforms send them, replies laid out within each platform's limits,
and a numbered choice read back from the conversation store."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.channels import facebook, slack, telegram, twilio
from rasa_addons.channels.formatting import BotMessage, Button
from rasa_addons.channels.turns import ChannelSettingsError, TurnReplies, read_numbered_choice, same_secret
from tests.channels.test_formatting import YES_NO

# ---- signatures ----------------------------------------------------------------------------------------

# Twilio's documented example (www.twilio.com/docs/usage/security): auth token 12345.
TWILIO_EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_EXAMPLE_PARAMS = {
    "CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
    "From": "+12349013030", "To": "+18005551212",
}  # fmt: skip
TWILIO_EXAMPLE_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_twilio_signature_matches_twilios_documented_example():
    assert twilio.signature_is_valid(
        "12345", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_SIGNATURE
    )
    # The same with the default port written out: Twilio signs either form.
    with_port = TWILIO_EXAMPLE_URL.replace(".com/", ".com:443/")
    assert twilio.signature_is_valid("12345", with_port, TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_SIGNATURE)


@pytest.mark.parametrize(
    ("token", "url", "params", "signature"),
    [
        ("12346", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_SIGNATURE),
        (
            "12345",
            TWILIO_EXAMPLE_URL.replace("https", "http"),
            TWILIO_EXAMPLE_PARAMS,
            TWILIO_EXAMPLE_SIGNATURE,
        ),
        ("12345", TWILIO_EXAMPLE_URL, {**TWILIO_EXAMPLE_PARAMS, "Digits": "1235"}, TWILIO_EXAMPLE_SIGNATURE),
        ("12345", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, TWILIO_EXAMPLE_SIGNATURE.lower()),
        ("12345", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, ""),
        ("12345", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, None),
        ("12345", TWILIO_EXAMPLE_URL, TWILIO_EXAMPLE_PARAMS, "é" * 28),
    ],
    ids=[
        "other token",
        "other URL",
        "changed parameter",
        "changed signature",
        "empty",
        "missing",
        "not ascii",
    ],
)
def test_twilio_signature_refuses_anything_else(token, url, params, signature):
    assert not twilio.signature_is_valid(token, url, params, signature)


def test_messenger_signature_is_sha256_of_the_raw_body():
    body = b'{"object":"page","entry":[]}'
    good = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert facebook.signature_is_valid("app-secret", body, good)
    assert not facebook.signature_is_valid("app-secret", body + b" ", good)
    assert not facebook.signature_is_valid("other-secret", body, good)
    sha1 = "sha1=" + hmac.new(b"app-secret", body, hashlib.sha1).hexdigest()
    assert not facebook.signature_is_valid("app-secret", body, sha1), "the header cannot choose a weaker hash"
    assert not facebook.signature_is_valid("app-secret", body, None)


def test_secrets_are_compared_whole_and_a_missing_one_never_matches():
    assert same_secret("s3cret", "s3cret")
    assert not same_secret("s3cre", "s3cret") and not same_secret("s3cretx", "s3cret")
    assert not same_secret(None, "s3cret") and not same_secret("", "")


# ---- settings ------------------------------------------------------------------------------------------


def test_a_connector_names_the_credentials_it_lacks():
    with pytest.raises(ChannelSettingsError, match="missing secret_token"):
        telegram.TelegramInput.from_credentials({"access_token": "123:abc"})
    with pytest.raises(ChannelSettingsError, match="missing auth_token, public_url"):
        twilio.TwilioInput.from_credentials({"account_sid": "AC1", "whatsapp_number": "+14155238886"})
    with pytest.raises(ChannelSettingsError, match="missing page-access-token"):
        facebook.FacebookInput.from_credentials({"verify": "v", "secret": "s"})
    with pytest.raises(ChannelSettingsError, match="missing slack_signing_secret"):
        slack.SlackInput.from_credentials({"slack_token": "xoxb-1"})


@pytest.mark.parametrize("secret", ["has space", "ünïcode", "x" * 257, "semi;colon"])
def test_telegram_refuses_a_secret_telegram_would_refuse(secret):
    with pytest.raises(ChannelSettingsError, match="A-Z, a-z, 0-9, _ and -"):
        telegram.TelegramInput.from_credentials({"access_token": "123:abc", "secret_token": secret})


def twilio_settings(**changes: str) -> dict:
    settings = {
        "account_sid": "AC1", "auth_token": "t", "whatsapp_number": "whatsapp:+14155238886",
        "public_url": "https://bot.example.org",
    }  # fmt: skip
    return {**settings, **changes}


def test_twilio_takes_the_number_with_or_without_its_whatsapp_prefix():
    assert twilio.TwilioInput.from_credentials(twilio_settings()).twilio_number == "whatsapp:+14155238886"
    plain = twilio.TwilioInput.from_credentials(twilio_settings(whatsapp_number="+14155238886"))
    assert plain.twilio_number == "whatsapp:+14155238886"
    with pytest.raises(ChannelSettingsError, match="international form"):
        twilio.TwilioInput.from_credentials(twilio_settings(whatsapp_number="0415 523 8886"))


@pytest.mark.parametrize("url", ["bot.example.org", "ftp://bot.example.org", "https://bot.example.org/?a=1"])
def test_twilio_needs_the_public_base_url(url):
    with pytest.raises(ChannelSettingsError, match="base URL Twilio calls"):
        twilio.TwilioInput.from_credentials(twilio_settings(public_url=url))


# ---- reading what the platforms send ------------------------------------------------------------


def test_telegram_updates_are_read_for_text_and_button_taps_only():
    message = {"message_id": 1, "chat": {"id": 42, "type": "private"}, "text": "hello"}
    assert telegram.read_update({"update_id": 1, "message": message}) == telegram.Incoming(42, "hello")
    start = {**message, "text": "/start campaign7"}
    assert telegram.read_update({"update_id": 2, "message": start}).text == "/greet"
    tap = {"id": "77", "from": {"id": 42}, "message": message, "data": "/affirm"}
    assert telegram.read_update({"update_id": 3, "callback_query": tap}) == telegram.Incoming(
        42, "/affirm", "77"
    )
    photo = {"message_id": 4, "chat": {"id": 42}, "photo": [{"file_id": "x"}]}
    assert telegram.read_update({"update_id": 4, "message": photo}) is None
    assert telegram.read_update({"update_id": 5, "edited_message": message}) is None
    assert telegram.read_update(["not", "an", "update"]) is None


def test_messenger_events_are_read_from_every_entry_and_echoes_skipped():
    def event(sender: str, **body: object) -> dict:
        return {"sender": {"id": sender}, "recipient": {"id": "PAGE"}, **body}

    payload = {
        "object": "page",
        "entry": [
            {
                "messaging": [
                    event("1", message={"text": "hi"}),
                    event("PAGE", message={"text": "x", "is_echo": True}),
                ]
            },
            {"messaging": [event("2", message={"text": "No", "quick_reply": {"payload": "/deny"}})]},
            {"messaging": [event("3", postback={"payload": "/greet"}), event("4", delivery={"mids": ["m"]})]},
        ],
    }
    assert list(facebook.read_events(payload)) == [("1", "hi"), ("2", "/deny"), ("3", "/greet")]


# ---- laying out replies -------------------------------------------------------------------------------


def test_telegram_keyboard_has_one_button_a_row_and_never_overlong_callback_data():
    rows = telegram.keyboard([Button("Yes", "/affirm"), Button("Change: age", "/correct_answer" + "x" * 60)])
    assert rows[0] == [{"text": "Yes", "callback_data": "/affirm"}]
    assert rows[1] == [{"text": "Change: age", "callback_data": "Change: age"}]


def test_messenger_gathers_a_turns_buttons_as_quick_replies_on_its_last_message():
    turn = [
        BotMessage("I can help you.", (Button("Privacy", "/ask_privacy"),)),
        BotMessage("What next?", (Button("Contact the Immigration Department", "/contact_immd"),)),
    ]
    messages = facebook.messenger_messages(turn)
    assert [m["text"] for m in messages[:2]] == ["I can help you.", "What next?"]
    assert "• Contact the Immigration Department" in messages[-1]["text"]  # the full title, since cut below
    assert messages[-1]["quick_replies"] == [
        {"content_type": "text", "title": "Privacy", "payload": "/ask_privacy"},
        {"content_type": "text", "title": "Contact the…", "payload": "/contact_immd"},
    ]
    assert facebook.choices_for_turn(turn) == {}


def test_messenger_numbers_a_turn_with_more_options_than_it_can_show():
    many = tuple(Button(f"Change: answer {n}", f"/correct_answer{n}") for n in range(20))
    messages = facebook.messenger_messages([BotMessage("Your answers:", many)])
    assert "quick_replies" not in messages[-1]
    assert "\n20. Change: answer 19\n" in messages[-1]["text"]
    assert facebook.choices_for_turn([BotMessage("Your answers:", many)])[20] == "/correct_answer19"


def test_slack_buttons_fill_action_blocks_of_25_and_text_is_escaped():
    blocks = slack.button_blocks([Button(f"Option {n}", f"/o{n}") for n in range(30)])
    assert [len(block["elements"]) for block in blocks] == [25, 5]
    assert len({e["action_id"] for block in blocks for e in block["elements"]}) == 30
    assert slack.escape_mrkdwn("a < b & c > d") == "a &lt; b &amp; c &gt; d"


# ---- one turn, one person -----------------------------------------------------------------------------


class Collecting(TurnReplies):
    channel = "test"

    async def deliver(self) -> None:  # pragma: no cover - not delivered here
        pass


def test_a_reply_for_another_conversation_is_dropped():
    replies = Collecting("test:aaa")
    asyncio.run(replies.send_response("test:aaa", {"text": "for you"}))
    asyncio.run(replies.send_response("test:bbb", {"text": "for someone else"}))
    asyncio.run(replies.send_response("test:aaa", {"custom": {"type": "assessment", "assessment": {}}}))
    assert replies.turn == [BotMessage("for you")]


class Agent:
    """The two parts of Rasa's agent that reading a choice uses."""

    def __init__(self) -> None:
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(Domain.empty())


def remember(agent: Agent, sender: str, *events: object) -> None:
    asyncio.run(agent.tracker_store.save(DialogueStateTracker.from_events(sender, list(events))))


def yes_no_data() -> dict:
    return {"buttons": [{"title": b.title, "payload": b.payload} for b in YES_NO]}


def test_a_digit_picks_the_option_of_the_turn_being_answered_from_the_conversation_store():
    agent = Agent()
    remember(agent, "twilio:abc", UserUttered("delete my data"), BotUttered("Delete it?", yes_no_data()))
    assert asyncio.run(read_numbered_choice(agent, "twilio:abc", "2", twilio.choices_for_turn)) == "/deny"
    assert asyncio.run(read_numbered_choice(agent, "twilio:abc", " 3. ", twilio.choices_for_turn)) == "/skip"
    assert asyncio.run(read_numbered_choice(agent, "twilio:abc", "4", twilio.choices_for_turn)) == "4"
    assert asyncio.run(read_numbered_choice(agent, "twilio:abc", "no", twilio.choices_for_turn)) == "no"


def test_a_digit_stays_a_digit_after_a_question_without_options():
    agent = Agent()
    remember(
        agent,
        "twilio:abc",
        UserUttered("hi"),
        BotUttered("Delete it?", yes_no_data()),
        UserUttered("/deny"),
        BotUttered("How many years have you worked?"),
    )
    assert asyncio.run(read_numbered_choice(agent, "twilio:abc", "2", twilio.choices_for_turn)) == "2"
    assert asyncio.run(read_numbered_choice(agent, "twilio:new", "2", twilio.choices_for_turn)) == "2"


def test_twilio_signature_of_a_form_posted_as_twilio_posts_it():
    form = {"Body": "hi", "From": "whatsapp:+85291234567", "To": "whatsapp:+14155238886"}
    url = "https://bot.example.org/webhooks/twilio/webhook"
    signed = url + "".join(name + form[name] for name in sorted(form))
    signature = base64.b64encode(hmac.new(b"tok", signed.encode(), hashlib.sha1).digest()).decode()
    assert twilio.signature_is_valid("tok", url, form, signature)


@pytest.fixture
def fake_telegram():
    from tests.channels.fake_platforms import Credentials, FakePlatforms

    fake = FakePlatforms(Credentials("123:right-token", "AC1", "t", "p", "s")).start()
    yield fake
    fake.stop()


def register(token: str, api_url: str) -> None:
    channel = telegram.TelegramInput(
        token, "the-secret", webhook_url="https://bot.example.org/webhooks/telegram/webhook", api_url=api_url
    )

    async def attempt() -> None:
        try:
            await channel.register_webhook()
        finally:
            await channel.close()

    asyncio.run(attempt())


def test_telegram_webhook_is_registered_with_the_secret_or_the_start_fails_saying_why(fake_telegram):
    register("123:right-token", f"{fake_telegram.url}/telegram")
    (call,) = fake_telegram.calls
    assert call.method == "setWebhook" and call.authorised
    assert call.params["secret_token"] == "the-secret"
    assert call.params["url"] == "https://bot.example.org/webhooks/telegram/webhook"
    with pytest.raises(ChannelSettingsError, match="check TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_URL"):
        register("123:wrong-token", f"{fake_telegram.url}/telegram")
