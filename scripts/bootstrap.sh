#!/usr/bin/env bash
# Set up the project's virtual environment from the lock, idempotently.
#
#   scripts/bootstrap.sh            find Python 3.10, create the venv, install the pinned dependencies
#
# Environment:
#   PYTHON310   path to a Python 3.10 interpreter (otherwise PATH and pyenv are searched)
#   HKTA_VENV   where the venv lives (default: .venv in the repository)
#
# The venv is (re)installed only when requirements.txt, constraints.txt or pyproject.toml change:
# their hash is stored in the venv.
set -euo pipefail

cd "$(dirname "$0")/.."
venv="${HKTA_VENV:-.venv}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[31mSETUP FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

is_python310() {
  [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

find_python310() {
  local candidate
  # An explicit choice wins; then PATH; then every pyenv 3.10.x; then the usual system places.
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 || true)"; do
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  if command -v pyenv >/dev/null 2>&1; then pyenv_root="$(pyenv root)"; fi
  for candidate in "$pyenv_root"/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

lock_hash() { cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16; }

if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.lock-hash" 2>/dev/null)" = "$(lock_hash)" ]; then
  exit 0  # already set up from this exact lock
fi

python310="$(find_python310)" || fail "Python 3.10 was not found.
  Rasa Open Source 3.6 runs on Python 3.8-3.10 only (this machine's default python3 may be newer).
  Install Python 3.10, then run the command again. Any one of:
    pyenv install 3.10.13                       (if you use pyenv)
    sudo apt-get install python3.10 python3.10-venv   (Debian/Ubuntu, where packaged)
    the installer from https://www.python.org/downloads/release/python-31013/
  Or point to one you have: PYTHON310=/path/to/python3.10 make run"

say "Using Python 3.10 at $python310"
if [ ! -x "$venv/bin/python" ]; then
  say "Creating the virtual environment in $venv"
  "$python310" -m venv "$venv" || fail "could not create a venv in $venv (on Debian: apt-get install python3.10-venv)"
fi

say "Installing pinned dependencies (Rasa, TensorFlow, spaCy...). First time: a few minutes and about 3 GB."
"$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q \
  -r requirements.txt -c constraints.txt \
  || fail "pip could not install the pinned dependencies (see the messages above). Check your network or proxy."
"$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e . \
  || fail "could not install the project itself into the venv"
lock_hash > "$venv/.lock-hash"
say "Environment ready."
