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


def reference_code_in(text: str, pieces: int = 3, with_a_digit: bool = False) -> str | None:
    """A reference code in a message, as people retype it: any case, whole or (``pieces`` > 1) split in up
    to that many pieces ("7KQ2M X8PZ4", "7kq-2mx-8pz4"). ``with_a_digit``: only a code with a digit, where
    the words alone must show it is one (ten letters of the alphabet can be an ordinary word; about one
    code in twenty has no digit)."""
    tokens = re.findall(r"[A-Za-z0-9-]+", text or "")
    for count in range(1, pieces + 1):
        for start in range(len(tokens) - count + 1):
            code = normalise_reference_code("".join(tokens[start : start + count]))
            if code and (not with_a_digit or any(character.isdigit() for character in code)):
                return code
    return None
