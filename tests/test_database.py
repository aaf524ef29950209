"""How requests write (app/common/database.py): a GET writes only in its own transaction that holds SQLite's
write lock; on PostgreSQL a GET that only reads runs without a transaction, and writes stay all or nothing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.common.database import write_transaction
from app.extensions import db


@pytest.fixture
def scratch_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        db.session.commit()
    yield app, tmp_path / "x.sqlite"
    with app.app_context():
        db.engine.dispose()


def test_a_get_writing_in_its_read_transaction_is_caught_by_the_tests(scratch_app):
    """Does a GET that writes without write_transaction() fail the tests, naming the fix, not fail in a crowd?"""
    app, _path = scratch_app
    with app.test_request_context("/courses/x/lessons/y"), pytest.raises(RuntimeError, match="write_transaction"):
        db.session.execute(sa.text("SELECT count(*) FROM visits"))
        db.session.execute(sa.insert(sa.table("visits", sa.column("n"))).values(n=1))


def test_a_get_that_writes_waits_for_the_lock_and_sees_the_latest_rows(scratch_app):
    """Does a GET's write wait while another request holds the write lock, then write over what that one committed?"""
    app, path = scratch_app
    visits = sa.table("visits", sa.column("n"))
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    with app.test_request_context("/courses/x/lessons/y"):
        db.session.execute(sa.select(sa.func.count()).select_from(visits))  # the GET's read, without the lock
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO visits VALUES (41)")  # another request writes after the GET began
        threading.Timer(0.2, lambda: holder.execute("COMMIT")).start()
        with write_transaction():
            latest = db.session.scalar(sa.select(sa.func.max(visits.c.n)))
            db.session.execute(sa.insert(visits).values(n=latest + 1))
    holder.close()
    with app.app_context():
        assert db.session.scalars(sa.select(visits.c.n).order_by(visits.c.n)).all() == [41, 42]


@pytest.fixture
def postgres_app(tmp_path):
    """An app on a scratch PostgreSQL database of its own, with one table (skipped without PostgreSQL, failed in CI)."""
    server_url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL", "")
    if not server_url.startswith("postgresql"):
        pytest.skip("PostgreSQL not configured: set TEST_POSTGRES_URL (CI sets it to the machine's server)")
    server_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"academy_reads_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        db.session.commit()
    yield app, admin
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


VISITS = sa.table("visits", sa.column("n"))


def _server_state(admin, backend_pid: int) -> str:
    """What PostgreSQL says a connection is doing: 'idle' or 'idle in transaction'."""
    with admin.connect() as connection:
        return connection.scalar(sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend_pid})


def test_a_page_that_only_reads_holds_no_transaction_on_postgresql(postgres_app):
    """Does a GET read without BEGIN and ROLLBACK (no transaction left open on the server), and a POST in one?"""
    app, admin = postgres_app
    for method, state in (("GET", "idle"), ("POST", "idle in transaction")):
        with app.test_request_context("/my-learning", method=method):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(VISITS)) == 0
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            assert _server_state(admin, pid) == state, method
            db.session.rollback()


def test_a_get_writing_outside_write_transaction_is_refused_on_postgresql(postgres_app):
    """Does a GET that writes where it only reads fail the tests, naming the fix, and store nothing?"""
    app, _admin = postgres_app
    with app.test_request_context("/courses/x/lessons/y"), pytest.raises(RuntimeError, match="write_transaction"):
        db.session.execute(sa.select(sa.func.count()).select_from(VISITS))
        db.session.execute(sa.insert(VISITS).values(n=1))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VISITS)) == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_writes_stay_all_or_nothing_on_postgresql(postgres_app, method):
    """Are a POST's writes, and a GET's inside write_transaction(), still one transaction: kept together or
    undone together?"""
    app, _admin = postgres_app

    def write(n: int, fail: bool) -> None:
        db.session.execute(sa.insert(VISITS).values(n=n))
        db.session.execute(sa.insert(VISITS).values(n=n + 1))
        if fail:
            raise ValueError("the second step failed")

    for n, fail in ((1, True), (10, False)):
        with app.test_request_context("/x", method=method), contextlib.suppress(ValueError):
            db.session.execute(sa.select(sa.func.count()).select_from(VISITS))  # the request's read
            if method == "GET":
                with write_transaction():
                    write(n, fail)
            else:
                try:
                    write(n, fail)
                    db.session.commit()
                except ValueError:
                    db.session.rollback()
                    raise
    with app.app_context():
        assert db.session.scalars(sa.select(VISITS.c.n).order_by(VISITS.c.n)).all() == [10, 11]
