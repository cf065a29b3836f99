"""Rasa's HTTP API token, compared in constant time.

With `--enable-api --auth-token T` (only when RASA_API_TOKEN is set, docs/decisions/0500), Rasa checks
`?token=` with `==`, which returns as soon as a character differs: in principle, how long a refusal takes
tells a caller how much of a guess was right. This wraps Rasa's `requires_auth` so the token is compared
with `hmac.compare_digest`; everything else (JWT, the refusal itself) is Rasa's own. `create_app` looks
the decorator up when it builds the routes, after our channels (and with them this package) are imported.
"""

from __future__ import annotations

import hmac
from functools import wraps
from inspect import isawaitable
from typing import Any

import rasa.server

_stock_requires_auth = rasa.server.requires_auth


def token_matches(provided: str | None, token: str | None) -> bool:
    if token is None or provided is None:
        return False
    return hmac.compare_digest(provided.encode("utf-8"), token.encode("utf-8"))


class _NoToken:
    """Stands in for the token in Rasa's own check: not None (None would mean "authentication off"),
    and equal to nothing a request can send, so Rasa goes on to JWT and its refusal."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def requires_auth(app: Any, token: str | None = None):
    """Rasa's decorator, with the token check done here and Rasa's own used for JWT and refusals."""
    if token is None:
        return _stock_requires_auth(app, None)  # Rasa's meaning kept: no token, no JWT -> no check
    without_token = _stock_requires_auth(app, _NoToken())

    def decorator(handler):
        rasa_checks = without_token(handler)

        @wraps(handler)
        async def decorated(request: Any, *args: Any, **kwargs: Any):
            if token_matches(request.args.get("token", None), token):
                result = handler(request, *args, **kwargs)
                return await result if isawaitable(result) else result
            return await rasa_checks(request, *args, **kwargs)

        return decorated

    return decorator


def install() -> None:
    rasa.server.requires_auth = requires_auth
