"""``python -m bot assess PROFILE.json [--as-of YYYY-MM-DD]``."""

import sys

from bot.cli import main

sys.exit(main())
