"""Pseudonymous sender ids: a keyed hash (HMAC-SHA256) instead of the id a channel gives us.

Sender ids can be phone numbers or messenger account ids, so our own tables never hold them. A keyed
hash (rather than a plain SHA-256) means someone holding a copy of the database cannot confirm a
guessed phone number without also holding the secret.

The secret comes from ``HKTA_ID_SECRET``. Without it (development) a random secret is generated once
and kept in ``var/``, so that the Rasa server and the action server, which both hash ids, agree and
"delete my data" still finds yesterday's records. Changing or losing the secret orphans every stored
record: erasure by sender id can no longer find them (retention still deletes them).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger(__name__)

SECRET_ENV_VARIABLE = "HKTA_ID_SECRET"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET_FILE = ROOT / "var" / "hkta_id_secret"
MINIMUM_SECRET_LENGTH = 32
# The messaging channels whose conversation ids are pseudonyms (rasa_addons/channels/), by their names.
MESSAGING_CHANNELS = ("telegram", "twilio", "facebook", "slack")

_development_secrets: dict[Path, bytes] = {}


def load_id_secret(env: Mapping[str, str] | None = None, secret_file: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The HMAC key: ``HKTA_ID_SECRET`` if set, else the development secret kept in ``secret_file``."""
    env = os.environ if env is None else env
    configured = env.get(SECRET_ENV_VARIABLE)
    if configured is not None:
        if not configured.strip():
            raise ValueError(f"{SECRET_ENV_VARIABLE} is set but empty")
        if len(configured) < MINIMUM_SECRET_LENGTH:
            logger.warning(
                "%s is shorter than %d characters; use e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`",
                SECRET_ENV_VARIABLE,
                MINIMUM_SECRET_LENGTH,
            )
        return configured.encode("utf-8")
    return _development_secret(Path(secret_file))


def _development_secret(secret_file: Path) -> bytes:
    if secret_file in _development_secrets:
        return _development_secrets[secret_file]
    if not secret_file.exists():
        _create_secret_file(secret_file)
    secret = secret_file.read_text(encoding="utf-8").strip().encode("utf-8")
    logger.warning(
        "%s is not set: sender ids are hashed with the development secret in %s. "
        "Set %s in production; changing it later makes existing records unfindable by sender.",
        SECRET_ENV_VARIABLE,
        secret_file,
        SECRET_ENV_VARIABLE,
    )
    _development_secrets[secret_file] = secret
    return secret


def _create_secret_file(secret_file: Path) -> None:
    """Write a new secret atomically: the Rasa and action servers may start at the same moment, and
    both must end up with the same secret, so the first to link its file wins and the other reads it."""
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=secret_file.parent, prefix=".id_secret.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process won: use its secret
            os.link(temporary, secret_file)
    finally:
        os.unlink(temporary)


def hash_sender_id(sender_id: str, secret: bytes | None = None) -> str:
    """HMAC-SHA256 of the sender id as 64 hex characters; the same id always gives the same hash."""
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id must be a non-empty string")
    key = load_id_secret() if secret is None else secret
    return hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymous_sender_id(channel: str, platform_id: str, secret: bytes | None = None) -> str:
    """The conversation id for someone a messaging channel knows by a phone number or account id:
    ``"<channel>:<HMAC-SHA256 of channel and id>"``, the same for the same person every time, so the
    conversation continues, but useless for finding the person without the secret.
    See docs/decisions/0400-pseudonymous-conversation-ids.md."""
    if not channel or ":" in channel:
        raise ValueError("channel must be a non-empty name without ':'")
    if not isinstance(platform_id, str) or not platform_id:
        raise ValueError("platform_id must be a non-empty string")
    return f"{channel}:{hash_sender_id(f'{channel}:{platform_id}', secret)}"
