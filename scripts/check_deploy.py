"""Check the deployment files in deploy/ with the tools that read them: `nginx -t` and `systemd-analyze verify`.

    python3 scripts/check_deploy.py [nginx] [systemd]      (both when none is named; `make check-deploy`)

Each file is checked as shipped, with only its machine-specific paths pointed into a scratch folder:
the TLS certificate (a self-signed one made for the check), the install folder /srv/academy/app
(stand-in executables for gunicorn and flask) and the environment file. Exits 1 naming each
problem. The tests run the systemd check (tests/hosts/test_deploy_files.py); nginx is not a
requirement of `make test` (installing Debian's nginx starts a web server on port 80), so its
check runs here, where one is installed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/srv/academy/app"
ENV_FILE = "/etc/academy/academy.env"
CERTIFICATE = "/etc/ssl/academy/fullchain.pem"
CERTIFICATE_KEY = "/etc/ssl/academy/privkey.pem"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key, so that nginx -t can load the TLS server."""
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=academy.test"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return certificate, key


def check_nginx(scratch: Path) -> list[str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        return ["nginx is not installed (apt-get install nginx): deploy/nginx/academy.conf was not checked"]
    certificate, key = _self_signed(scratch)
    site = (DEPLOY / "nginx" / "academy.conf").read_text()
    site = site.replace(CERTIFICATE, str(certificate)).replace(CERTIFICATE_KEY, str(key))
    (scratch / "academy.conf").write_text(site)
    (scratch / "logs").mkdir()
    (scratch / "nginx.conf").write_text(
        f"pid {scratch}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {scratch}/academy.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(scratch), "-c", str(scratch / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
    )
    return [] if result.returncode == 0 else [f"deploy/nginx/academy.conf: {result.stderr.strip()}"]


def check_systemd(scratch: Path) -> list[str]:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return ["systemd-analyze is not installed (apt-get install systemd): deploy/systemd/ was not checked"]
    install = scratch / "app"
    (install / ".venv" / "bin").mkdir(parents=True)
    for program in ("gunicorn", "flask"):
        stand_in = install / ".venv" / "bin" / program
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    (scratch / "academy.env").write_text((DEPLOY / "academy.env.example").read_text())
    units = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text().replace(INSTALL_DIR, str(install)).replace(ENV_FILE, str(scratch / "academy.env"))
        (scratch / unit.name).write_text(text)
        units.append(str(scratch / unit.name))
    # verify warns (unknown keys, bad values) on stderr and still exits 0: any output is a problem.
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    problems = (result.stdout + result.stderr).strip()
    if result.returncode or problems:
        return [f"deploy/systemd/: {problems.replace(str(scratch) + '/', '')}"]
    return []


CHECKS = {"nginx": check_nginx, "systemd": check_systemd}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="*", metavar="nginx|systemd")
    names = parser.parse_args().checks or sorted(CHECKS)
    unknown = set(names) - set(CHECKS)
    if unknown:
        parser.error(f"no such check: {', '.join(sorted(unknown))} (nginx, systemd)")
    problems = []
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            problems += CHECKS[name](Path(scratch))
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"deploy/: {' and '.join(names)} files check out")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
