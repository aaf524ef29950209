"""Background jobs both ways: on a thread of the process (no Redis: `make run`), and on RQ through a real
Redis (TEST_REDIS_URL; CI sets it, and a missing one fails there) with a real `flask worker` process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import jobs
from app.extensions import db
from app.outbox.mail import queue_mail
from app.outbox.models import OutboxItem
from tests.helpers import post_form, run_worker_burst

ROOT = Path(__file__).resolve().parent.parent


def _statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxItem.status).order_by(OutboxItem.id)))


def test_without_redis_a_request_s_mail_is_delivered_by_the_thread(app, site, make_user, caplog):
    """With no REDIS_URL, is the mail a request queued delivered by the process's own thread, after the request?"""
    web = site(JOBS_BACKEND="thread")
    assert jobs.backend(web) == "thread"
    user = make_user()
    caplog.set_level("INFO")
    response = post_form(web.test_client(), "/password/forgot", email=user.email)
    assert response.status_code == 302
    assert jobs.thread_runner(web).wait_idle(timeout=30)
    assert _statuses(app) == ["delivered"]
    assert "Reset your Customs Data Academy password" in caplog.text


def test_the_thread_sweeps_retries_that_come_due(app, site, make_user):
    """Does the thread deliver, on its periodic sweep, an item nobody scheduled a job for?"""
    web = site(JOBS_BACKEND="thread", JOBS_SWEEP_SECONDS=0.2)
    user = make_user()
    with app.app_context():  # the session app runs no jobs: the item waits
        queue_mail(user.email, "Hello", "Body", key="sweep/1")
        db.session.commit()
    assert _statuses(app) == ["pending"]
    with web.app_context():
        jobs.thread_runner(web)  # started: it sweeps when idle
    deadline = time.monotonic() + 20
    while _statuses(app) != ["delivered"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _statuses(app) == ["delivered"]


@pytest.fixture
def redis_url():
    """TEST_REDIS_URL (CI: redis://127.0.0.1:6379/0); without it the RQ tests skip, which CI turns into a failure."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis not configured: set TEST_REDIS_URL (CI sets it to the machine's server)")
    from redis import Redis
    from rq import Queue

    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(url))
    queue.empty()
    for registry in (queue.failed_job_registry, queue.finished_job_registry, queue.started_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    yield url
    queue.empty()


def test_with_redis_the_mail_waits_on_the_queue_for_a_worker(app, site, make_user, redis_url):
    """With REDIS_URL, does a request's delivery job go to RQ (nothing sent in the web process), and does a real
    `flask worker` process deliver it?"""
    web = site(REDIS_URL=redis_url, JOBS_BACKEND="rq")
    user = make_user()
    response = post_form(web.test_client(), "/password/forgot", email=user.email)
    assert response.status_code == 302
    assert jobs.rq_counts(web)["queued"] == 1
    assert _statuses(app) == ["pending"]  # queued for a worker, not delivered by the web process

    worker = run_worker_burst(app, redis_url, timeout=120)
    assert worker.returncode == 0, worker.stderr
    assert _statuses(app) == ["delivered"]
    assert "Reset your Customs Data Academy password" in worker.stderr + worker.stdout  # logged: no MAIL_SERVER
    counts = jobs.rq_counts(web)
    assert (counts["queued"], counts["failed"]) == (0, 0)


def test_the_admin_sees_the_queue_and_retries_a_failed_item(app, site, auth, make_user, redis_url):
    """Does /admin/jobs show the RQ queue's counts and the failed items, and does Retry put one back?"""
    from app.auth.models import Role

    web = site(REDIS_URL=redis_url, JOBS_BACKEND="rq")
    admin = make_user(Role.ADMIN)
    with app.app_context():
        queue_mail("someone@example.org", "Hello", "Body", key="admin/1")
        db.session.execute(sa.update(OutboxItem).values(status="failed", attempts=3, last_error="550 No such user"))
        db.session.commit()
    client = web.test_client()
    type(auth)(client).login(admin.email)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Job queue" in page and "550 No such user" in page
    item_id = _ids(app)[0]
    response = post_form(client, "/admin/jobs", "/admin/jobs/retry", item=item_id)
    assert response.status_code == 302
    assert _statuses(app) == ["pending"]
    assert jobs.rq_counts(web)["queued"] == 1  # the retry scheduled a delivery


def _ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxItem.id).order_by(OutboxItem.id)))


def test_a_command_delivers_what_it_enqueued_before_it_exits(app, make_administration, tmp_path):
    """Without Redis, does `flask users import` (a process that ends at once) deliver its invitations before it exits,
    rather than leave them for another process's sweep?"""
    make_administration("KE")
    people = tmp_path / "people.csv"
    people.write_text("email,full_name,administration,role\nwanjiru@example.org,Wanjiru K,KE,learner\n")
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "JOBS_BACKEND": "thread",
        "JOBS_SWEEP_SECONDS": "3600",  # no sweep: only the job the commit enqueued can deliver it
        "MAIL_SERVER": "",
    }
    env.pop("REDIS_URL", None)
    command = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "users", "import", str(people)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert command.returncode == 0, command.stderr
    assert _statuses(app) == ["delivered"]
    assert "wanjiru@example.org" in command.stderr + command.stdout  # logged: no MAIL_SERVER
