"""Rasa's HTTP API token is compared in constant time (rasa_addons/api_token.py); the end-to-end check of
right and wrong tokens against running servers is in tests/services/test_replicas.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import rasa.server
from rasa.server import ErrorResponse

import rasa_addons  # noqa: F401  (installs the patches, as loading our channels does in the server)
from rasa_addons import api_token


def guarded(token: str | None):
    app = SimpleNamespace(config={})  # no JWT configured, as we run Rasa

    @rasa.server.requires_auth(app, token)
    async def handler(request):
        return "served"

    def call(provided: str | None):
        request = SimpleNamespace(args={} if provided is None else {"token": provided})
        return asyncio.run(handler(request))

    return call


def test_rasas_create_app_takes_our_decorator():
    assert rasa.server.requires_auth is api_token.requires_auth


def test_the_right_token_is_served():
    assert guarded("s3cret-token")("s3cret-token") == "served"


@pytest.mark.parametrize(
    "provided", [None, "", "s3cret", "s3cret-token-and-more", "S3CRET-TOKEN", "ş3cret-token"]
)
def test_any_other_token_is_refused_by_rasa_as_before(provided):
    with pytest.raises(ErrorResponse) as refused:
        guarded("s3cret-token")(provided)
    assert refused.value.status == 401


def test_without_a_token_rasas_own_meaning_is_kept():
    # Rasa serves everything when neither a token nor JWT is configured; we never start it so (the API
    # is off without RASA_API_TOKEN, docs/decisions/0500), but the patch must not change that meaning.
    assert guarded(None)(None) == "served"
