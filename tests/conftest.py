"""Fixtures: an app on a real, migrated database (SQLite by default, PostgreSQL with
TEST_DATABASE_URL), emptied after each test; factories; a CSRF-aware login helper."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.auth.models import Administration, Region, Role, User
from app.extensions import db
from tests.helpers import PASSWORD, YEAR1, YEAR2, YEAR3, AuthActions

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

# Ralph, the learning record store of the xAPI tests: the `ralph` fixture.
pytest_plugins = ["tests.lrs"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may skip: a skip (no PostgreSQL, no chromium) is a failure there."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where nothing may skip: {reason}"


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def reset_schema(url: str) -> None:
    """Start from an empty database: the migrations, not the test, make the schema."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """SeaweedFS with its S3 gateway on 127.0.0.1 (tests/object_store.py), boto3's AWS_* variables set
    as a deployment sets them; skipped where it cannot start, except in CI, where that fails."""
    from tests import object_store as seaweedfs

    try:
        store, process = seaweedfs.start(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as error:
        pytest.skip(str(error))
    saved = {name: os.environ.get(name) for name in store.environment()}
    os.environ.update(store.environment())
    yield store
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    seaweedfs.stop(process)


def storage_settings(request) -> dict:
    """TEST_STORAGE=s3: the whole session keeps its files in SeaweedFS instead of a folder."""
    if os.environ.get("TEST_STORAGE", "local") != "s3":
        return {}
    store = request.getfixturevalue("object_store")
    return {"STORAGE_URL": f"s3://{store.bucket}/app"}


@pytest.fixture(scope="session")
def app(tmp_path_factory, request):
    url = database_url(tmp_path_factory)
    reset_schema(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_DIR": str(tmp_path_factory.mktemp("storage")),
            **storage_settings(request),
            "PUBLIC_URL": "http://academy.test",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            # Tests empty the tables and ids start again, so a kept overview could match the next
            # test's data; tests/directorate/test_overview_cache.py turns it on for itself.
            "DIRECTORATE_FIGURES_SECONDS": 0,
            "MAIL_SERVER": None,
            # Jobs wait in the outbox until a test delivers them (tests/test_outbox.py and
            # tests/test_jobs.py run them on a thread and on RQ).
            "JOBS_BACKEND": "none",
            # Passwords hashed with a cheap pbkdf2 instead of scrypt (0.13 to 0.27 s a hash or a check here, and most
            # tests make accounts and log in). Never in production: the app reads it from no environment variable.
            # tests/security/test_login_abuse.py's timing test puts scrypt back.
            "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(request):
    """Each test starts from empty tables and fresh rate limits (and tests may commit, as the app does)."""
    if "app" in request.fixturenames:
        from app.extensions import limiter

        request.getfixturevalue("app")
        limiter.reset()
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = db.metadata.sorted_tables
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text(_emptying_script(tuple(table.name for table in tables))))
        else:
            for table in reversed(tables):
                db.session.execute(table.delete())
        db.session.commit()


@functools.cache
def _emptying_script(names: tuple[str, ...]) -> str:
    """On PostgreSQL, what TRUNCATE … RESTART IDENTITY did, in one round trip and about 5 ms instead of 150 to
    1,500 (a TRUNCATE of 49 tables makes 49 new files; most tests leave most tables empty): DELETE each table,
    dependents first, and start again at 1 every sequence those tables' columns own. Asked once a session."""
    with db.engine.connect() as connection:
        sequences = connection.scalars(
            sa.text(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(seq.relname) FROM pg_class seq"
                " JOIN pg_namespace n ON n.oid = seq.relnamespace"
                " JOIN pg_depend d ON d.objid = seq.oid AND d.deptype IN ('a', 'i')"
                " JOIN pg_class tab ON tab.oid = d.refobjid"
                " WHERE seq.relkind = 'S' AND tab.relname = ANY(:names) AND pg_table_is_visible(tab.oid)"
                " ORDER BY 1"
            ),
            {"names": list(names)},
        ).all()
    deletes = [f'DELETE FROM "{name}"' for name in reversed(names)]  # noqa: S608 (the models' own table names)
    restarts = ["SELECT " + ", ".join(f"setval('{sequence}', 1, false)" for sequence in sequences)] if sequences else []
    return "; ".join(deletes + restarts)


@pytest.fixture
def site(app):
    """`site(**config)`: the application as a site runs it (its own jobs, on a thread unless told
    otherwise), on the test database; its job thread is stopped after the test."""
    made = []

    def make(**config):
        site_app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "STORAGE_DIR": app.config["STORAGE_DIR"],
                "PUBLIC_URL": app.config["PUBLIC_URL"],
                "RATELIMIT_ENABLED": False,
                "MAIL_SERVER": None,
                "JOBS_BACKEND": "thread",
                "JOBS_SWEEP_SECONDS": 3600,
                **config,
            }
        )
        made.append(site_app)
        return site_app

    yield make
    if made:
        # Flask-Limiter keeps `enabled` on its one object: the last init_app (a site without limits) wins. Give the
        # session's app its limits back, or a later rate-limit test would find none.
        from app.extensions import limiter

        limiter.enabled = app.config["RATELIMIT_ENABLED"]
    for site_app in made:
        runner = site_app.extensions.get("academy_jobs")
        if runner is not None:
            runner.stop()
        queue = site_app.extensions.get("academy_rq_queue")
        if queue is not None:
            queue.connection.close()
        with site_app.app_context():
            db.session.remove()
            db.engine.dispose()  # its own connections (PostgreSQL warns of any left open)


@pytest.fixture
def mail_server():
    """A real SMTP server on 127.0.0.1: `mail_server(delay=…, hold_first=…, refuse=…)` starts one
    (tests/smtp.py) and returns (handler, port); stopped after the test."""
    from aiosmtpd.controller import Controller

    from tests.smtp import MailServer, free_port

    started = []

    def start(**kwargs):
        handler = MailServer(**kwargs)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        started.append((controller, handler))
        return handler, port

    yield start
    for controller, handler in started:
        handler.release.set()
        controller.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def detached(obj):
    """Load an object's columns and detach it, so a test can read it outside an app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_administration(app):
    codes = itertools.cycle(["KE", "SN", "MA", "BE", "FJ", "PE", "JP", "BR", "FR", "NG"])

    def make(code: str | None = None, name: str | None = None, region: Region | None = Region.EUROPE):
        with app.app_context():
            code = code or next(codes)
            existing = db.session.scalar(sa.select(Administration).where(Administration.code == code))
            administration = existing or Administration(code=code, name=name or f"Customs of {code}", region=region)
            db.session.add(administration)
            db.session.commit()
            return detached(administration)

    return make


@pytest.fixture
def make_user(app, make_administration):
    numbers = itertools.count(1)

    def make(role: Role = Role.LEARNER, administration=None, *, email=None, password=PASSWORD, active=True, **kw):
        administration = administration or make_administration()
        with app.app_context():
            user = User(
                email=email or f"{role.value}{next(numbers)}@example.org",
                full_name=kw.pop("full_name", f"Test {role.value.title()}"),
                role=role,
                administration_id=administration.id,
                active=active,
                **kw,
            )
            if password:
                user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            user.administration  # noqa: B018 (loaded before detaching)
            return detached(user)

    return make


@pytest.fixture
def auth(client):
    return AuthActions(client)


FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content_dir(tmp_path):
    """A copy of the small test curriculum that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def synced(app, content_dir):
    """The test curriculum imported into the database; returns its folder."""
    from app.content.sync import sync

    with app.app_context():
        sync(content_dir)
        db.session.commit()
    return content_dir


@pytest.fixture
def ready_learner(app, make_user, synced):
    """A learner who completed the Foundation course and is enrolled in the Practitioner one."""
    learner = make_user()
    from app.courses import services as courses
    from app.courses.models import Course, Lesson

    with app.app_context():
        user = db.session.get(User, learner.id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(user, intro)
        for lesson in db.session.scalars(
            sa.select(Lesson).where(Lesson.course_id == intro.id, Lesson.optional.is_(False))
        ):
            courses.complete_lesson(user, enrolment, lesson)
        courses.enrol(user, db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice")))
        db.session.commit()
    return learner


@pytest.fixture
def project(app, make_administration, make_user, synced):
    """A project for Kenya over three years, covering the Foundation course."""
    kenya = make_administration("KE")
    director = make_user(Role.DIRECTORATE, make_administration("WCO", region=None))
    from datetime import date

    from app.courses.models import Course
    from app.directorate import services

    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        project = services.save_project(
            db.session.get(User, director.id),
            None,
            code="ke-data",
            title="Data for Kenya",
            partner="A partner",
            start_date=date(YEAR1, 1, 1),
            end_date=date(YEAR3, 12, 31),
            status="active",
            objectives="Build a team.",
            lead=None,
            administrations=[db.session.get(Administration, kenya.id)],
            course_list=[course],
        )
        db.session.commit()
        return {"code": project.code, "id": project.id, "kenya": kenya, "director": director}


@pytest.fixture
def framework(app, project, make_user):
    """KE-DATA with an impact, an outcome, a manual indicator with two values and a platform one (enrolments)."""
    from datetime import date, timedelta

    from app.courses.models import Course, Enrolment
    from app.directorate import results_services
    from app.directorate.models import Project

    officer = make_user(administration=project["kenya"], email="officer@kra.go.ke")
    with app.app_context():
        director = db.session.get(User, project["director"].id)
        row = db.session.get(Project, project["id"])
        save = results_services
        impact = save.save_result(director, row, None, level="impact", statement="Trade is faster", parent=None)
        outcome = save.save_result(director, row, None, level="outcome", statement="Risk uses data", parent=impact)
        manual = save.save_indicator(
            director,
            outcome,
            None,
            name="Declarations selected by a model",
            unit="percent",
            direction="higher",
            baseline_value=10,
            baseline_date=date(YEAR1 - 1, 12, 31),
            target_value=60,
            target_date=date(YEAR3, 12, 31),
            milestones={YEAR1: 20, YEAR2: 40},
            means_of_verification="Customs annual report",
        )
        platform = save.save_indicator(
            director,
            outcome,
            None,
            name="Officers enrolled",
            unit="officers",
            direction="higher",
            baseline_value=0,
            baseline_date=date(YEAR1 - 1, 12, 31),
            target_value=20,
            target_date=date(YEAR3, 12, 31),
            source="platform",
            figure="enrolled",
        )
        save.add_value(director, manual, value=18, measured_on=date(YEAR1, 12, 1), source=f"Annual report {YEAR1}")
        save.add_value(
            director, manual, value=31, measured_on=date.today() - timedelta(days=10), source="Mid-year review"
        )
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        db.session.add(Enrolment(user_id=officer.id, course_id=course.id))
        db.session.commit()
        return {**project, "manual": manual.id, "platform": platform.id}
