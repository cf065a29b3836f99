"""Every data file loads as meant: YAML 1.1 reads bare yes/no/on/off (and the country code NO) as booleans."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = [*sorted(ROOT.glob("bot/**/*.yaml")), ROOT / "domain.yml", *sorted(ROOT.glob("data/**/*.yml"))]


def boolean_keys(node, path="") -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, bool):
                found.append(f"{path}/{key}")
            found += boolean_keys(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += boolean_keys(item, f"{path}[{index}]")
    return found


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_key_is_read_as_a_boolean(path):
    assert boolean_keys(yaml.safe_load(path.read_text(encoding="utf-8"))) == []
