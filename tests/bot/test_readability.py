"""Every explanation text scores at least 60 on Flesch reading ease (official names left out)."""

from __future__ import annotations

import re

import pytest
import textstat

from bot.ruleset import rules

MIN_SCORE = 60
GROUPS = (
    "checks",
    "caveats",
    "next_steps",
    "next_steps_extra",
    "near_miss",
    "why_we_ask",
    "ask",
    "status_labels",
)
SCHEME_ACRONYMS = r"\((?:QMAS|TTPS|GEP|ASMTP|IANG|TechTAS|ASSG|New CIES)\)"


def _use_pyphen_if_cmudict_missing() -> None:
    """textstat 0.7.13 counts syllables with NLTK's cmudict and tries to download it when absent.

    Offline (CI, sandbox) we fall back to its own pyphen counter, like textstat < 0.7.4 did.
    """
    import nltk
    from textstat.backend.counts import _count_syllables

    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        _count_syllables.get_cmudict = lambda lang: None


_use_pyphen_if_cmudict_missing()


def _texts() -> list[tuple[str, str]]:
    data = rules()["texts"]
    out = [(f"{g}.{k}", v) for g in GROUPS for k, v in data[g].items()]
    out += [
        (f"schemes.{sid}.{i}", s) for sid, e in data["schemes"].items() for i, s in enumerate(e["summary"])
    ]
    out += [("disclaimer", data["disclaimer"]), ("qmas_warning", data["qmas_warning"])]
    return out


def measurable(text: str) -> str:
    names = sorted(rules()["texts"]["official_names"], key=len, reverse=True)
    for name in names:
        text = text.replace(name, "")
    text = re.sub(r"\{[a-z_]+\}", "it", text)  # placeholders read as a short word
    text = re.sub(r"https?://\S+", "", text)
    return re.sub(SCHEME_ACRONYMS, "", text)


@pytest.mark.parametrize(("key", "text"), _texts(), ids=[k for k, _ in _texts()])
def test_explanation_text_reads_at_flesch_60_or_more(key, text):
    score = textstat.flesch_reading_ease(measurable(text))
    assert score >= MIN_SCORE, f"{key}: {score:.1f} < {MIN_SCORE}: {text}"


def test_readability_check_can_fail_on_hard_text():
    hard = (
        "Notwithstanding the aforementioned considerations, applicants' documentary substantiation "
        "necessitates comprehensive authentication by institutional verification organisations."
    )
    assert textstat.flesch_reading_ease(measurable(hard)) < MIN_SCORE


def test_every_rendered_reason_in_an_assessment_reads_at_60_or_more():
    from tests.bot.conftest import run

    for s in run({"bachelor_institution": "Unknown College"})["schemes"]:
        for check in s["checks"]:
            assert textstat.flesch_reading_ease(measurable(check["reason"])) >= MIN_SCORE, check["reason"]
