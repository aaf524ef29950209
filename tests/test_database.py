"""How requests write (app/database.py): a GET writes only in its own transaction that holds SQLite's write lock."""

from __future__ import annotations

import sqlite3
import threading

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
