"""The architecture as import-linter contracts (pyproject.toml, [tool.importlinter]), checked with the tests."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_packages_import_only_what_the_contracts_allow():
    """Does every package keep to its layer, its neighbours' front doors and no cycles (lint-imports)?"""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
