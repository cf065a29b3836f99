"""The assistant's storage: saved assessments, consents, retention and erasure.

Pure Python and SQLAlchemy, no Rasa imports: the action server and the CLI both use it. Rasa's own
``events`` table is only reflected here (for purge and erasure), never defined.

Typical use::

    engine = storage_engine()          # DATABASE_URL, default sqlite:///var/tracker.db
    migrate(engine)                    # once at start-up; idempotent
    code = save_assessment(engine, sender_id, profile, assessment)
    load_assessment(engine, code)      # -> dict | None
    erase_conversation(engine, sender_id)
    purge(engine)                      # HKTA_RETENTION_DAYS, default 90
"""

from bot.storage.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    new_reference_code,
    normalise_reference_code,
    reference_code_in,
)
from bot.storage.engine import database_url_from_env, storage_engine
from bot.storage.erasure import ERASE_REQUESTED_SLOT, ErasureReport, erase_conversation
from bot.storage.identity import hash_sender_id, load_id_secret, pseudonymous_sender_id
from bot.storage.records import latest_consent, load_assessment, record_consent, save_assessment
from bot.storage.retention import DEFAULT_RETENTION_DAYS, PurgeReport, purge, retention_days_from_env
from bot.storage.schema import migrate

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_RETENTION_DAYS",
    "ERASE_REQUESTED_SLOT",
    "ErasureReport",
    "PurgeReport",
    "database_url_from_env",
    "erase_conversation",
    "hash_sender_id",
    "latest_consent",
    "load_assessment",
    "load_id_secret",
    "migrate",
    "new_reference_code",
    "normalise_reference_code",
    "pseudonymous_sender_id",
    "purge",
    "record_consent",
    "reference_code_in",
    "retention_days_from_env",
    "save_assessment",
    "storage_engine",
]
