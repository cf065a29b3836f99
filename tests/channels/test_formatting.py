"""Fitting replies to a platform: long texts split at the limit without cutting words, buttons as
numbered options where a platform has none, and a digit read back as the option it numbers."""

from __future__ import annotations

import random
import re

import pytest

from rasa_addons.channels.formatting import (
    BotMessage,
    Button,
    chosen_number,
    number_turn,
    shorten,
    split_message,
    utf16_length,
)

HINT = "Reply with a number."
YES_NO = (Button("Yes", "/affirm"), Button("No", "/deny"), Button("Not sure / skip", "/skip"))


def words(text: str) -> list[str]:
    return text.split()


def test_a_short_text_is_one_message_unchanged():
    assert split_message("Hello there.\n\nHow old are you?", 100) == ["Hello there.\n\nHow old are you?"]
    assert split_message("  \n ", 100) == []


def test_a_long_text_is_cut_between_paragraphs_first():
    paragraphs = [f"Paragraph {n}: " + "word " * 30 for n in range(10)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    pieces = split_message(text, 400)
    assert len(pieces) > 1
    assert all(len(piece) <= 400 for piece in pieces)
    for piece in pieces:  # every piece is made of whole paragraphs
        assert all(p.startswith("Paragraph") for p in piece.split("\n\n"))
    assert words(" ".join(pieces)) == words(text)


def test_pieces_are_filled_greedily_not_one_per_paragraph():
    text = "\n\n".join(["short paragraph"] * 6)
    assert split_message(text, 60) == ["short paragraph\n\nshort paragraph\n\nshort paragraph"] * 2


def test_a_paragraph_too_long_is_cut_between_lines_then_between_words():
    lines = [f"• line {n} " + "x" * 40 for n in range(20)]
    paragraph = "\n".join(lines)
    pieces = split_message("Intro.\n\n" + paragraph, 200)
    assert all(len(piece) <= 200 for piece in pieces)
    for piece in pieces:
        for line in piece.split("\n"):
            assert line in lines or line in ("Intro.", "")  # no line was cut, since each fits
    one_long_line = " ".join(f"word{n}" for n in range(200))
    pieces = split_message(one_long_line, 50)
    assert all(len(piece) <= 50 for piece in pieces)
    assert words(" ".join(pieces)) == words(one_long_line)  # no word cut in two


def test_only_a_word_longer_than_the_limit_is_cut():
    url = "https://example.org/" + "a" * 120
    pieces = split_message(f"See {url} today", 50)
    assert all(len(piece) <= 50 for piece in pieces)
    assert "".join(pieces).replace(" ", "") == f"See{url}today"


@pytest.mark.parametrize("seed", range(25))
def test_random_texts_keep_every_word_in_order_within_the_limit(seed):
    rng = random.Random(seed)
    vocabulary = ["a", "visa", "Hong", "Kong", "QMAS", "https://www.immd.gov.hk/eng/services", "🇭🇰", "優才"]
    paragraphs = []
    for _ in range(rng.randint(1, 12)):
        lines = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 40))) for _ in range(3)]
        paragraphs.append("\n".join(lines[: rng.randint(1, 3)]))
    text = "\n\n".join(paragraphs)
    limit = rng.choice([45, 80, 160, 1600])
    pieces = split_message(text, limit)
    assert all(0 < utf16_length(piece) <= limit for piece in pieces)
    assert words(" ".join(pieces)) == words(text)


def test_length_is_counted_as_telegram_counts_it_in_utf16_units():
    assert utf16_length("abc") == 3
    assert utf16_length("優才") == 2
    assert utf16_length("🇭🇰") == 4  # two regional indicators outside the BMP
    assert all(utf16_length(p) <= 4 for p in split_message("🇭🇰 🇭🇰 🇭🇰", 4))


def test_a_turn_ending_with_options_numbers_them_and_says_how_to_reply():
    turn = [
        BotMessage("Updated: Age: 35."),
        BotMessage("Do you live in Mainland China?", YES_NO),
    ]
    rendered = number_turn(turn, 1600, HINT)
    assert rendered.messages == (
        "Updated: Age: 35.\n\nDo you live in Mainland China?\n1. Yes\n2. No\n3. Not sure / skip\n\n" + HINT,
    )
    assert rendered.choices == {1: "/affirm", 2: "/deny", 3: "/skip"}


def test_numbers_continue_across_the_messages_of_a_turn():
    turn = [
        BotMessage("You pass the QMAS points test.", (Button("Sharpen my QMAS result", "/refine_result"),)),
        BotMessage("What would you like to do next?", (Button("Explain a scheme", "/ask_scheme_info"),)),
    ]
    rendered = number_turn(turn, 1600, HINT)
    assert "1. Sharpen my QMAS result" in rendered.messages[0]
    assert "2. Explain a scheme" in rendered.messages[0]
    assert rendered.choices == {1: "/refine_result", 2: "/ask_scheme_info"}


def test_options_number_on_from_a_list_the_question_makes_itself():
    checklist = "Which of these are true?\n1. 3+ years at a multinational\n2. 3+ years in tech"
    rendered = number_turn([BotMessage(checklist, (Button("None of these", "/deny"),))], 1600, HINT)
    assert "\n3. None of these" in rendered.messages[0]
    assert rendered.choices == {3: "/deny"}  # "1" and "2" stay answers to the checklist


def test_a_turn_ending_with_a_plain_question_numbers_nothing():
    turn = [
        BotMessage("I can help you.", (Button("Privacy", "/ask_privacy"),)),
        BotMessage("How many years have you worked?"),
    ]
    rendered = number_turn(turn, 1600, HINT)
    assert rendered.choices == {}
    assert "• Privacy" in rendered.messages[0] and HINT not in rendered.messages[0]
    assert not re.search(r"^\d+\. ", rendered.messages[0], re.MULTILINE)


def test_a_long_turn_is_split_and_the_options_stay_whole():
    long_text = "\n\n".join(f"Scheme {n}: " + "reason " * 40 for n in range(12))
    rendered = number_turn([BotMessage(long_text), BotMessage("What next?", YES_NO)], 1600, HINT)
    assert len(rendered.messages) > 1
    assert all(len(message) <= 1600 for message in rendered.messages)
    assert rendered.messages[-1].endswith("1. Yes\n2. No\n3. Not sure / skip\n\n" + HINT)


def test_an_empty_turn_or_a_custom_payload_alone_sends_nothing():
    assert number_turn([], 1600, HINT).messages == ()
    card_only = BotMessage.from_rasa({"text": None, "custom": {"type": "assessment", "assessment": {}}})
    assert card_only.is_empty
    assert number_turn([card_only], 1600, HINT).messages == ()


def test_a_rasa_message_becomes_text_and_buttons():
    message = BotMessage.from_rasa(
        {"text": "Pick one", "buttons": [{"title": "A", "payload": "/a"}, {"payload": "/b"}], "image": None}
    )
    assert message == BotMessage("Pick one", (Button("A", "/a"), Button("/b", "/b")))
    quick = BotMessage.from_rasa({"text": "Go?", "quick_replies": [{"title": "Yes", "payload": "/affirm"}]})
    assert quick.buttons == (Button("Yes", "/affirm"),)
    image = BotMessage.from_rasa({"text": "Look:", "image": "https://example.org/a.png"})
    assert image.text == "Look:\nhttps://example.org/a.png"


@pytest.mark.parametrize(
    ("reply", "number"),
    [("2", 2), (" 2 ", 2), ("2.", 2), ("3)", 3), ("２", 2), ("12", 12), ("2 please", None), ("two", None),
     ("1 and 2", None), ("", None), ("2024", None)],
)  # fmt: skip
def test_a_reply_is_a_choice_only_when_it_is_just_a_number(reply, number):
    assert chosen_number(reply) == number


def test_a_title_is_shortened_at_a_word_boundary():
    assert shorten("Yes", 20) == "Yes"
    assert shorten("Contact the Immigration Department", 20) == "Contact the…"
    assert len(shorten("Contact the Immigration Department", 20)) <= 20
    assert shorten("Supercalifragilisticexpialidocious", 20) == "Supercalifragilisti…"
