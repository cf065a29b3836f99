"""Setup must find Python 3.10 by itself and say clearly what to install when there is none."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bootstrap(tmp_path, **env):
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    base["HKTA_VENV"] = str(tmp_path / "venv")
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "bootstrap.sh")],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_python_310_setup_stops_and_says_what_to_install(tmp_path):
    if Path("/usr/bin/python3.10").exists():
        pytest.skip("this machine has a system Python 3.10, so it cannot be hidden")
    result = run_bootstrap(tmp_path)
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert "PYTHON310=" in result.stderr
    assert not (tmp_path / "venv").exists()


def other_python() -> str | None:
    """An interpreter that is not 3.10 (the machine's default python3, typically)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3", sys.executable):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True
        )
        if probe.returncode == 0 and probe.stdout.strip() != b"(3, 10)":
            return candidate
    return None


def test_a_python_of_another_version_is_not_accepted(tmp_path):
    other = other_python()
    if other is None or Path("/usr/bin/python3.10").exists():
        pytest.skip("no non-3.10 interpreter to offer, or a system 3.10 that would be found anyway")
    result = run_bootstrap(tmp_path, PYTHON310=other)
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
