"""Rasa checks every action server reply against its JSON schema with ``jsonschema.validate``, which first
re-checks the (constant) schema itself against the JSON-schema metaschema: under load that re-check was a
third of the Rasa server's CPU time (bench/report/profile.md). This builds the validator once and checks
each reply exactly as before (same schema, same best-match error, same message), only without the
repeated metaschema check. Installed when the package is imported (rasa_addons/__init__.py), which the
Rasa server does for the tracker store.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result of Rasa 3.6, with the validator built once."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        "For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
