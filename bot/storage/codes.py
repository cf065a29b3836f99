"""Reference codes that reopen a saved assessment: short enough to copy by hand, too many to guess.

10 characters from a 31-character alphabet give 31**10 ≈ 8.2e14 codes (about 49 bits). The alphabet
leaves out 0/O, 1/I/L so a code read aloud or copied from a phone screen survives.
"""

from __future__ import annotations

import re
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")

assert len(CODE_ALPHABET) == 31 and len(set(CODE_ALPHABET)) == 31

# People type codes in lower case and with spaces or dashes between groups.
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_reference_code() -> str:
    """A fresh code from the operating system's cryptographic random source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_reference_code(typed: str) -> str | None:
    """The code as stored, from what a user typed ("abcde-fgh23"), or None if it cannot be one."""
    if not isinstance(typed, str):
        return None
    candidate = _SEPARATORS.sub("", typed).upper()
    return candidate if CODE_PATTERN.match(candidate) else None
