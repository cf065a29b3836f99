"""Rasa's endpoints and credentials, made from environment variables.

Rasa expands ``${VAR}`` in its YAML but fails when a variable is unset, so optional settings
(a PostgreSQL URL, Redis, a messaging channel's tokens) cannot live in the committed files.
Instead the committed ``endpoints.yml``/``credentials.yml`` hold the defaults (SQLite, REST and
socket.io), and this module writes the effective files under ``build/`` from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/tracker.db"


# Rasa's SQLTrackerStore, extended so that "delete my data" is not written back (docs/decisions/0300).
TRACKER_STORE_CLASS = "rasa_addons.tracker_store.ErasingSQLTrackerStore"


def database_url(env: Mapping[str, str]) -> str:
    return env.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def tracker_store(database_url: str) -> dict:
    """The SQL tracker store for a SQLAlchemy URL; Rasa uses a URL given as ``url`` verbatim."""
    dialect = urlsplit(database_url).scheme.split("+")[0]
    if dialect == "postgres":  # SQLAlchemy 1.4 accepts only the long name
        dialect = "postgresql"
        database_url = "postgresql" + database_url[len("postgres") :]
    return {"type": TRACKER_STORE_CLASS, "dialect": dialect, "url": database_url}


# Rasa's RedisLockStore, with atomic ticket changes: Rasa's own can serve two replicas at once.
LOCK_STORE_CLASS = "rasa_addons.lock_store.AtomicRedisLockStore"


def lock_store(redis_url: str) -> dict:
    """The Redis lock store, which takes Rasa's host/port/db/password settings rather than a URL."""
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL must start with redis:// or rediss://, got {redis_url!r}")
    db = parts.path.lstrip("/") or "0"
    config = {
        "type": LOCK_STORE_CLASS,
        "url": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(db),
        "key_prefix": "hkta",
        "use_ssl": parts.scheme == "rediss",
    }
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


def endpoints(env: Mapping[str, str], action_port: int) -> dict:
    action_url = env.get("ACTION_SERVER_URL") or f"http://127.0.0.1:{action_port}/webhook"
    config: dict = {
        "action_endpoint": {"url": action_url},
        "tracker_store": tracker_store(database_url(env)),
    }
    if env.get("REDIS_URL"):
        config["lock_store"] = lock_store(env["REDIS_URL"])
    return config


@dataclass(frozen=True)
class MessagingChannel:
    """A messaging channel switched on by environment variables: each maps to a credentials key."""

    name: str
    connector: str  # the dotted path of its class, the key in credentials.yml
    required: Mapping[str, str]
    optional: Mapping[str, str] = field(default_factory=dict)

    def variables(self) -> list[str]:
        return [*self.required, *self.optional]


# Documented in the README ("Messaging channels") and credentials.example.env.
MESSAGING_CHANNELS = (
    MessagingChannel(
        "Telegram",
        "rasa_addons.channels.telegram.TelegramInput",
        {"TELEGRAM_TOKEN": "access_token", "TELEGRAM_WEBHOOK_SECRET": "secret_token"},
        {"TELEGRAM_WEBHOOK_URL": "webhook_url", "TELEGRAM_API_URL": "api_url"},
    ),
    MessagingChannel(
        "WhatsApp (Twilio)",
        "rasa_addons.channels.twilio.TwilioInput",
        {
            "TWILIO_ACCOUNT_SID": "account_sid",
            "TWILIO_AUTH_TOKEN": "auth_token",
            "TWILIO_WHATSAPP_NUMBER": "whatsapp_number",
            "TWILIO_PUBLIC_URL": "public_url",
        },
        {"TWILIO_API_URL": "api_url"},
    ),
    MessagingChannel(
        "Facebook Messenger",
        "rasa_addons.channels.facebook.FacebookInput",
        {
            "FACEBOOK_VERIFY_TOKEN": "verify",
            "FACEBOOK_APP_SECRET": "secret",
            "FACEBOOK_PAGE_ACCESS_TOKEN": "page-access-token",
        },
        {"FACEBOOK_API_URL": "api_url"},
    ),
    MessagingChannel(
        "Slack",
        "rasa_addons.channels.slack.SlackInput",
        {"SLACK_BOT_TOKEN": "slack_token", "SLACK_SIGNING_SECRET": "slack_signing_secret"},
        {"SLACK_API_URL": "api_url"},
    ),
)
SOCKETIO_CONNECTOR = "rasa_addons.socketio_channel.SocketIOInput"


class ChannelConfigurationError(ValueError):
    """A messaging channel is partly configured: the message names what is missing."""


def messaging_channels(env: Mapping[str, str]) -> dict[str, dict]:
    """The credentials of every messaging channel with one of its variables set; each such channel must
    have all of its required ones, else the start fails naming them (a half-configured channel would
    otherwise be silently off, or refuse every message)."""
    configured = {}
    for channel in MESSAGING_CHANNELS:
        given = {name: env[name].strip() for name in channel.variables() if (env.get(name) or "").strip()}
        if not given:
            continue
        missing = [name for name in channel.required if name not in given]
        if missing:
            raise ChannelConfigurationError(
                f"{channel.name} is partly configured ({', '.join(sorted(given))} set): also set "
                f"{', '.join(missing)}, or unset its variables to leave {channel.name} off. "
                "See the README, 'Messaging channels'."
            )
        keys = {**channel.required, **channel.optional}
        configured[channel.connector] = {keys[name]: value for name, value in given.items()}
    return configured


def credentials(env: Mapping[str, str], cors_origins: Sequence[str] = ()) -> dict:
    """The committed channels (REST, socket.io), socket.io limited to ``cors_origins``, and every messaging
    channel that ``env`` configures."""
    config = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    if SOCKETIO_CONNECTOR in config:
        config[SOCKETIO_CONNECTOR] = {
            **(config[SOCKETIO_CONNECTOR] or {}),
            "cors_allowed_origins": list(cors_origins),
        }
    config.update(messaging_channels(env))
    return config


def write_runtime_files(
    env: Mapping[str, str] | None = None, action_port: int = 5055, cors_origins: Sequence[str] = ()
) -> tuple[Path, Path]:
    """Write ``build/endpoints.yml`` and ``build/credentials.yml``; return their paths."""
    env = os.environ if env is None else env
    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    endpoints_path = build / "endpoints.yml"
    credentials_path = build / "credentials.yml"
    header = "# Generated by scripts/runtime_config.py from the environment; edit endpoints.yml instead.\n"
    endpoints_path.write_text(header + yaml.safe_dump(endpoints(env, action_port), sort_keys=False))
    # It holds the messaging channels' tokens: readable by this user only.
    credentials_path.touch(mode=0o600)
    credentials_path.chmod(0o600)
    credentials_path.write_text(header + yaml.safe_dump(credentials(env, cors_origins), sort_keys=False))
    return endpoints_path, credentials_path
