"""The website widget in a real browser, against the real assistant: open it with the keyboard, hold a
conversation by clicking buttons and typing, see the assessment card, reload and see the history, see
markup shown as text, see a lost connection announced and mended, and pass an axe-core scan.

The tests run in order on one page, as one visitor would. Screenshots go to artifacts/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.scripted_applicant import GROUP_QUESTIONS, QUESTIONS, reply_to  # the same applicant, one source
from tests.web.conftest import AXE

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.timeout(1200)]

LAUNCHER_NAME = "Ask about Hong Kong talent visas"
FIRST_MESSAGE = "I'm 32, Indian, master's in CS from HKUST, 8 years at Google, earn about 1.2m HKD"
BUTTON_FOR = {"yes": "Yes", "no": "No", "skip": "Not sure / skip", "none": "None of these"}
SEEN: dict[str, list[str]] = {"dialogs": [], "errors": []}  # alert() calls and script errors on the page
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)> is this shown as text?"


@pytest.fixture(scope="module")
def page(servers, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    page = context.new_page()
    page.on("dialog", lambda dialog: (SEEN["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: SEEN["errors"].append(str(error)))
    page.set_default_timeout(60_000)
    page.goto(servers)
    yield page
    context.close()


def question_asked(text: str) -> str | None:
    """The slot or question group a bubble asks about, if it asks one."""
    return QUESTIONS.get(text) or GROUP_QUESTIONS.get(text[:30])


def log_items(page) -> int:
    return page.locator(".hkta-log > .hkta-message").count()


def wait_for_replies(page, before: int, quiet: float = 1.5, timeout: float = 90) -> None:
    """Wait until a reply has arrived and nothing new has come for `quiet` seconds."""
    page.wait_for_function(
        "n => document.querySelectorAll('.hkta-log > .hkta-from-bot').length > n",
        arg=before,
        timeout=timeout * 1000,
    )
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = log_items(page)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def bot_count(page) -> int:
    return page.locator(".hkta-log > .hkta-from-bot").count()


def type_message(page, text: str) -> None:
    before = bot_count(page)
    page.locator(".hkta-input").fill(text)
    page.keyboard.press("Enter")
    wait_for_replies(page, before)


def click_reply(page, title: str) -> None:
    before = bot_count(page)
    page.locator(".hkta-quick-replies").get_by_role("button", name=title, exact=True).click()
    wait_for_replies(page, before)


def last_bot_texts(page, n: int = 4) -> list[str]:
    texts = page.locator(".hkta-log > .hkta-from-bot .hkta-bubble").all_inner_texts()
    return [t.strip() for t in texts[-n:]]


def user_texts(page) -> list[str]:
    return [t.strip() for t in page.locator(".hkta-log > .hkta-from-user .hkta-bubble").all_inner_texts()]


def transcript(page) -> list[str]:
    """What the log says: every bubble, and each scheme of a card with its status."""
    return page.locator(".hkta-log .hkta-bubble, .hkta-log summary").all_inner_texts()


def screenshot(page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / name))


def test_the_launcher_opens_with_the_keyboard_and_the_assistant_greets(page, artifacts):
    screenshot(page, artifacts, "widget-closed-desktop.png")
    launcher = page.get_by_role("button", name=LAUNCHER_NAME)
    assert launcher.get_attribute("aria-expanded") == "false"
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('hkta-launcher')"):
            break
    else:
        pytest.fail("Tab never reached the launcher")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="HK Talent Visa Assistant")
    assert dialog.is_visible()
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.classList.contains('hkta-input')"), "focus goes to the input"
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    wait_for_replies(page, 0)
    assert "guidance assistant for Hong Kong talent visas" in log.inner_text()
    assert page.locator(".hkta-quick-reply").count() >= 1

    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('hkta-launcher')"), "focus returns"
    page.keyboard.press("Enter")
    assert dialog.is_visible()


def test_a_conversation_by_typing_and_clicking_reaches_the_assessment_card(page, artifacts):
    type_message(page, FIRST_MESSAGE)
    clicked = []
    for _ in range(40):
        if page.locator(".hkta-card").count():
            break
        asked = [question_asked(t) for t in last_bot_texts(page) if question_asked(t)]
        assert asked, f"no question and no result in: {last_bot_texts(page)}"
        answer = reply_to(asked[-1])
        buttons = page.locator(".hkta-quick-replies .hkta-quick-reply")
        titles = [t.strip() for t in buttons.all_inner_texts()]
        if BUTTON_FOR.get(answer) in titles:
            click_reply(page, BUTTON_FOR[answer])
            clicked.append(BUTTON_FOR[answer])
            assert user_texts(page)[-1] == BUTTON_FOR[answer], "a button shows its title as your message"
        else:
            type_message(page, answer)
    else:
        pytest.fail("no assessment card after 40 answers")
    assert clicked, "the interview was answered by clicking buttons too"

    card = page.locator(".hkta-card").last
    text = card.inner_text()
    assert "Your results" in text
    assert re.search(r"QMAS points test: \d+ of 12 criteria met, 6 needed", text)
    assert "guidance, not legal advice" in text
    qmas = card.locator(".hkta-scheme", has_text="Quality Migrant Admission Scheme")
    assert "You can apply" in qmas.locator(".hkta-status").inner_text()
    assert qmas.locator(".hkta-status-icon").get_attribute("aria-hidden") == "true"
    # A yes says what the rules ask that no answer here settles.
    assert "What we could not check" in qmas.inner_text()
    assert "does not mean you will get a visa" in qmas.inner_text()
    assert card.locator(".hkta-status-not_eligible .hkta-status-words").first.inner_text() == "Not eligible"
    # Status words for every scheme, never colour alone.
    for status in card.locator(".hkta-status-words").all_inner_texts():
        assert status in {
            "You can apply", "Needs a job offer", "More information needed", "Not eligible",
            "Can't tell: the Immigration Department decides",
        }  # fmt: skip

    link = qmas.get_by_role("link", name=re.compile(r"Official page \(dated \d{4}-\d\d-\d\d\)"))
    assert link.get_attribute("href").startswith("https://www.immd.gov.hk/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    # A scheme that needs more answers says what is missing.
    more = card.locator(".hkta-status-more_info_needed").first
    more.locator("summary").click()
    assert "What we still need to know" in more.inner_text()

    card.evaluate("c => c.scrollIntoView({block: 'start'})")
    screenshot(page, artifacts, "widget-card-desktop.png")


def test_the_conversation_survives_a_reload(page, artifacts):
    before = transcript(page)
    messages = log_items(page)
    session = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hkta:session:'))")
    session_id = page.evaluate(f"localStorage.getItem({session[0]!r})")
    page.reload()
    page.get_by_role("dialog").wait_for()  # it was open, so it opens again
    assert log_items(page) == messages
    assert transcript(page) == before
    assert page.locator(".hkta-card").count() >= 1
    page.wait_for_function("() => !!(window.hktaWidget && window.hktaWidget.ready)")
    assert page.evaluate(f"localStorage.getItem({session[0]!r})") == session_id

    # The server knows it is the same conversation: it can show the answers given before the reload.
    click_reply(page, "Show my answers")
    assert "IIT Bombay" in "\n".join(last_bot_texts(page, 6))


def test_markup_from_anyone_is_shown_as_text(page):
    type_message(page, MARKUP)
    assert MARKUP in user_texts(page)
    log = page.locator(".hkta-log")
    assert log.locator("script").count() == 0
    assert log.locator("img").count() == 0
    assert SEEN["dialogs"] == []
    assert SEEN["errors"] == []


def test_a_lost_connection_is_announced_and_mended(page):
    page.evaluate("window.hktaWidget.socket.io.engine.close()")
    banner = page.locator(".hkta-banner")
    banner.filter(has_text="Connection lost — reconnecting…").wait_for()
    assert banner.get_attribute("role") == "status"
    banner.filter(has_text="Connected again.").wait_for(timeout=30_000)
    page.wait_for_function("() => window.hktaWidget.ready")
    before = bot_count(page)
    type_message(page, "hello")  # answered in the same conversation, whatever it says
    assert bot_count(page) > before


def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluated, not a <script>: the page's CSP allows only its own
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary).slice(0, 5),
            }));
        }"""
    )


def test_axe_finds_no_violations_with_the_card_open(page, artifacts):
    for details in page.locator(".hkta-card details").all():
        details.evaluate("d => d.open = true")
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  {v['nodes']}" for v in violations
    )


def test_the_widget_is_usable_360_px_wide(page, artifacts):
    page.set_viewport_size({"width": 360, "height": 740})
    dialog = page.get_by_role("dialog")
    box = dialog.bounding_box()
    assert box["width"] <= 360 and box["x"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    assert page.locator(".hkta-input").is_visible() and page.locator(".hkta-send").is_visible()
    page.locator(".hkta-card").last.evaluate("c => c.scrollIntoView({block: 'start'})")
    screenshot(page, artifacts, "widget-card-360px.png")
    violations = axe_violations(page)
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  {v['nodes']}" for v in violations
    )
    page.locator(".hkta-log").evaluate("log => log.scrollTop = log.scrollHeight")
    page.wait_for_timeout(800)  # the log scrolls smoothly
    screenshot(page, artifacts, "widget-chat-360px.png")
    page.get_by_role("button", name="Close chat").click()
    screenshot(page, artifacts, "widget-closed-360px.png")
    assert page.get_by_role("button", name=LAUNCHER_NAME).is_visible()


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent").strip()


def test_new_chat_asks_before_clearing_the_conversation(page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 860})
    launcher = page.get_by_role("button", name=LAUNCHER_NAME)
    if launcher.get_attribute("aria-expanded") == "false":
        launcher.click()
    before = transcript(page)
    assert before, "there is a conversation to lose"
    new_chat = page.get_by_role("button", name=re.compile(r"^New chat"))
    question = page.get_by_role("group", name=re.compile(r"^Start a new chat\?"))

    new_chat.click()
    assert question.is_visible()
    assert new_chat.get_attribute("aria-expanded") == "true"
    assert focused_text(page) == "Keep this chat", "focus goes to the safe choice"
    violations = axe_violations(page)
    assert violations == [], "\n".join(f"{v['id']}: {v['help']}\n  {v['nodes']}" for v in violations)
    screenshot(page, artifacts, "widget-new-chat-question.png")

    page.keyboard.press("Escape")  # cancels the question, and only the question
    assert not question.is_visible() and page.get_by_role("dialog").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('hkta-text-button')"), "focus returns"
    assert new_chat.get_attribute("aria-expanded") == "false"
    new_chat.click()
    page.get_by_role("button", name="Keep this chat").click()
    assert not question.is_visible()
    assert transcript(page) == before, "nothing was cleared"

    # By keyboard: Enter on "New chat" (focused again), Tab to "Start new chat", Enter.
    session_key = page.evaluate("Object.keys(localStorage).find(k => k.startsWith('hkta:session:'))")
    old_session = page.evaluate(f"localStorage.getItem({session_key!r})")
    page.keyboard.press("Enter")
    assert question.is_visible()
    page.keyboard.press("Tab")
    assert focused_text(page) == "Start new chat"
    page.keyboard.press("Enter")
    assert not question.is_visible()
    wait_for_replies(page, 0)
    assert "guidance assistant for Hong Kong talent visas" in page.get_by_role("log").inner_text()
    assert not any("IIT Bombay" in text for text in transcript(page)), "the old conversation is gone"
    new_session = page.evaluate(f"localStorage.getItem({session_key!r})")
    assert new_session and new_session != old_session
