"""Mail through the outbox, against a real SMTP server on 127.0.0.1 (aiosmtpd) that is slow, down,
or hangs while a worker is killed: the person's page never waits for it, nor tells whether an account
exists, and every message arrives once."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from app import jobs
from app.common.time import utcnow
from app.extensions import db
from app.outbox import deliver_due
from app.outbox.mail import queue_mail
from app.outbox.models import OutboxItem
from tests.helpers import post_form
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


def _with_mail(site, port: int):
    """The application as a site runs it: jobs on a thread, mail to the SMTP server on `port`."""
    return site(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)


def _timed_reset(client, email: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    response = post_form(client, "/password/forgot", email=email)
    elapsed = time.perf_counter() - started
    return elapsed, response.status_code, response.location


def test_a_reset_answers_in_the_same_time_whether_or_not_the_account_exists(app, site, make_user, mail_server):
    """With a mail server that takes a second per message, does a reset for an existing account answer as fast
    as one for an unknown address, and does the mail still arrive, once per link made?"""
    server, port = mail_server(delay=1.0)
    web = _with_mail(site, port)
    user = make_user(email="known.officer@example.org")
    client = web.test_client()
    _timed_reset(client, "warm.up@example.org")  # first request: templates compiled, connections opened
    known, unknown = [], []
    for _ in range(3):
        elapsed, status, location = _timed_reset(client, user.email)
        known.append(elapsed)
        assert (status, location) == (302, "/login")
        elapsed, status, location = _timed_reset(client, "nobody@example.org")
        unknown.append(elapsed)
        assert (status, location) == (302, "/login")
    known_time, unknown_time = statistics.median(known), statistics.median(unknown)
    # The mail takes the server a second: a page that waited for it would take a second longer.
    assert known_time < 0.5, known
    assert abs(known_time - unknown_time) < 0.2, (known, unknown)
    assert jobs.thread_runner(web).wait_idle(timeout=30)
    with app.app_context():
        items = db.session.scalars(sa.select(OutboxItem)).all()
    # One item, and one message, per reset asked for.
    assert items and {item.status for item in items} == {"delivered"}
    assert [message["To"] for message in server.messages] == [user.email] * len(items)
    assert len({message["Message-ID"] for message in server.messages}) == len(items)
    assert "Reset your Customs Data Academy password" in server.messages[0]["Subject"]


def test_a_mail_server_that_is_down_changes_nothing_the_person_sees(app, site, make_user, mail_server):
    """With the mail server down, does the reset page answer as when it is up, and the mail wait in the outbox?"""
    _server, up_port = mail_server()
    other, user = make_user(), make_user()
    up = _with_mail(site, up_port).test_client()
    answer_up = post_form(up, "/password/forgot", email=other.email)
    down_port = free_port()  # nothing listens there
    down_site = _with_mail(site, down_port)
    down = down_site.test_client()
    answer_down = post_form(down, "/password/forgot", email=user.email)
    assert (answer_down.status_code, answer_down.location) == (answer_up.status_code, answer_up.location)
    assert down.get("/login").get_data(as_text=True).count("a link to reset the password is on its way") == 1
    assert jobs.thread_runner(down_site).wait_idle(timeout=30)
    with app.app_context():
        waiting = db.session.scalars(sa.select(OutboxItem).where(OutboxItem.status == "pending")).all()
    assert [item.payload["to"] for item in waiting] == [user.email]
    assert "ConnectionRefusedError" in waiting[0].last_error and waiting[0].attempts == 1


def _worker(app, port: int, lease_seconds: float) -> subprocess.Popen:
    """`flask --app wsgi outbox deliver` in a process of its own, on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USE_TLS": "0",
        "JOBS_BACKEND": "none",
        "OUTBOX_LEASE_SECONDS": str(lease_seconds),
        "REDIS_URL": "",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "deliver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_killed_mid_delivery_leaves_the_mail_to_the_next_worker_once(app, make_user, mail_server):
    """A worker is killed (SIGKILL) while the mail server has the message but has not answered: is the
    message delivered once, by the next worker once the lease has run out, and not before?"""
    server, port = mail_server(hold_first=True)
    user = make_user()
    with app.app_context():
        queue_mail(user.email, "Welcome", "Hello.", key=f"test/killed/{user.id}")
        db.session.commit()
    lease = 20.0  # longer than a worker process takes to start, on a busy machine
    first = _worker(app, port, lease)
    try:
        arrived = server.first_arrived.wait(timeout=60)
        first.send_signal(signal.SIGKILL)
    finally:
        _output, errors = first.communicate(timeout=10)  # closes its pipes
    assert arrived, errors
    assert first.returncode == -signal.SIGKILL
    with app.app_context():
        item = db.session.scalar(sa.select(OutboxItem))
        assert (item.status, item.attempts) == ("sending", 1)  # claimed by the killed worker
        lease_ends = item.next_attempt_at

    # Before the lease ends, another delivery leaves the item alone.
    with app.app_context():
        assert deliver_due() == 0
        assert db.session.scalar(sa.select(OutboxItem.next_attempt_at)) == lease_ends

    with app.app_context():
        time.sleep(max(0.0, (lease_ends - utcnow()).total_seconds()) + 0.5)
    server.release.set()  # the first session's answer comes too late: that message was never delivered
    later = _worker(app, port, lease)
    output, errors = later.communicate(timeout=60)
    assert later.returncode == 0, errors
    assert "Delivered 1 item(s)." in output
    assert [message["To"] for message in server.messages] == [user.email]
    with app.app_context():
        item = db.session.scalar(sa.select(OutboxItem))
        assert (item.status, item.attempts) == ("delivered", 2)
