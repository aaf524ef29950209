"""`make run PORT=…` as a newcomer runs it, walked in chromium: every link the academy hands out points at that port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "academy-demo-2026"
# Never reinstall the (possibly shared) virtualenv from a test: it is there, the tests run in it.
KEEP_VENV = ["-o", ".venv/.installed-app", "-o", ".venv/.installed-dev"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make run stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"make run did not serve {base} within three minutes: {log.read_text()[-2000:]}")


@pytest.fixture
def made_run(tmp_path):
    """`make run PORT=…` on a free port, with its own database and storage; yields its address and terminal."""
    port = _free_port()
    log = tmp_path / "make-run.log"
    env = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_URL", "FLASK_RUN_HOST", "FLASK_RUN_PORT"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'academy.sqlite'}", STORAGE_DIR=str(tmp_path / "storage"))
    env.pop("MAIL_SERVER", None)
    with log.open("w") as terminal:
        server = subprocess.Popen(
            ["make", "--no-print-directory", *KEEP_VENV, "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=terminal,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and flask in a group of their own, stopped together
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server, log)
        yield base, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_run_on_another_port_hands_out_links_to_that_port(browser, made_run):
    """With `make run PORT=…`, do the reset mail, the certificate's printed address and the calendar point there?"""
    base, terminal = made_run
    page = browser.new_context(base_url=base, accept_downloads=True).new_page()
    page.set_default_timeout(20_000)
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("learner@academy.test")
    page.get_by_role("button").last.click()
    page.get_by_text("a link to reset the password is on its way").wait_for()
    links = re.findall(r"http://\S+/password/reset/\S+", terminal.read_text())
    assert links and all(link.startswith(f"{base}/password/reset/") for link in links), links

    page.get_by_label("Email").fill("learner@academy.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="My certificates").first.click()
    pdf_link = page.get_by_role("link", name="Download the PDF").first
    code = pdf_link.get_attribute("href").rsplit("/", 1)[1].removesuffix(".pdf")
    with page.expect_download() as download:
        pdf_link.click()
    printed = PdfReader(download.value.path()).pages[0].extract_text().replace("\n", "")
    assert f"{base}/verify/{code}" in printed

    page.get_by_role("link", name="Workshops").first.click()
    page.locator("main a[href^='/workshops/']").first.click()
    workshop = page.url.rsplit("/", 1)[1]
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("calendar", re.I)).first.click()
    assert f"URL:{base}/workshops/{workshop}" in Path(download.value.path()).read_text()
