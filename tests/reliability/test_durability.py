"""Durability: a gunicorn worker is killed (SIGKILL) in the middle of a burst of answer saves and submissions.

Thirty learners, each in a thread with their own cookie jar, save their answers question by
question (as the page's JavaScript does), save the whole page, and half of them submit, against
two real gunicorn workers. One worker is killed mid-burst. Whatever the server acknowledged
(2xx, or the redirect after a form post) must be in the database; no attempt may be left half
graded; and the site must keep serving while gunicorn replaces the dead worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.reliability.burst import (
    REQUEST_TIMEOUT,
    SECRET,
    Browser,
    Outcome,
    Sitting,
    acknowledged,
    children,
    free_port,
    prepare,
    problems,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
#: Seconds: the learners logging in and their whole burst; gunicorn starting or replacing a worker.
BURST_TIMEOUT, SERVER_TIMEOUT = 40, 30


# The server -----------------------------------------------------------------------------------


class Gunicorn:
    """`gunicorn --workers 2 wsgi:app` on 127.0.0.1 and a free port, as the README runs it."""

    def __init__(self, url: str, storage: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "STORAGE_DIR": str(storage),
            "RATELIMIT_ENABLED": "false",
            "ACADEMY_ENV": "development",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("REDIS_URL", None)
        command = [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "30"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [*command, "--graceful-timeout", "5", "wsgi:app"], cwd=ROOT, env=env, stdout=output, stderr=output
            )
        self.seen: set[int] = set()

    def workers(self) -> set[int]:
        workers = children(self.process.pid)
        self.seen |= workers
        return workers

    def healthy(self) -> bool:
        status, _location, _body = Browser(self.base).send("/healthz")
        return status == 200

    def wait_until_serving(self) -> None:
        wait_for(lambda: self.process.poll() is None and len(self.workers()) == 2, SERVER_TIMEOUT, "two workers")
        wait_for(self.healthy, SERVER_TIMEOUT, "/healthz")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in self.seen:  # a worker left behind by a master that had to be killed
            try:
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


# The learners ---------------------------------------------------------------------------------


def _sit(number: int, sitting: Sitting, browser: Browser, start: threading.Barrier, deadline: float, record) -> None:
    """Log in, open the attempt, wait for the others; then save answer by answer, save the page, maybe submit."""
    browser.log_in(sitting.email)
    token = browser.csrf(f"/attempts/{sitting.attempt_id}")
    everything = [item for items in sitting.fields.values() for item in items]
    plan = [("autosave", [qid], items) for qid, items in sitting.fields.items()]
    plan.append(("save", list(sitting.fields), [*everything, ("action", "save")]))
    if sitting.submits:
        plan.append(("submit", list(sitting.fields), [*everything, ("action", "submit")]))
    start.wait(timeout=SERVER_TIMEOUT)
    for kind, questions, items in plan:
        if time.monotonic() > deadline:
            return
        path = f"/attempts/{sitting.attempt_id}" + ("/autosave" if kind == "autosave" else "")
        status, location, body = browser.send(path, [*items, ("csrf_token", token)])
        record(Outcome(number, kind, questions, status, acknowledged(kind, sitting.attempt_id, status, location, body)))


# The test -------------------------------------------------------------------------------------


def test_a_killed_worker_loses_no_acknowledged_answer(scratch_database, tmp_path):
    """A worker killed mid-burst: is every acknowledged answer kept, no attempt half graded, the site still up?"""
    storage = tmp_path / "storage"
    sittings = prepare(scratch_database, storage)
    server = Gunicorn(scratch_database, storage, tmp_path / "gunicorn.log")
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            outcomes.append(outcome)

    try:
        server.wait_until_serving()
        planned = sum(len(s.fields) + 1 + s.submits for s in sittings)
        start = threading.Barrier(len(sittings) + 1)
        deadline = time.monotonic() + BURST_TIMEOUT
        failures: list[str] = []

        def learner(number: int, sitting: Sitting) -> None:
            try:
                _sit(number, sitting, Browser(server.base), start, deadline, record)
            except Exception as error:  # reported below, with the learner's email
                failures.append(f"{sitting.email}: {error!r}")
                start.abort()

        threads = [threading.Thread(target=learner, args=(n, s)) for n, s in enumerate(sittings)]
        for thread in threads:
            thread.start()
        try:
            start.wait(timeout=SERVER_TIMEOUT)  # everyone is logged in, the attempt page open: go
        except threading.BrokenBarrierError:
            for thread in threads:
                thread.join(timeout=REQUEST_TIMEOUT)
            raise AssertionError(f"the learners did not get ready: {failures}") from None
        # A third of the way through the burst, kill one worker where it stands.
        wait_for(lambda: len(outcomes) >= planned // 3, BURST_TIMEOUT, "a third of the burst")
        victim = min(server.workers())
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
        assert not any(thread.is_alive() for thread in threads), "the burst did not finish in time"
        assert failures == []

        # gunicorn replaces the dead worker, and the site serves throughout.
        wait_for(lambda: len(server.workers()) == 2 and victim not in server.workers(), SERVER_TIMEOUT, "a new worker")
        assert all(server.healthy() for _ in range(4))
    except BaseException:
        print(server.output())
        raise
    finally:
        server.stop()

    acknowledged = [o for o in outcomes if o.acknowledged]
    lost = [o for o in outcomes if o.status is None]
    refused = [o for o in outcomes if o.status is not None and not o.acknowledged]
    print(
        f"{len(outcomes)} of {planned} posts sent; {len(acknowledged)} acknowledged, {len(lost)} cut off by the "
        f"kill, {len(refused)} refused; {sum(o.finished > killed_at for o in acknowledged)} acknowledged after it"
    )
    assert len(outcomes) == planned
    assert any(o.finished > killed_at for o in acknowledged), "nothing was served after the kill"
    assert refused == []  # a post the server answered was taken; the kill only cuts connections
    assert problems(scratch_database, storage, sittings, outcomes) == []
