"""Check that this machine has what `make run`, `make test` or `make bench` needs outside Python.

    python3 scripts/check_system.py run|test|bench [--venv .venv]

Called by the Makefile before it creates the virtualenv or runs anything. It checks:

- Python 3.11 or newer, and that `python3 -m venv` works (Debian ships venv apart: python3.X-venv);
- Pango (libpango-1.0-0, libpangoft2-1.0-0), which WeasyPrint draws PDFs with, and HarfBuzz's
  subsetter (libharfbuzz-subset0), which it embeds the certificate fonts with;
- DejaVu fonts (fonts-dejavu-core), which the directorate's PDF reports are set in;
- for `test`: chromium, which the browser tests drive, and pg_dump/pg_restore (postgresql-client),
  which the backup tests run (and `flask backup` on PostgreSQL);
- for `bench`: wrk, which loads the pages.

What is missing is installed with apt-get when we are root (apt-get update first if the install
fails); otherwise the check stops with one line giving the exact command to run. It uses only the
standard library and runs on any Python from 3.6, so that it can say that Python is too old.

For tests of this script, two variables pretend what the machine cannot show at will:
CHECK_SYSTEM_PRETEND_MISSING="libharfbuzz-subset0 chromium" (Debian package names) and
CHECK_SYSTEM_PRETEND_NOT_ROOT=1.
"""

import argparse
import ctypes.util
import os
import shutil
import subprocess
import sys

MINIMUM_PYTHON = (3, 11)


def _library(name):
    return lambda: ctypes.util.find_library(name) is not None  # reads `ldconfig -p`


def _program(name):
    return lambda: shutil.which(name) is not None


def _file(path):
    return lambda: os.path.isfile(path)


# (Debian package, what needs it, how to tell it is there), per command.
NEEDED_BY_RUN = [
    ("libpango-1.0-0", "Pango, to draw PDFs", _library("pango-1.0")),
    ("libpangoft2-1.0-0", "Pango, to draw PDFs", _library("pangoft2-1.0")),
    ("libharfbuzz-subset0", "HarfBuzz's subsetter, to embed certificate fonts", _library("harfbuzz-subset")),
    ("fonts-dejavu-core", "the PDF reports' font", _file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")),
]
NEEDED = {
    "run": NEEDED_BY_RUN,
    "test": NEEDED_BY_RUN
    + [
        ("chromium", "to run the browser tests", _program("chromium")),
        ("postgresql-client", "pg_dump and pg_restore, for the backup tests", _program("pg_restore")),
    ],
    "bench": NEEDED_BY_RUN + [("wrk", "to load the pages", _program("wrk"))],
}


def _pretended_missing():
    return set(os.environ.get("CHECK_SYSTEM_PRETEND_MISSING", "").replace(",", " ").split())


def _is_root():
    return os.geteuid() == 0 and not os.environ.get("CHECK_SYSTEM_PRETEND_NOT_ROOT")


def _venv_package():
    """The package that makes `python3 -m venv` work, or None when venv already works."""
    pretend = _pretended_missing()
    try:
        import ensurepip  # noqa: F401  (Debian moves it to python3.X-venv; venv needs it for pip)
        import venv  # noqa: F401
    except ImportError:
        pass
    else:
        if "python3-venv" not in pretend:
            return None
    return f"python{sys.version_info[0]}.{sys.version_info[1]}-venv"


def missing_packages(command, venv_dir):
    """The Debian packages this command needs that the machine lacks."""
    pretend = _pretended_missing()
    missing = [package for package, _why, present in NEEDED[command] if package in pretend or not present()]
    if not os.path.exists(os.path.join(venv_dir, "bin", "python")):
        package = _venv_package()
        if package:
            missing.insert(0, package)
    return missing


def _apt_install(packages):
    """Install with apt-get; on failure (a stale package list) update and try once more."""
    install = ["apt-get", "install", "-y", "-qq", *packages]
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.call(install, env=environment) == 0:
        return True
    return subprocess.call(["apt-get", "update", "-qq"], env=environment) == 0 and (
        subprocess.call(install, env=environment) == 0
    )


def check(command, venv_dir):
    """0 when the machine is ready (after installing what was missing, as root); else 1 after one line."""
    if sys.version_info[:2] < MINIMUM_PYTHON:
        found = ".".join(str(part) for part in sys.version_info[:2])
        print(
            f"Python 3.11 or newer is needed and {sys.executable} is {found}: install it "
            "(Debian 12: sudo apt-get install python3) or run make with PYTHON=python3.11.",
            file=sys.stderr,
        )
        return 1
    missing = missing_packages(command, venv_dir)
    if not missing:
        return 0
    apt = shutil.which("apt-get") is not None
    if _is_root() and apt and not _pretended_missing():
        print(f"make {command}: installing {' '.join(missing)} with apt-get", file=sys.stderr)
        if _apt_install(missing) and not missing_packages(command, venv_dir):
            return 0
    if apt:
        advice = f"run `{'' if _is_root() else 'sudo '}apt-get install {' '.join(missing)}`"
    else:
        advice = "install them with your system's package manager (these are Debian's names)"
    why = {package: reason for package, reason, _present in NEEDED[command]}
    needs = ", ".join(f"{package} ({why.get(package, 'for python3 -m venv')})" for package in missing)
    print(f"make {command} needs {needs}: {advice}, then make {command} again.", file=sys.stderr)
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=sorted(NEEDED))
    parser.add_argument("--venv", default=".venv", help="the virtualenv make uses (venv is checked only to make it)")
    arguments = parser.parse_args()
    return check(arguments.command, arguments.venv)


if __name__ == "__main__":
    sys.exit(main())
