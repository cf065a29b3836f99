#!/bin/sh
# Writes build/endpoints.yml and build/credentials.yml from the environment, exactly as `make run` does
# (scripts/runtime_config.py: DATABASE_URL, REDIS_URL, ACTION_SERVER_URL, CORS_ORIGINS, messaging
# channels), then starts Rasa. Rasa's HTTP API only with RASA_API_TOKEN (docs/decisions/0500).
# With arguments other than "run" (e.g. `python -m bot.storage migrate`), runs those instead.
set -eu
if [ "$#" -gt 0 ] && [ "$1" != "run" ]; then
  exec "$@"
fi
python -c 'import os
from scripts.runtime_config import write_runtime_files
write_runtime_files(cors_origins=os.environ.get("CORS_ORIGINS", "").split())'
set -- rasa run --model models/hkta.tar.gz --port 5005 \
  --endpoints build/endpoints.yml --credentials build/credentials.yml
for origin in ${CORS_ORIGINS:-}; do
  set -- "$@" --cors "$origin"
done
if [ -n "${RASA_API_TOKEN:-}" ]; then
  set -- "$@" --enable-api --auth-token "$RASA_API_TOKEN"
fi
exec "$@"
