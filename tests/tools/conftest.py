"""The sample generator's helper modules live in tools/ (run as scripts, not installed): put
that folder on the import path for the tests of them."""

from __future__ import annotations

import sys
from pathlib import Path

TOOLS = str(Path(__file__).resolve().parents[2] / "tools")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
