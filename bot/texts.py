"""Plain-language texts, all kept in ``bot/rules/texts.yaml`` (no user-facing prose in Python)."""

from __future__ import annotations

import contextlib
from functools import lru_cache

from bot.ruleset import rules


def _texts() -> dict:
    return rules()["texts"]


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_TEXT_MEMO: dict[tuple, str] = {}


def _plain(value: object) -> object:
    """Whole numbers read as whole ("8 years", not "8.0 years"); other values as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def text(key: str, **values: object) -> str:
    """Render the check/reason template ``key`` (from ``texts.yaml: checks``)."""
    memo_key = (key, *values.items())
    try:
        return _TEXT_MEMO[memo_key]
    except (KeyError, TypeError):
        pass
    template = _texts()["checks"][key]
    out = template.format_map(_Default({k: _plain(v) for k, v in values.items()})) if values else template
    if len(_TEXT_MEMO) < 50_000:
        with contextlib.suppress(TypeError):  # unhashable value: just do not memoise
            _TEXT_MEMO[memo_key] = out
    return out


def phrase(group: str, key: str, **values: object) -> str:
    """Render template ``key`` of a text group (caveats, next_steps, near_miss, status_notes...)."""
    memo_key = (group, key, *values.items())
    try:
        return _TEXT_MEMO[memo_key]
    except (KeyError, TypeError):
        pass
    template = _texts()[group][key]
    out = template.format_map(_Default({k: _plain(v) for k, v in values.items()})) if values else template
    if len(_TEXT_MEMO) < 50_000:
        with contextlib.suppress(TypeError):
            _TEXT_MEMO[memo_key] = out
    return out


def disclaimer() -> str:
    """The one line every result ends with."""
    return _texts()["disclaimer"]


def qmas_warning() -> str:
    return _texts()["qmas_warning"]


@lru_cache(maxsize=64)
def explain_scheme(scheme_id: str) -> dict:
    """Plain-language summary of a scheme: what it is, who it suits, family, path to permanent residence.

    Returns ``{"id", "name", "summary": [str], "official_url", "source_date", "disclaimer"}``.
    """
    entry = _texts()["schemes"][scheme_id]
    return {
        "id": scheme_id,
        "name": entry["name"],
        "summary": list(entry["summary"]),
        "official_url": entry["official_url"],
        "source_id": entry["source_id"],
        "source_date": entry["source_date"],
        "disclaimer": disclaimer(),
    }


def why_we_ask(field_path: str) -> str:
    """Why the assistant asks for a profile field (dotted path, e.g. ``languages.english``)."""
    questions = _texts()["why_we_ask"]
    if field_path in questions:
        return questions[field_path]
    head = field_path.split(".")[0]
    return questions.get(head, questions["_default"])


@lru_cache(maxsize=4096)
def question(field_path: str) -> str:
    """Short question text for a missing field (for chat prompts and the 'missing' list)."""
    asks = _texts()["ask"]
    return asks.get(field_path) or asks.get(field_path.split(".")[0]) or asks["_default"]


def render_text(assessment: dict, *, with_sources: bool = True) -> str:
    """The assessment as plain text for a chat message or a terminal. The last line is the disclaimer."""
    texts = _texts()
    lines = []
    for s in assessment["schemes"]:
        lines.append(f"{s['name']}: {texts['status_labels'][s['status']]}")
        lines.extend(f"  - {c['reason']}" for c in s["checks"] if c["met"] is not True)
        if with_sources:
            lines.append(f"  {s['official_url']} ({s['source_date']})")
    for miss in assessment.get("near_misses", []):
        lines.append(miss["text"])
    lines.append(disclaimer())
    return "\n".join(lines)
