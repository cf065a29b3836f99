"""Command line: ``python -m bot.storage {migrate,purge,erase}``.

Output is counts only, never sender ids or answers, so it is safe in cron mail and CI logs.
Exit status: 0 done, 1 database or configuration error, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import logging
import sys

from sqlalchemy import exc

from bot.storage.engine import database_url_from_env, storage_engine
from bot.storage.erasure import erase_conversation
from bot.storage.identity import MESSAGING_CHANNELS, pseudonymous_sender_id
from bot.storage.retention import RETENTION_ENV_VARIABLE, purge, retention_days_from_env, retention_mismatch
from bot.storage.schema import migrate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def with_database(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument(
            "--database-url",
            default=None,
            help="SQLAlchemy URL (default: $DATABASE_URL, else sqlite:///var/tracker.db)",
        )
        return command

    with_database(commands.add_parser("migrate", help="create or upgrade our tables (idempotent)"))

    purge_command = with_database(
        commands.add_parser("purge", help="delete conversations and records older than the retention period")
    )
    purge_command.add_argument(
        "--days",
        type=int,
        default=None,
        help=f"retention in days (default: ${RETENTION_ENV_VARIABLE}, else 90)",
    )
    purge_command.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
    )

    erase_command = with_database(
        commands.add_parser("erase", help="delete everything stored for one conversation (a data request)")
    )
    erase_command.add_argument(
        "--sender-id", required=True, help="the conversation id as the channel gives it"
    )
    erase_command.add_argument(
        "--channel",
        choices=MESSAGING_CHANNELS,
        default=None,
        help="the messaging channel the person wrote on: then --sender-id is their id there (a phone "
        "number such as +85291234567 for WhatsApp, a Telegram chat id, a Messenger page-scoped id, a "
        "Slack user id), which is turned into the conversation's pseudonym",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "purge":
            days = args.days if args.days is not None else retention_days_from_env()
            if days < 1:
                print("--days must be at least 1", file=sys.stderr)
                return 2
            # The scheduled purge keeps the notice's promise; --days is an operator's one-off.
            mismatch = None if args.days is not None else retention_mismatch(days)
            if mismatch:
                print(mismatch, file=sys.stderr)
                return 1
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    engine = storage_engine(args.database_url or database_url_from_env())
    try:
        if args.command == "migrate":
            print(f"database at revision {migrate(engine)}")
        elif args.command == "purge":
            print(purge(engine, days, dry_run=args.dry_run).summary())
        elif args.command == "erase":
            sender_id = args.sender_id
            if args.channel:
                sender_id = pseudonymous_sender_id(args.channel, sender_id)
            print(erase_conversation(engine, sender_id).summary())
    except exc.SQLAlchemyError as error:
        # The statement and its parameters may hold a sender id; the error class and origin are enough.
        print(f"database error: {type(error).__name__}: {_without_parameters(error)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _without_parameters(error: exc.SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error).splitlines()[0]


if __name__ == "__main__":
    sys.exit(main())
