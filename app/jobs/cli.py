"""`flask --app wsgi worker`: run the application's background jobs (RQ with REDIS_URL, else in this process)."""

from __future__ import annotations

import threading
import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued now (and one sweep), then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs from the RQ queue (REDIS_URL), and deliver the outbox's due retries every JOBS_SWEEP_SECONDS."""
    from app import jobs

    app = current_app._get_current_object()
    if burst:
        jobs.run_periodic()
    else:
        threading.Thread(target=_sweep_forever, args=(app,), name="academy-sweep", daemon=True).start()
    if jobs.backend(app) == "rq":
        from rq import SimpleWorker

        # SimpleWorker runs each job in this process, in this application context (no fork:
        # forked children would share the database connections of the parent).
        queue = jobs.rq_queue(app)
        click.echo(f"RQ worker on queue {queue.name} ({app.config['REDIS_URL'].split('@')[-1]})")
        SimpleWorker([queue], connection=queue.connection).work(burst=burst)
    elif not burst:
        click.echo(f"No REDIS_URL: delivering the outbox every {app.config['JOBS_SWEEP_SECONDS']}s (Ctrl-C stops).")
        while True:
            time.sleep(3600)


def _sweep_forever(app) -> None:
    from app import jobs

    while True:
        time.sleep(app.config["JOBS_SWEEP_SECONDS"])
        with app.app_context():
            jobs.run_periodic()
