"""Fitting the bot's messages to a messaging platform: plain functions, no Rasa, no network.

* ``split_message``: a long text in pieces no longer than a platform's limit, cut between paragraphs,
  else between lines, else between words; only a single word longer than the limit is ever cut.
* ``number_turn``: the bot's reply to one message (a "turn"), as text for a platform without buttons
  (WhatsApp), the buttons listed as numbered options; with the map from each number to its payload, so
  that a reply of "2" can pick option 2. The same function renders the turn when it is sent and reads
  it back from the conversation when the digit arrives (docs/decisions/0401-numbered-options.md).
* ``shorten``: a button title cut to a platform's limit at a word boundary.

Lengths are counted in UTF-16 code units, as Telegram counts them; for the other platforms, which count
characters, that is never less than the true length, so a piece that fits here fits there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The message limits of each platform, as they document them.
TELEGRAM_TEXT_LIMIT = 4096  # sendMessage: 1-4096 characters after entities parsing
TWILIO_BODY_LIMIT = 1600  # Programmable Messaging, all channels (WhatsApp too): error 21617 above
MESSENGER_TEXT_LIMIT = 2000  # Send API: text "must be UTF-8 and has a 2000 character limit"
MESSENGER_QUICK_REPLIES = 13  # at most 13 quick replies
MESSENGER_QUICK_REPLY_TITLE = 20  # longer titles are truncated by Messenger
SLACK_SECTION_TEXT_LIMIT = 3000  # a section block's text (a whole message may hold 40,000)
SLACK_BUTTONS_PER_BLOCK = 25  # elements of an actions block
SLACK_BUTTON_TEXT = 75  # a button's text
TELEGRAM_CALLBACK_DATA_BYTES = 64  # an inline button's callback_data: 1-64 bytes

ELLIPSIS = "…"
OPTION_NUMBER = re.compile(r"^\s*(\d{1,3})[.)]\s", re.MULTILINE)  # "3. ..." or "3) ..." at a line start
CHOSEN_NUMBER = re.compile(r"\s*(\d{1,3})\s*[.)]?\s*")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message of the bot as a channel receives it from Rasa (or reads it back from a BotUttered
    event): its text and buttons. Custom payloads are not kept: no messaging platform here can draw the
    assessment card, and the bot sends its content as text messages too (actions/assessment.py)."""

    text: str
    buttons: tuple[Button, ...] = ()

    @classmethod
    def from_rasa(cls, message: Mapping[str, Any]) -> BotMessage:
        """From the dictionary Rasa hands to ``OutputChannel.send_response`` (``BotUttered.message()``)."""
        text = str(message.get("text") or "").strip()
        for key in ("image", "attachment"):  # shown as a link, the way Rasa's text-only channels do
            value = message.get(key)
            if isinstance(value, str) and value:
                text = f"{text}\n{value}".strip()
        raw_buttons = message.get("buttons") or message.get("quick_replies") or ()
        buttons = tuple(
            Button(str(b.get("title") or b.get("payload")), str(b.get("payload") or b.get("title")))
            for b in raw_buttons
            if isinstance(b, Mapping) and (b.get("title") or b.get("payload"))
        )
        return cls(text, buttons)

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.buttons


def split_message(text: str, limit: int, measure: Callable[[str], int] = utf16_length) -> list[str]:
    """``text`` in pieces of at most ``limit``, each cut where the text has the widest break available:
    a blank line, else a line break, else a space. A word longer than ``limit`` is the only thing cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if not text:
        return []
    return [piece.strip() for piece in _split(text, limit, ("\n\n", "\n", " "), measure) if piece.strip()]


def _split(text: str, limit: int, breaks: Sequence[str], measure: Callable[[str], int]) -> list[str]:
    if measure(text) <= limit:
        return [text]
    if not breaks:
        return _cut_word(text, limit, measure)
    separator, finer = breaks[0], breaks[1:]
    pieces: list[str] = []
    current = ""
    for part in text.split(separator):
        part = part.rstrip()  # a line's indent stays; what ends a line or paragraph is the break itself
        if not part.strip():
            continue
        # A part too long on its own comes back in pieces that each fill a message, so only its first
        # piece may join what came before, and only its last what comes after.
        for piece in _split(part, limit, finer, measure):
            joined = f"{current}{separator}{piece}" if current else piece
            if measure(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = piece
    if current:
        pieces.append(current)
    return pieces


def _cut_word(word: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    pieces, current = [], ""
    for character in word:
        if current and measure(current + character) > limit:
            pieces.append(current)
            current = ""
        current += character
    return [*pieces, current] if current else pieces


def shorten(title: str, limit: int) -> str:
    """``title`` if it fits ``limit`` characters, else cut at the last word boundary that fits, with "…"."""
    if utf16_length(title) <= limit:
        return title
    room = limit - 1
    cut = title[:room]
    while utf16_length(cut) > room:
        cut = cut[:-1]
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:-–") + ELLIPSIS


@dataclass(frozen=True)
class NumberedTurn:
    """A turn as text: the messages to send, and which payload each number offered stands for."""

    messages: tuple[str, ...]
    choices: Mapping[int, str]


def number_turn(turn: Sequence[BotMessage], limit: int, hint: str) -> NumberedTurn:
    """The bot's messages of one turn as text for a platform without buttons.

    The turn's texts are joined into as few messages as ``limit`` allows (messages sent in quick
    succession can arrive out of order on WhatsApp, and each costs). Buttons are listed under their
    message. They are numbered only when the turn ends with buttons, that is, when the question the user
    now answers has options; then the numbers count on from the highest number the texts list themselves
    (a checklist question's "1." to "4."), so that "2" never means two things, and ``hint`` says to reply
    with a number. When the turn ends with a plain question ("How many years...?"), a digit is an
    answer, so the earlier buttons are listed without numbers.
    """
    shown = [message for message in turn if not message.is_empty]
    if not shown:
        return NumberedTurn((), {})
    numbered = bool(shown[-1].buttons)
    number = highest_listed_number(message.text for message in shown) + 1
    choices: dict[int, str] = {}
    blocks = []
    for message in shown:
        lines = [message.text] if message.text else []
        for button in message.buttons:
            if numbered:
                lines.append(f"{number}. {button.title}")
                choices[number] = button.payload
                number += 1
            else:
                lines.append(f"• {button.title}")
        blocks.append("\n".join(lines))
    if choices:
        blocks.append(hint)
    return NumberedTurn(tuple(split_message("\n\n".join(blocks), limit)), choices)


def highest_listed_number(texts: Iterable[str]) -> int:
    """The highest "N." or "N)" that starts a line of the texts (a list of their own), else 0."""
    return max((int(n) for text in texts for n in OPTION_NUMBER.findall(text)), default=0)


def chosen_number(text: str) -> int | None:
    """The number a reply consists of ("2", " 2. ", "２"), else None."""
    match = CHOSEN_NUMBER.fullmatch(text or "")
    return int(match.group(1)) if match else None
