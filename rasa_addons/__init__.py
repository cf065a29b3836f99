"""Extensions that plug into the Rasa server (configured by dotted path in endpoints.yml).

Unlike ``bot/``, this package imports Rasa: it runs inside the Rasa server process.
"""

from rasa_addons import action_validation as _action_validation
from rasa_addons import api_token as _api_token
from rasa_addons import faults as _faults
from rasa_addons import payload_interpolation as _payload_interpolation
from rasa_addons import tracker_replay as _tracker_replay

# Every extension of ours that Rasa loads (the tracker store, the channels) imports this package first,
# so the Rasa server always answers a failed turn with an apology (rasa_addons/faults.py), and checks
# the action server's replies with a validator built once (rasa_addons/action_validation.py), and
# rebuilds trackers with one replay, not one per rewind (rasa_addons/tracker_replay.py), and leaves
# button payloads out of slot interpolation (rasa_addons/payload_interpolation.py), and compares the HTTP
# API's token in constant time (rasa_addons/api_token.py).
_faults.install()
_action_validation.install()
_tracker_replay.install()
_payload_interpolation.install()
_api_token.install()
