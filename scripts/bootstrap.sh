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

install_widget() {
  # The web widget's socket.io client (and axe-core for its tests), from web/package-lock.json.
  local stamp="web/node_modules/.lock-hash" want
  want="$(sha256sum web/package-lock.json | cut -c1-16)"
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    printf '\033[33mNote: npm (Node.js 18 or newer) was not found, so the web widget cannot be set up.\n' >&2
    printf 'The assistant still runs (REST, terminal). Install Node.js to chat in the browser.\033[0m\n' >&2
    return 0
  fi
  say "Installing the web widget's packages (npm ci in web/)"
  npm ci --prefix web --no-audit --no-fund --loglevel=error || fail "npm ci in web/ failed (see above)"
  echo "$want" > "$stamp"
}

if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.lock-hash" 2>/dev/null)" = "$(lock_hash)" ]; then
  install_widget
  exit 0  # the Python environment is already set up from this exact lock
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
"$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -qq \
  -r requirements.txt -c constraints.txt \
  || fail "pip could not install the pinned dependencies (see the messages above). Check your network or proxy."
"$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e . \
  || fail "could not install the project itself into the venv"
lock_hash > "$venv/.lock-hash"
install_widget
say "Environment ready."
