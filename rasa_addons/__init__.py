"""Extensions that plug into the Rasa server (configured by dotted path in endpoints.yml).

Unlike ``bot/``, this package imports Rasa: it runs inside the Rasa server process.
"""

from rasa_addons import action_validation as _action_validation

_action_validation.install()
