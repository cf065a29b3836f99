"""A button's payload is not a response template (found by the faults work, docs/decisions/0600).

Rasa fills slot values into every string of a response, buttons included, treating each "{...}" as a
slot's name. A payload that carries entities ("/inform{"degree":"doctorate"}") is JSON, so its braces name
no slot: the interpolator raises KeyError, and logs it at ERROR with the failing frame's locals, which
hold every slot value of the conversation (age, nationality, income...). It did so for every such button
shown. A payload starting with "/" is an intent with its entities, never a template: it is left as it is.
Text that is a template is filled exactly as before.
"""

from __future__ import annotations

from typing import Any

import rasa.core.nlg.interpolator as interpolator

_stock_interpolate_text = interpolator.interpolate_text


def interpolate_text(response: str, values: dict[str, Any]) -> str:
    if response.startswith("/"):
        return response
    return _stock_interpolate_text(response, values)


def install() -> None:
    interpolator.interpolate_text = interpolate_text  # `interpolate` looks the name up at each call
