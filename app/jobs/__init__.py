"""Background jobs: work that runs after the response, on RQ workers or in a thread of this process.

`enqueue("app.outbox.services.deliver_due")` names a function by its dotted path (so this package,
near the bottom of the layers, imports none of the domains) and the arguments it gets, plain values.
Where it runs is set by JOBS_BACKEND (app/config.py):

- "rq" (the default when REDIS_URL is set): on the RQ queue "academy" in Redis; the workers are
  `flask --app wsgi worker` processes, any number of them, on any host that shares the database.
- "thread" (the default without Redis — `make run` on a laptop): on one daemon thread of this
  process, fed by a bounded queue, so nothing extra must be started. A job enqueued during a
  request starts when the request has ended.
- "none": nothing runs in the background; a scheduler runs `flask --app wsgi outbox deliver`.

Either worker also runs the periodic jobs (`PERIODIC`, every JOBS_SWEEP_SECONDS): the delivery of
outbox items whose retry is due, and the removal of old prepared downloads. A job runs in an
application context; its database session is removed when it ends.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context

logger = logging.getLogger(__name__)

#: The RQ queue the application's jobs go to.
QUEUE_NAME = "academy"
#: Jobs a worker runs every JOBS_SWEEP_SECONDS, whatever was enqueued: retries that came due, and the
#: removal of prepared files and import files kept past PREPARED_DOWNLOADS_DAYS (one small query each
#: when none is due).
PERIODIC = [
    "app.outbox.services.deliver_due",
    "app.downloads.services.purge_expired",
    "app.downloads.services.purge_import_files",
]
#: How many jobs the thread's queue holds before `enqueue` drops one (the periodic sweep catches
#: up on the outbox; a dropped job is logged).
THREAD_QUEUE_SIZE = 1000
#: How long a process that is exiting (a CLI command, a server stopping) waits for its thread to
#: finish the jobs it was given, so that what it enqueued (an invitation) is delivered, not lost.
EXIT_WAIT_SECONDS = 60


def resolve(func_path: str) -> Callable:
    """The function a dotted path names ("package.module.function")."""
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run(func_path: str, *args) -> object:
    """Run a job in the current application context, and leave no database session behind."""
    from app.extensions import db

    try:
        return resolve(func_path)(*args)
    finally:
        db.session.remove()


def backend(app: Flask | None = None) -> str:
    """Where this application's jobs run: "rq", "thread" or "none"."""
    return (app or current_app).config["JOBS_BACKEND"]


def enqueue(func_path: str, *args) -> None:
    """Run `func_path(*args)` in the background: on RQ, or on this process's thread after the request."""
    app = current_app._get_current_object()
    kind = backend(app)
    if kind == "rq":
        rq_queue(app).enqueue(run, func_path, *args)
    elif kind == "thread":
        if has_request_context():
            # After the response: the request's own work (and its lock on SQLite) is over by then.
            g.setdefault("_academy_jobs", []).append((func_path, args))
        else:
            _thread_runner(app).put(func_path, args)


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _start_after_request(_error=None) -> None:
        waiting = g.pop("_academy_jobs", None)
        if waiting and backend(app) == "thread":
            runner = _thread_runner(app)
            for func_path, args in waiting:
                runner.put(func_path, args)


def rq_queue(app: Flask | None = None):
    """The RQ queue in the Redis of REDIS_URL (one per application: its connection pool is reused)."""
    from redis import Redis
    from rq import Queue

    app = app or current_app._get_current_object()
    found = app.extensions.get("academy_rq_queue")
    if found is None:
        connection = Redis.from_url(app.config["REDIS_URL"])
        found = app.extensions["academy_rq_queue"] = Queue(QUEUE_NAME, connection=connection)
    return found


def rq_counts(app: Flask | None = None) -> dict[str, int]:
    """Jobs waiting on the RQ queue, running, and failed (for the admin's jobs page)."""
    found = rq_queue(app)
    return {
        "queued": found.count,
        "started": found.started_job_registry.count,
        "failed": found.failed_job_registry.count,
    }


def run_periodic() -> None:
    """Run the periodic jobs once (each in the current application context)."""
    for func_path in PERIODIC:
        try:
            run(func_path)
        except Exception:
            logger.exception("Periodic job %s failed", func_path)


class ThreadRunner:
    """One daemon thread that runs this process's jobs in order, and the periodic ones when idle."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.jobs: queue.Queue = queue.Queue(maxsize=THREAD_QUEUE_SIZE)
        self.thread = threading.Thread(target=self._work, name="academy-jobs", daemon=True)
        self.thread.start()
        # A daemon thread dies with its process: a `flask users import` would exit with its
        # invitations waiting for another process's sweep. At exit, finish what was put first.
        atexit.register(self._finish_at_exit)

    def _finish_at_exit(self) -> None:
        if self.thread.is_alive() and not self.wait_idle(EXIT_WAIT_SECONDS):
            logger.warning("Exiting with background jobs unfinished: the periodic sweep will deliver the outbox")

    def put(self, func_path: str, args: tuple) -> None:
        try:
            self.jobs.put_nowait((func_path, args))
        except queue.Full:
            logger.warning("Job queue full: %s dropped (the periodic sweep delivers the outbox)", func_path)

    def wait_idle(self, timeout: float = 30) -> bool:
        """Wait until every job put so far has run (for tests and the command line)."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.jobs.unfinished_tasks

    def stop(self, timeout: float = 30) -> None:
        """Finish the jobs put so far, then end the thread (a test's application, a process shutting down)."""
        self.jobs.put((None, ()))
        self.thread.join(timeout)
        self.app.extensions.pop("academy_jobs", None)
        atexit.unregister(self._finish_at_exit)

    def _work(self) -> None:
        sweep_seconds = self.app.config["JOBS_SWEEP_SECONDS"]
        next_sweep = time.monotonic() + sweep_seconds
        while True:
            try:
                func_path, args = self.jobs.get(timeout=max(0.1, next_sweep - time.monotonic()))
                if func_path is None:
                    self.jobs.task_done()
                    return
            except queue.Empty:
                with self.app.app_context():
                    run_periodic()
                next_sweep = time.monotonic() + sweep_seconds
                continue
            try:
                with self.app.app_context():
                    run(func_path, *args)
            except Exception:
                logger.exception("Job %s failed", func_path)
            finally:
                self.jobs.task_done()


_runners_lock = threading.Lock()


def _thread_runner(app: Flask) -> ThreadRunner:
    """This application's thread, started at its first job."""
    with _runners_lock:
        runner = app.extensions.get("academy_jobs")
        if runner is None:
            runner = app.extensions["academy_jobs"] = ThreadRunner(app)
        return runner


def thread_runner(app: Flask | None = None) -> ThreadRunner:
    return _thread_runner(app or current_app._get_current_object())
