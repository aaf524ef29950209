"""The README's two commands on a fresh machine: what they check first, and where links point.

A missing system library is simulated (scripts/check_system.py reads CHECK_SYSTEM_PRETEND_MISSING
and CHECK_SYSTEM_PRETEND_NOT_ROOT): nothing is removed from this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "scripts" / "check_system.py"
# Never reinstall the (possibly shared) virtualenv from a test: it is there, the test suite runs in it.
KEEP_VENV = ["-o", ".venv/.installed-app", "-o", ".venv/.installed-dev"]


#: What a make running this suite (CI's `make test`) passes to the makes it starts: without them, the make
#: below runs as a newcomer's would, at the top level (its errors read "make: ***", not "make[1]: ***").
_MAKE_OWN = ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")


def _make(*arguments: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    outer = {name: value for name, value in os.environ.items() if name not in _MAKE_OWN}
    return subprocess.run(
        ["make", "--no-print-directory", *KEEP_VENV, *arguments],
        cwd=ROOT,
        env={**outer, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _pretending(*missing: str) -> dict:
    return {"CHECK_SYSTEM_PRETEND_MISSING": " ".join(missing), "CHECK_SYSTEM_PRETEND_NOT_ROOT": "1"}


def _check(command: str, *arguments: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK), command, *arguments],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_make_test_without_harfbuzz_subsetter_stops_with_one_line():
    """Does a newcomer without HarfBuzz's subsetter or chromium get one line saying what to run, and no test run?"""
    # Were the check to let it through, this pytest would only collect (and say so), never run the suite again.
    result = _make(
        "test",
        "PYTEST_ARGS=--collect-only -q tests/test_app.py",
        env=_pretending("libharfbuzz-subset0", "chromium"),
    )
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert ours == [
        "make test needs libharfbuzz-subset0 (HarfBuzz's subsetter, to embed certificate fonts), chromium (to run the "
        "browser tests): run `sudo apt-get install libharfbuzz-subset0 chromium`, then make test again."
    ]
    assert "collected" not in result.stdout and "pytest" not in result.stdout, result.stdout


def test_make_run_without_pango_stops_before_serving():
    """Does `make run` without Pango stop at once with the command to run, before migrating or serving anything?"""
    result = _make("run", "PORT=1", env=_pretending("libpango-1.0-0", "libpangoft2-1.0-0"))
    assert result.returncode != 0
    assert "run `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0`, then make run again." in result.stderr
    assert "flask" not in result.stdout and "Serving" not in result.stdout


def test_chromium_is_needed_by_the_tests_not_by_run():
    """Can a machine without chromium still `make run`, while `make test` asks for it?"""
    assert _check("run", env=_pretending("chromium")).returncode == 0
    refused = _check("test", env=_pretending("chromium"))
    assert refused.returncode == 1 and "`sudo apt-get install chromium`" in refused.stderr


def test_pg_restore_is_needed_by_the_tests_not_by_run():
    """Can a machine without pg_dump/pg_restore still `make run`, while `make test` (the backup tests) asks for them?"""
    assert _check("run", env=_pretending("postgresql-client")).returncode == 0
    refused = _check("test", env=_pretending("postgresql-client"))
    assert refused.returncode == 1 and "`sudo apt-get install postgresql-client`" in refused.stderr


def test_a_python_without_venv_is_told_which_package_gives_it():
    """Is a Debian Python without its venv module told the exact package, before make tries to build .venv?"""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    result = _check("run", "--venv", "/nonexistent/venv", env=_pretending("python3-venv"))
    assert result.returncode == 1
    assert f"run `sudo apt-get install python{version}-venv`, then make run again." in result.stderr
    # An existing virtualenv needs no venv module.
    assert _check("run", "--venv", str(ROOT / ".venv"), env=_pretending("python3-venv")).returncode == 0


def test_this_machine_has_what_make_test_needs():
    """Does the check pass, silently, on a machine that has every library (this one, or CI after installing)?"""
    result = _check("test", env={})
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),  # noqa: S104
        ({"FLASK_RUN_PORT": "5101", "PUBLIC_URL": "https://academy.example.org/"}, "https://academy.example.org"),
    ],
)
def test_links_follow_the_served_port_unless_a_public_address_is_set(monkeypatch, tmp_path, environment, expected):
    """Do links follow the port `flask run` serves, while a deployment's PUBLIC_URL always wins?"""
    from app.config import from_environment

    for name in ("PUBLIC_URL", "FLASK_RUN_HOST", "FLASK_RUN_PORT", "ACADEMY_ENV"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert from_environment(tmp_path)["PUBLIC_URL"] == expected
