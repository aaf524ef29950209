"""Statements checked with Ralph's xAPI models, in Ralph's virtualenv (tests/xapi/ralph_models.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.lrs import ralph_executable

SCRIPT = Path(__file__).with_name("ralph_models.py")


def validate_with_ralph(statements: list[dict]) -> list[dict]:
    """Each statement's report: {"id", "models": names checked, "error": None when valid}."""
    python = ralph_executable().with_name("python")
    done = subprocess.run(
        [str(python), str(SCRIPT)], input=json.dumps(statements), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
