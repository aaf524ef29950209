"""Other hosts for the tests: the app started as a process of its own over the test database,
and a small browser (a cookie jar, no redirects followed) that can talk to several hosts.

A host here is `flask --app wsgi run` in a separate Python process: it keeps its own kept
curriculum, its own rate-limit counters when it has no Redis, its own everything, as a second
machine would. What it shares with the test's app is what hosts share: the database (the
DATABASE_URL of the test session), SECRET_KEY, STORAGE_DIR, and Redis when given one.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A free port of 127.0.0.1: from TEST_HOST_PORTS ("5180-5199") when set, else one the system picks."""
    wanted = os.environ.get("TEST_HOST_PORTS", "")
    candidates = range(int(wanted.split("-")[0]), int(wanted.split("-")[1]) + 1) if wanted else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in TEST_HOST_PORTS={wanted}")


class Host:
    """The app running in a process of its own on 127.0.0.1."""

    def __init__(self, app_config: dict, log: Path, **environment: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        url = app_config["SQLALCHEMY_DATABASE_URI"]
        env = {
            **os.environ,
            "ACADEMY_ENV": "development",
            "DATABASE_URL": url,
            "SECRET_KEY": app_config["SECRET_KEY"],
            "STORAGE_DIR": app_config["STORAGE_DIR"],
            "PUBLIC_URL": app_config["PUBLIC_URL"],
            "FLASK_DEBUG": "0",
            **environment,
        }
        if "REDIS_URL" not in environment:
            env.pop("REDIS_URL", None)  # a host has Redis only when the test gives it one
        self._log = log.open("wb")
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--no-reload", "-h", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "-p", str(self.port)], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_up(log)

    def _wait_until_up(self, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the host stopped at start:\n{log.read_text()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the host did not answer within 60 s:\n{log.read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


class Browser:
    """One browser's cookies, sent to whichever host a request goes to (as behind a load balancer)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        """(status, body, headers); redirects are returned, not followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(urllib.request.Request(url, data=body), timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post_form(self, page_url: str, action_url: str, **data) -> tuple[int, str, dict]:
        """Read the form's CSRF token on one page, post to its action: as a person submits a form."""
        _status, html, _headers = self.request(page_url)
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {page_url}"
        return self.request(action_url, {**data, "csrf_token": match.group(1)})

    def log_in(self, host_url: str, email: str, password: str) -> tuple[int, str, dict]:
        return self.post_form(f"{host_url}/login", f"{host_url}/login", email=email, password=password)

    def logged_in_at(self, host_url: str) -> bool:
        """Does this host take this browser as logged in (its account page answers, no redirect to log in)?"""
        status, _body, _headers = self.request(f"{host_url}/account")
        return status == 200
