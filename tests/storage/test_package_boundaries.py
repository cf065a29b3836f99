"""bot.storage is used by the action server and cron: it must not pull in Rasa."""

import subprocess
import sys


def test_the_storage_package_imports_without_rasa():
    code = (
        "import sys, bot.storage, bot.storage.__main__; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rasa'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
