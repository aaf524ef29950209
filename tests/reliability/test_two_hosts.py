"""Two hosts behind one address: two gunicorn instances sharing one PostgreSQL, one Redis and one store.

As a regional academy runs it (issue #20): each instance is started the way the README starts a
host, with its own port, and nothing shared but the database, Redis, the store and the settings.
The learners' browsers take the hosts in turn, as a load balancer without sticky sessions sends
them, and move to the other host when one stops answering. What must hold:

- a course published through one host is served by the other at its next request;
- a certificate rendered at its first download on one host downloads, the same file, from the other;
- a session started on one host is valid on the other, and logging out on one ends it on both;
- one host killed with SIGKILL (master and workers at once) in the middle of an exam burst loses
  no acknowledged answer, leaves no attempt half graded, and the other carries on.

PostgreSQL is TEST_POSTGRES_URL's server (or TEST_DATABASE_URL's), in a database of this test's own,
test_two_hosts, made and dropped here; Redis is TEST_REDIS_URL. The store is a folder both hosts
share or, under TEST_STORAGE=s3, SeaweedFS: see `shared_store`. Marked `two_hosts`, which `.ci/run`
leaves out of its SQLite pass, and `storage`, so `.ci/run` runs it in its PostgreSQL pass with a
shared folder and again in `make test-s3` with SeaweedFS (nothing may skip in either).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app import create_app
from app.auth.models import Administration, Role, User
from app.certificates.models import Certificate
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db
from tests.helpers import PASSWORD
from tests.reliability.burst import (
    SECRET,
    Browser,
    Outcome,
    Sitting,
    acknowledged,
    free_port,
    prepare,
    problems,
    settings,
    wait_for,
)
from tests.reliability.databases import postgres_server_url

pytestmark = [pytest.mark.two_hosts, pytest.mark.storage]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
DATABASE = "test_two_hosts"
LEARNERS = 24
#: Seconds: one request (two hosts share a loaded 2-core machine); the whole burst; a host starting.
REQUEST_TIMEOUT, BURST_TIMEOUT, SERVER_TIMEOUT = 30, 120, 60
PUBLISHED = "Published through host A, served by host B."


# What the two hosts share ---------------------------------------------------------------------


@pytest.fixture
def shared_database():
    """A fresh PostgreSQL database of this test's own on the configured server; dropped afterwards."""
    server = postgres_server_url()
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {server} is not reachable: {error.orig}")
    yield sa.make_url(server).set(database=DATABASE).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def shared_redis() -> str:
    """TEST_REDIS_URL: the one Redis both hosts use (sessions, rate limits); skipped (a failure in CI) without it."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {url} is not reachable: {error}")
    return url


@pytest.fixture
def shared_store(request, tmp_path, monkeypatch) -> dict[str, str]:
    """The store both hosts use, as the settings each host is given.

    A folder they share (STORAGE_DIR, what a network share gives two real hosts) or, under
    TEST_STORAGE=s3 (`make test-s3`), a prefix of its own in SeaweedFS's bucket (STORAGE_URL,
    with boto3's AWS_* variables, which the `object_store` fixture sets and both hosts inherit).
    The test's own app (which imports the curriculum and checks the answers) uses the same store.
    """
    if os.environ.get("TEST_STORAGE", "local") == "s3":
        bucket = request.getfixturevalue("object_store").bucket
        url = f"s3://{bucket}/two-hosts-{uuid.uuid4().hex[:8]}"
        monkeypatch.setenv("STORAGE_URL", url)
        return {"STORAGE_URL": url, "STORAGE_DIR": str(tmp_path / "unused-storage")}
    return {"STORAGE_DIR": str(tmp_path / "shared-storage")}


class Host:
    """One application host: `gunicorn --workers 2 wsgi:app` on 127.0.0.1 and a port of its own.

    Started in a process group of its own, so that killing the host kills its master and its
    workers at once, as a machine that loses power would, and nothing else.
    """

    def __init__(self, name: str, url: str, redis_url: str, store: dict[str, str], log: Path) -> None:
        self.name, self.port, self.log = name, free_port(), log
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "FLASK_", "REDIS_"))}
        env |= {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": SECRET,
            "ACADEMY_ENV": "development",  # plain-HTTP cookies: the test's browsers speak http://
            "PUBLIC_URL": "http://academy.test",  # one public address, whichever host answers
            # The learners all come from 127.0.0.1: the login limits would count them as one address.
            "RATELIMIT_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            **store,
        }
        command = [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [*command, "--graceful-timeout", "5", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )

    def healthy(self) -> bool:
        status, _location, _body = Browser(self.base, timeout=5).send("/healthz")
        return status == 200

    def wait_until_serving(self) -> None:
        wait_for(lambda: self.process.poll() is None and self.healthy(), SERVER_TIMEOUT, f"host {self.name}")

    def kill(self) -> None:
        """SIGKILL to the host's whole process group: master and workers die at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever is left of the group we made
        self.process.wait(timeout=5)

    def output(self) -> str:
        return f"--- host {self.name} ---\n" + self.log.read_text(errors="replace")[-3000:]


class BalancedBrowser(Browser):
    """A browser behind a load balancer: each request to the next host in turn; a host that does not
    answer is left out from then on, and the request goes to another (the balancer's failover)."""

    def __init__(self, hosts: list[Host]) -> None:
        super().__init__(hosts[0].base, timeout=REQUEST_TIMEOUT)
        self.hosts, self.turn = hosts, 0

    def send(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int | None, str, str]:
        for _try in range(len(self.hosts)):
            self.turn += 1
            host = self.hosts[self.turn % len(self.hosts)]
            if host.process.poll() is not None:
                continue  # the balancer's health check has taken it out
            self.base = host.base
            reply = super().send(path, data)
            if reply[0] is not None:
                return reply
        return None, "", ""


@pytest.fixture
def hosts(shared_database, shared_redis, shared_store, tmp_path):
    """The academy prepared in the shared database (the test curriculum, seated learners), then hosts A and B."""
    storage = Path(shared_store["STORAGE_DIR"])
    sittings = prepare(shared_database, storage, learners=LEARNERS)
    both = [
        Host(name, shared_database, shared_redis, shared_store, tmp_path / f"host-{name}.log") for name in ("A", "B")
    ]
    try:
        for host in both:
            host.wait_until_serving()
        yield both, sittings, storage
    except BaseException:
        for host in both:
            print(host.output())
        raise
    finally:
        for host in both:
            host.stop()


def _text(html: str) -> str:
    """What a page says, without its markup (for an assertion's message)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[:600]


def _let_go() -> None:
    """Close this process's connections to the shared database (the hosts need none of them)."""
    db.session.remove()
    db.engine.dispose()


def _as_host(browser: Browser, host: Host) -> Browser:
    browser.base = host.base
    return browser


# The test -------------------------------------------------------------------------------------


def test_two_hosts_share_courses_files_sessions_and_survive_one_killed(hosts, shared_database):
    """Do two hosts serve one academy: a publish, a certificate and a session seen on both, one host killed
    mid-exam with every acknowledged answer kept while the other carries on?"""
    (a, b), sittings, storage = hosts
    _sessions_hold_on_both_hosts(a, b, sittings[0].email)
    _a_publish_on_one_host_is_served_by_the_other(a, b, shared_database, storage, sittings[1].email)
    _a_certificate_rendered_on_one_host_downloads_from_the_other(a, b, shared_database, storage)
    _one_host_killed_in_an_exam_burst(a, b, shared_database, storage, sittings[2:])


def _sessions_hold_on_both_hosts(a: Host, b: Host, email: str) -> None:
    browser = _as_host(Browser(a.base, timeout=REQUEST_TIMEOUT), a)
    browser.log_in(email)
    assert _as_host(browser, b).send("/my-learning")[0] == 200, "the session started on A is not valid on B"
    assert _as_host(browser, a).send("/my-learning")[0] == 200
    token = _as_host(browser, b).csrf("/account")
    status, location, _body = browser.send("/logout", [("csrf_token", token)])
    assert status == 302, "logging out on B failed"
    for host in (a, b):
        status, location, _body = _as_host(browser, host).send("/my-learning")
        assert status == 302 and "/login" in location, f"the session logged out on B still works on {host.name}"


def _a_publish_on_one_host_is_served_by_the_other(a: Host, b: Host, url: str, storage: Path, email: str) -> None:
    """A trainer edits a lesson in the course editor on A and publishes; a learner reading it on B sees it."""
    app = create_app(settings(url, storage))
    with app.app_context():
        trainer = User(
            email="trainer@example.org",
            full_name="Trainer on host A",
            role=Role.DIRECTORATE,  # edits every course
            administration=db.session.scalar(sa.select(Administration)),
            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        )
        db.session.add(trainer)
        db.session.commit()
        _let_go()
    lesson = "/courses/data-in-practice/lessons/indicators"
    learner = _as_host(Browser(b.base, timeout=REQUEST_TIMEOUT), b)
    learner.log_in(email)
    status, _location, before = learner.send(lesson)
    assert status == 200 and PUBLISHED not in before  # B has the curriculum before the publish

    editor = _as_host(Browser(a.base, timeout=REQUEST_TIMEOUT), a)
    editor.log_in("trainer@example.org")
    course = "/author/data-in-practice"
    assert editor.send(f"{course}/draft", [("csrf_token", editor.csrf(course))])[0] == 302
    page = f"{course}/lessons/indicators"
    status, _location, html = editor.send(page)
    assert status == 200 and 'name="revision"' in html, f"the draft's lesson on A: {status} {_text(html)}"
    revision = re.search(r'name="revision"[^>]*value="(\d+)"', html).group(1)
    form = [
        ("csrf_token", editor.csrf(page)),
        ("revision", revision),
        ("title", "Risk indicators"),
        ("minutes", "30"),
        ("body", f"# Risk indicators\n\n{PUBLISHED}\n"),
        ("submit", "Save"),
    ]
    assert editor.send(page, form)[0] == 302
    status, _location, html = editor.send(course)
    revision = re.search(r'name="revision"[^>]*value="(\d+)"', html).group(1)
    form = [("csrf_token", editor.csrf(course)), ("revision", revision), ("note", "Two hosts"), ("relabel", "keep")]
    status, _location, _body = editor.send(f"{course}/publish", form)
    assert status == 302
    assert "Published as version" in editor.send(course)[2], "the publish on A did not happen"

    status, _location, after = learner.send(lesson)  # B's next request
    assert status == 200 and PUBLISHED in after, "host B still serves the course as it was before A's publish"


def _a_certificate_rendered_on_one_host_downloads_from_the_other(a: Host, b: Host, url: str, storage: Path) -> None:
    """A learner completes a course (the certificate is issued, its PDF not yet made); the first download on A
    renders and stores it; B serves the very same file and renders nothing."""
    app = create_app(settings(url, storage))
    with app.app_context(), app.test_request_context():  # in a request: the PDF waits for its first download
        learner = User(
            email="graduate@example.org",
            full_name="Graduate Officer",
            role=Role.LEARNER,
            administration=db.session.scalar(sa.select(Administration)),
            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        )
        db.session.add(learner)
        db.session.flush()
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(learner, intro)
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == intro.id)):
            courses.complete_lesson(learner, enrolment, lesson)
        db.session.commit()
        code = db.session.scalar(sa.select(Certificate.code).where(Certificate.user_id == learner.id))
        assert code, "completing the course issued no certificate"
        _let_go()

    browser = Browser(a.base, timeout=REQUEST_TIMEOUT)
    browser.log_in("graduate@example.org")
    path = f"/certificates/{code}.pdf"
    downloads = {}
    for host in (a, b):
        with browser.opener.open(host.base + path, timeout=REQUEST_TIMEOUT) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
            downloads[host.name] = response.read()
    assert downloads["A"].startswith(b"%PDF") and downloads["A"] == downloads["B"]
    with app.app_context():
        stored = db.session.scalar(sa.select(Certificate.pdf_sha256).where(Certificate.code == code))
        _let_go()
    assert stored == hashlib.sha256(downloads["B"]).hexdigest(), "B served another file than the one A rendered"


def _one_host_killed_in_an_exam_burst(a: Host, b: Host, url: str, storage: Path, sittings: list[Sitting]) -> None:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    failures: list[str] = []
    start = threading.Barrier(len(sittings) + 1)
    deadline = time.monotonic() + BURST_TIMEOUT

    def learner(number: int, sitting: Sitting) -> None:
        try:
            browser = BalancedBrowser([a, b])
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
                done = acknowledged(kind, sitting.attempt_id, status, location, body)
                with lock:
                    outcomes.append(Outcome(number, kind, questions, status, done))
        except Exception as error:  # reported below, with the learner's email
            failures.append(f"{sitting.email}: {error!r}")
            start.abort()

    threads = [threading.Thread(target=learner, args=(n, s)) for n, s in enumerate(sittings)]
    for thread in threads:
        thread.start()
    start.wait(timeout=SERVER_TIMEOUT * 2)
    planned = sum(len(s.fields) + 1 + s.submits for s in sittings)
    wait_for(lambda: len(outcomes) >= planned // 3, BURST_TIMEOUT, "a third of the burst")
    a.kill()
    killed_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "the burst did not finish in time"
    assert failures == []

    cut = [o for o in outcomes if o.status is None]
    refused = [o for o in outcomes if o.status is not None and not o.acknowledged]
    after = [o for o in outcomes if o.finished > killed_at]
    print(
        f"{len(outcomes)} of {planned} posts answered; {len(cut)} with no answer from either host, "
        f"{len(refused)} refused; {len(after)} answered by host B after A was killed"
    )
    # Every post was answered (by B once A was gone) and taken: the kill only cut connections.
    assert len(outcomes) == planned and cut == [] and refused == []
    assert after and all(o.acknowledged for o in after), "host B did not carry on"
    assert b.healthy() and a.process.poll() is not None
    # Outcomes number the learners by their place in `sittings`, the burst's own list.
    assert problems(url, storage, sittings, outcomes) == []
