"""Ports for the servers a test starts.

Asking the kernel for port 0 hands out a port from the ephemeral range, the same range outgoing
connections take their local ports from; between the test choosing a port and Rasa binding it (after a
20-second model load), a client connection may take it ("address already in use"). So ports come from
below the ephemeral range, at random, and are checked free on every interface, as the servers bind.
"""

from __future__ import annotations

import random
import socket

# Below Linux's default ephemeral range (32768-60999) and macOS's (49152-65535), above the usual services.
LOW, HIGH = 20_000, 32_000


def _is_free(port: int) -> bool:
    for host in ("0.0.0.0", "127.0.0.1"):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                return False
    return True


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports."""
    for _ in range(200):
        first = random.randrange(LOW, HIGH - count)
        if all(_is_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports between {LOW} and {HIGH}")


def free_port() -> int:
    return free_ports(1)
