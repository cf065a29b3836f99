"""Command line: ``python -m bot assess PROFILE.json [--as-of YYYY-MM-DD]``.

Prints the assessment as JSON. A bad file or field prints a clear message naming the field and exits with 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from bot.engine import assess
from bot.profile import ProfileError, parse_profile, unknown_fields


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit status 2 with a clear message
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m bot", description="Hong Kong talent-visa eligibility (guidance only).")
    sub = parser.add_subparsers(dest="command", required=True)
    p_assess = sub.add_parser("assess", help="assess a profile JSON file ('-' reads standard input)")
    p_assess.add_argument("profile")
    p_assess.add_argument("--as-of", dest="as_of", default=None, help="date of the rules to use, YYYY-MM-DD")
    p_assess.add_argument("--no-near-misses", action="store_true", help="skip the near-miss search (faster)")
    args = parser.parse_args(argv)

    as_of = None
    if args.as_of is not None:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            return _fail(f"--as-of: {args.as_of!r} is not a date YYYY-MM-DD")
    try:
        if args.profile == "-":
            raw = sys.stdin.read()
        else:
            with open(args.profile, encoding="utf-8") as handle:
                raw = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"{args.profile}: cannot read the file ({exc.__class__.__name__}: {exc})")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return _fail(f"{args.profile}: not valid JSON ({exc})")
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        return _fail(f"field {exc.field!r}: {exc.message}")
    result = assess(profile, as_of, near_misses=not args.no_near_misses)
    ignored = unknown_fields(data)
    if ignored:
        disclaimer = result.pop("disclaimer")
        result["ignored_fields"] = ignored
        result["disclaimer"] = disclaimer
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
