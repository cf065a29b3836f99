# Two commands matter: `make run` (set up and start the assistant) and `make test` (set up and run every check).
# Both set up the venv from the lock first (scripts/bootstrap.sh): Python 3.10 is found automatically.
VENV ?= $(or $(HKTA_VENV),.venv)
PY := $(VENV)/bin/python
export HKTA_VENV := $(VENV)

.PHONY: run shell test setup train validate lint fix lock clean

run: setup            ## start the action server and Rasa (REST + socket.io) on SQLite; Ctrl-C stops both
	@$(PY) scripts/assistant.py run

shell: setup          ## chat in the terminal
	@$(PY) scripts/assistant.py shell

test: setup           ## lint, rasa data validate, train (cached), pytest, story tests
	@$(PY) scripts/assistant.py test

setup:
	@scripts/bootstrap.sh

train: setup
	@$(PY) scripts/assistant.py train

validate: setup
	@$(VENV)/bin/rasa data validate --fail-on-warnings

lint: setup
	@$(VENV)/bin/ruff check .

fix: setup
	@$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

lock:                 ## re-resolve requirements.txt into constraints.txt in a throwaway venv
	@scripts/lock.sh

clean:
	rm -rf build models results var .pytest_cache .ruff_cache
