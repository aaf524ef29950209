"""The deployment files in deploy/: read by systemd as shipped, and consistent with the README."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _check_deploy():
    spec = importlib.util.spec_from_file_location("check_deploy", ROOT / "scripts" / "check_deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_systemd_units_verify(tmp_path):
    """Does `systemd-analyze verify` accept the app and worker units without a word?"""
    assert _check_deploy().check_systemd(tmp_path) == []


def test_a_broken_unit_is_caught(tmp_path, monkeypatch):
    """Would a misspelt setting in a unit be reported (systemd only warns about it)?"""
    check = _check_deploy()
    broken = tmp_path / "deploy"
    shutil.copytree(DEPLOY, broken)
    unit = broken / "systemd" / "academy.service"
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restrat=on-failure"))
    monkeypatch.setattr(check, "DEPLOY", broken)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (problem,) = check.check_systemd(scratch)
    assert "Restrat" in problem


def _example_environment() -> dict[str, str]:
    lines = (DEPLOY / "academy.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_units_are_given_every_variable_they_use():
    """Does the example environment file set every ${VARIABLE} the units' commands use?"""
    used = set()
    for unit in (DEPLOY / "systemd").glob("*.service"):
        used |= set(re.findall(r"\$\{(\w+)\}", unit.read_text()))
    assert used and used <= set(_example_environment())


def test_every_variable_of_the_example_is_explained_in_the_readme():
    """Is every variable an administrator copies from the example named in the README?"""
    readme = (ROOT / "README.md").read_text()
    unexplained = [name for name in _example_environment() if f"`{name}`" not in readme]
    assert unexplained == []
