"""Settings, the health check, the SQLite connection settings, and the command-line tools."""

import pytest
import sqlalchemy as sa

from app import config, create_app
from app.auth.models import Role, User
from app.extensions import db


def test_healthz_checks_the_database(client):
    """Does /healthz answer 200 with the database reachable?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    """Does the app refuse to start in production without a SECRET_KEY?"""
    monkeypatch.setenv("ACADEMY_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    try:
        config.from_environment(tmp_path)
    except RuntimeError as error:
        assert "SECRET_KEY" in str(error)
    else:
        raise AssertionError("started without a SECRET_KEY")


def test_local_secret_key_is_generated_once(monkeypatch, tmp_path):
    """Is a local run's secret key generated once, kept private, and reused?"""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ACADEMY_ENV", raising=False)
    first = config.from_environment(tmp_path)["SECRET_KEY"]
    second = config.from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    """In production, are cookies Secure, HttpOnly and SameSite?"""
    monkeypatch.setenv("ACADEMY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    settings = config.from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_defaults_and_postgres_aliases(monkeypatch, tmp_path):
    """Does DATABASE_URL default to SQLite under instance/ and accept postgres:// URLs?"""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/academy.sqlite"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert config.from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    """Does every SQLite connection have WAL, a busy timeout and foreign keys on?"""
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.engine.dispose()


def test_demo_is_idempotent(app, runner):
    """Does `flask demo` create one user of each role, and change nothing when run again?"""
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "learner@academy.test" in first.output
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count


def test_demo_is_refused_in_production(app, runner):
    """Is the demo data refused in production mode?"""
    app.config["ACADEMY_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo"])
    finally:
        app.config["ACADEMY_ENV"] = "development"
    assert result.exit_code == 1 and "Refused" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_import_command_reports_file_and_line(app, runner, make_administration, tmp_path):
    """Does `flask users import` report each problem as file:line and import nothing?"""
    make_administration("KE")
    bad = tmp_path / "officers.csv"
    bad.write_text("email,full_name,administration,role\nok@example.org,Ok,KE,learner\nbad,Bad,KE,learner\n")
    result = runner.invoke(args=["users", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output
    good = tmp_path / "good.csv"
    good.write_text("email,full_name,administration,role\nok@example.org,Ok,KE,learner\n")
    assert "would be created" in runner.invoke(args=["users", "import", str(good), "--dry-run"]).output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = runner.invoke(args=["users", "import", str(good)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.email)) == "ok@example.org"


def test_demo_learner_holds_a_certificate(app, runner, synced):
    """With the curriculum loaded, does the demo include a learner who completed a course and holds its certificate?"""
    from app.certificates.models import Certificate

    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # still idempotent
    with app.app_context():
        holders = db.session.execute(
            sa.select(User.email, Certificate.title).join(Certificate, Certificate.user_id == User.id)
        ).all()
    assert ("learner@academy.test", "Introduction to Customs data") in holders
    assert len(holders) == 2  # the course and its tier, once each


def test_a_write_request_waits_for_the_sqlite_write_lock_and_keeps_its_busy_timeout(tmp_path, monkeypatch):
    """Does a POST's transaction wait while another holds SQLite's write lock, then get it, and give up in time?"""
    import sqlite3
    import threading

    from app.common import database

    path = tmp_path / "x.sqlite"
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context(), db.engine.connect():
        pass  # the file is created, in WAL mode, before another process holds its lock
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, lambda: holder.execute("COMMIT")).start()
    with app.test_request_context("/", method="POST"), db.engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")  # in the request's IMMEDIATE transaction
        connection.commit()
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS
    # Held for longer than the timeout: the request is told the database is locked.
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            app.test_request_context("/", method="POST"),
            db.engine.connect() as connection,
            pytest.raises(sa.exc.OperationalError, match="locked"),
        ):
            connection.exec_driver_sql("SELECT 1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        with app.app_context():
            db.engine.dispose()
