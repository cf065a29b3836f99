"""Consent to the privacy notice, recorded when the user first answers after seeing it.

The notice is shown before the first question and says that answering means agreeing
(docs/decisions/0301). The record names the exact notice shown, as a hash of its text in the domain,
so a changed notice is a new version without anyone remembering to bump a number.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from sqlalchemy import exc

from actions.greeting import CONSENT_SLOT, PRIVACY_SLOT
from actions.privacy import storage
from bot.storage import record_consent

logger = logging.getLogger(__name__)

NOTICE_RESPONSE = "utter_privacy_notice"


def notice_version(domain: dict[str, Any]) -> str:
    """``sha256:<12 hex>`` of the notice's text(s) in the domain: the exact words the user saw."""
    variants = (domain.get("responses") or {}).get(NOTICE_RESPONSE) or []
    text = "\n".join(v.get("text", "") for v in variants if isinstance(v, dict))
    if not text:
        raise ValueError(f"the domain has no {NOTICE_RESPONSE} text to version")
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def notice_seen_before_latest_message(tracker: Tracker) -> bool:
    """Whether the notice was on screen before the user wrote their latest message: details volunteered
    in the very first message, before any notice, are not consent."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_message:
                continue
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "slot" and event.get("name") == PRIVACY_SLOT:
            return bool(event.get("value"))
    return False


def consent_events(tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
    """Record consent once per conversation, after the notice was shown; [] otherwise.

    A database fault must not cost the user their answer: it is logged (without the sender) and the
    record is tried again at the next answer.
    """
    if tracker.get_slot(CONSENT_SLOT) or not notice_seen_before_latest_message(tracker):
        return []
    try:
        record_consent(storage(), tracker.sender_id, notice_version(domain))
    except exc.SQLAlchemyError as error:
        logger.error("consent not recorded: %s", type(error).__name__)
        return []
    return [SlotSet(CONSENT_SLOT, True)]
