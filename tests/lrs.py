"""Ralph, a real learning record store, for the xAPI tests: started once per session on 127.0.0.1.

Ralph's LRS app with its file-system backend (tests/ralph_server.py) keeps statements in files
under a temporary folder; its credentials are made by `ralph auth … -w` in the same folder
(RALPH_APP_DIR). Ralph lives in its own virtualenv,
.venv-ralph (`make test` installs it from requirements-ralph.txt), or wherever RALPH_BIN points.
If it cannot start, the tests that need it fail in CI (CI=true) and skip, saying why, elsewhere.
Registered as a plugin by tests/conftest.py.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
XAPI_VERSION = "2.0.0"
SERVER = Path(__file__).with_name("ralph_server.py")


def ralph_executable() -> Path:
    return Path(os.environ.get("RALPH_BIN") or ROOT / ".venv-ralph" / "bin" / "ralph")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """One Ralph server: its address and credentials, and a way to stop and start it again (an outage)."""

    username = "academy"

    def __init__(self, folder: Path):
        self.folder = folder
        self.password = secrets.token_urlsafe(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self.process: subprocess.Popen | None = None
        self.log = folder / "ralph.log"
        self.environment = {
            **os.environ,
            "RALPH_APP_DIR": str(folder),
            "RALPH_RUNSERVER_BACKEND": "fs",
        }

    def create_credentials(self) -> None:
        subprocess.run(
            [str(ralph_executable()), "auth", "-u", self.username, "-p", self.password, "-s", "all"]
            + ["-M", "mailto:academy@example.org", "-w"],
            env=self.environment,
            cwd=self.folder,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Start the server and wait until it answers; raise with its log if it does not."""
        data = self.folder / "statements"
        data.mkdir(exist_ok=True)
        # Ralph's app with its file-system backend, as `ralph runserver -b fs` serves it, less the
        # reloader and with the backend appending (tests/ralph_server.py says why).
        command = [str(ralph_executable().with_name("python")), str(SERVER), "127.0.0.1", str(self.port)]
        environment = {**self.environment, "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data)}
        with self.log.open("a") as log:
            # A session of its own: stop() ends it and anything it started through its group.
            self.process = subprocess.Popen(
                command, env=environment, cwd=self.folder, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped at start (exit {self.process.returncode}):\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer on port {self.port} within 90 s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def request(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict | None]:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def statements(self, home_page: str | None = None) -> list[dict]:
        """Every statement Ralph holds (GET /xAPI/statements, following `more`), or those whose actor's
        account is on `home_page` (each test sends from an academy address of its own)."""
        found, path = [], "/xAPI/statements?limit=500"
        while path:
            status, page = self.request(path)
            assert status == 200, page
            found += page["statements"]
            path = page.get("more") or ""
        if home_page is None:
            return found
        return [s for s in found if s["actor"].get("account", {}).get("homePage") == home_page]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """A running Ralph LRS (file-system backend) with HTTP Basic credentials; stopped at the end."""
    if not ralph_executable().exists():
        message = f"Ralph is not installed at {ralph_executable()} (make .venv-ralph/.installed, or set RALPH_BIN)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    try:
        server.create_credentials()
        server.start()
    except (RuntimeError, subprocess.SubprocessError) as error:
        pytest.fail(f"Ralph could not start: {error}")
    yield server
    server.stop()
