"""An exam burst against real servers: learners seated before an assessment, their browsers, and what must hold.

Shared by the durability test (a worker killed) and the two-host test (a host killed): learners
with an open attempt and the answers they will post (`prepare`), a browser that keeps its
cookies and does not follow redirects (`Browser`), what counts as acknowledged, and the check
that every acknowledged answer is stored and no attempt is left half graded (`problems`).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash

from app import create_app
from app.assessments import services as assessments
from app.assessments.models import Attempt, Question, Response
from app.assessments.types import TYPES
from app.auth.models import Administration, Region, Role, User
from app.certificates import services as certificates
from app.common import events
from app.content.sync import sync
from app.courses import services as courses
from app.courses.models import Lesson
from app.extensions import db
from tests.helpers import PASSWORD, answer_form

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"
SECRET = "durability-test-secret-key-not-for-production"
#: Seconds a request may take before the learner's browser gives up (None: the connection failed).
REQUEST_TIMEOUT = 10
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Sitting:
    """One learner's open attempt and the answers they will post."""

    email: str
    attempt_id: int
    #: question id -> the form fields that answer it
    fields: dict[int, list[tuple[str, str]]]
    #: question id -> the answer as it must be stored
    expected: dict[int, object]
    submits: bool


@dataclass
class Outcome:
    learner: int
    kind: str  # autosave, save or submit
    questions: list[int]
    status: int | None  # None: no answer (the connection died)
    acknowledged: bool
    finished: float = field(default_factory=time.monotonic)


def settings(url: str, storage: Path) -> dict:
    return {
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "STORAGE_DIR": str(storage),
        "RATELIMIT_ENABLED": False,
    }


def prepare(url: str, storage: Path, learners: int = 30) -> list[Sitting]:
    """Migrate, import the test curriculum, and seat LEARNERS learners before the final assessment, attempt open."""
    app = create_app(settings(url, storage))
    with app.app_context():
        upgrade()
        sync(FIXTURE_CONTENT)
        kenya = Administration(code="KE", name="Customs of Kenya", region=Region.EAST_SOUTHERN_AFRICA)
        # One cheap hash for thirty accounts: thirty scrypt checks at login would take most of the time budget.
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        users = [
            User(
                email=f"officer{n}@example.org",
                full_name=f"Officer {n}",
                role=Role.LEARNER,
                administration=kenya,
                password_hash=password_hash,
            )
            for n in range(learners)
        ]
        db.session.add_all(users)
        db.session.flush()
        intro, practice = courses.course_by_slug("intro-to-data"), courses.course_by_slug("data-in-practice")
        final = assessments.assessment_by_slug(practice, "final")
        lessons = db.session.scalars(sa.select(Lesson).where(Lesson.course_id == intro.id, Lesson.optional.is_(False)))
        lessons = list(lessons)
        attempts = []
        # Completing the Foundation course would render 60 certificate PDFs: not what this test is about.
        events.course_completed.disconnect(certificates.issue_for_completion)
        try:
            for user in users:
                enrolment = courses.enrol(user, intro)
                for lesson in lessons:
                    courses.complete_lesson(user, enrolment, lesson)
                courses.enrol(user, practice)
                attempts.append(assessments.start_attempt(user, final))
        finally:
            events.course_completed.connect(certificates.issue_for_completion)
        db.session.commit()
        ids = [(user.email, attempt.id) for user, attempt in zip(users, attempts, strict=True)]
    sittings = []
    for number, (email, attempt_id) in enumerate(ids):
        form = answer_form(app, attempt_id, right=True)
        items = [(k, v) for k, values in form.items() for v in (values if isinstance(values, list) else [values])]
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            fields, expected = {}, {}
            for question_id in attempt.question_ids:
                question = db.session.get(Question, question_id)
                name = f"q{question_id}"
                fields[question_id] = [(k, v) for k, v in items if k == name or k.startswith(f"{name}-")]
                layout = assessments.layout_of(attempt, question)
                answer = TYPES[question.type].read(question.spec, layout, MultiDict(fields[question_id]), name)
                expected[question_id] = json.loads(json.dumps(answer))  # as the JSON column gives it back
        sittings.append(Sitting(email, attempt_id, fields, expected, submits=number % 2 == 0))
    with app.app_context():
        db.engine.dispose()
    return sittings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> set[int]:
    """Live child processes of `pid` (this kernel has no /proc/<pid>/task/*/children: scan /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect after a form post is the acknowledgement: keep its status


class Browser:
    """A learner's browser: a cookie jar, form posts, redirects not followed."""

    def __init__(self, base: str, timeout: float = REQUEST_TIMEOUT) -> None:
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects)

    def send(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int | None, str, str]:
        """(status, Location, body); status None when the connection failed (a killed worker)."""
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            return None, "", ""

    def csrf(self, path: str) -> str:
        status, _location, html = self.send(path)
        match = CSRF_RE.search(html)
        assert status == 200 and match, f"no form on {path} ({status})"
        return match.group(1)

    def log_in(self, email: str) -> None:
        token = self.csrf("/login")
        status, location, _body = self.send("/login", [("email", email), ("password", PASSWORD), ("csrf_token", token)])
        assert status == 302 and "/login" not in location, f"{email} could not log in ({status} {location})"


def acknowledged(kind: str, attempt_id: int, status: int | None, location: str, body: str) -> bool:
    if kind == "autosave":
        return status == 200 and json.loads(body).get("saved") is True
    if kind == "save":
        return status == 302 and location.endswith(f"/attempts/{attempt_id}")
    return status == 302 and location.endswith(f"/attempts/{attempt_id}/result")


# What must hold afterwards --------------------------------------------------------------------


def problems(url: str, storage: Path, sittings: list[Sitting], outcomes: list[Outcome]) -> list[str]:
    """Every acknowledged answer stored; every attempt either open and ungraded or closed and fully graded."""
    problems = []
    app = create_app(settings(url, storage))
    with app.app_context():
        stored: dict[int, dict[int, Response]] = {}
        for response in db.session.scalars(sa.select(Response)):
            stored.setdefault(response.attempt_id, {})[response.question_id] = response
        for outcome in outcomes:
            if not outcome.acknowledged:
                continue
            sitting = sittings[outcome.learner]
            for question_id in outcome.questions:
                response = stored.get(sitting.attempt_id, {}).get(question_id)
                if response is None or response.answer != sitting.expected[question_id]:
                    problems.append(
                        f"attempt {sitting.attempt_id}: the acknowledged {outcome.kind} of question {question_id} "
                        f"is {'missing' if response is None else f'stored as {response.answer!r}'}"
                    )
        submitted = {o.learner for o in outcomes if o.kind == "submit" and o.acknowledged}
        for number, sitting in enumerate(sittings):
            attempt = db.session.get(Attempt, sitting.attempt_id)
            responses = stored.get(attempt.id, {})
            graded = [attempt.score, attempt.max_score, attempt.percent, attempt.passed, attempt.submitted_at]
            credits = [r.credit for r in responses.values()]
            if attempt.status == assessments.OPEN:
                if any(value is not None for value in graded) or any(c is not None for c in credits):
                    problems.append(f"attempt {attempt.id} is open but partly graded: {graded}, credits {credits}")
            elif attempt.status == assessments.SUBMITTED:
                if any(value is None for value in graded) or set(responses) != set(attempt.question_ids):
                    problems.append(f"attempt {attempt.id} is submitted but half graded: {graded}")
                elif any(c is None for c in credits):
                    problems.append(f"attempt {attempt.id} is submitted but has ungraded responses: {credits}")
            else:
                problems.append(f"attempt {attempt.id} has the status {attempt.status!r}")
            if number in submitted and (attempt.status != assessments.SUBMITTED or attempt.percent != 100):
                problems.append(f"attempt {attempt.id}: the acknowledged submission is {attempt.status}")
        if db.engine.dialect.name == "postgresql":
            problems += _postgresql_index_problems()
        db.session.remove()
        db.engine.dispose()
    if url.startswith("sqlite"):
        connection = sqlite3.connect(sa.make_url(url).database)
        check = connection.execute("PRAGMA integrity_check").fetchall()
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
        connection.close()
        if check != [("ok",)] or orphans:
            problems.append(f"SQLite integrity_check: {check}; foreign_key_check: {orphans}")
    return problems


def _postgresql_index_problems() -> list[str]:
    """amcheck: every B-tree index of the schema is well formed and indexes every row of its table."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = connection.scalars(
            sa.text(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = 'public'"
            )
        ).all()
        problems = []
        for name in indexes:
            try:
                with connection.begin_nested():
                    connection.execute(sa.text("SELECT bt_index_check(CAST(:name AS regclass), true)"), {"name": name})
            except sa.exc.DBAPIError as error:
                problems.append(f"index {name}: {error.orig}")
    return problems
