"""Connection settings that must hold for every database connection, and how requests write.

How a request writes, safely when many arrive at once (SQLite and PostgreSQL alike):

- A POST, PUT, PATCH or DELETE changes things: on SQLite its transaction takes the write lock
  when it begins (BEGIN IMMEDIATE), so requests that read and then write take turns.
- A GET reads, without the lock (WAL: readers never wait for writers). A GET that must also
  write (a lesson records where the learner will resume, an overdue attempt is closed, a
  certificate's PDF is noted at its first download) does that write in `write_transaction()`:
  its read ends, and the write runs in a short transaction of its own that takes the lock first
  and re-reads what it changes. Writing in the GET's read transaction instead fails at once with
  "database is locked" whenever another request wrote since the GET began: SQLite cannot wait
  for a lock that would let it write over data it did not see. 32 learners opening new lessons
  at the same moment made 6 such errors.
- A GET that writes outside `write_transaction()` on SQLite is a mistake: the tests fail on it
  (TESTING), a running site logs it.

On PostgreSQL the same code holds: the short transaction sees the latest rows, and inserts that
two tabs may race on are written "on conflict do nothing". A request that only reads (a GET
outside `write_transaction()`) runs its statements without a transaction around them
(psycopg's autocommit, as Django runs every request by default): at PostgreSQL's READ COMMITTED
each statement sees its own snapshot either way, so the page reads the same rows, and the
BEGIN and ROLLBACK of every page are gone. They were two round trips and, measured under load,
more of PostgreSQL's CPU than the page's statements themselves (the course page: 1.12 ms of
PostgreSQL's CPU with them, 0.42 ms without). A write on such a connection is the mistake the
SQLite check below names, and is refused the same way.
"""

import contextlib
import contextvars
import logging
import sqlite3
import time
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.pool import Pool

from app.common import kept
from app.extensions import db

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

#: How long a statement waits for SQLite's lock before "database is locked".
BUSY_TIMEOUT_MS = 10_000
#: How often a request waiting for the write lock asks for it again.
WRITE_LOCK_POLL_SECONDS = 0.0005
#: Set inside write_transaction(): the transaction that begins there takes the write lock.
_writing = contextvars.ContextVar("writing", default=False)
#: On the DBAPI connection's info: whether its current SQLite transaction holds the write lock.
_HOLDS_WRITE_LOCK = "academy_holds_write_lock"

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """Run a GET's writes in a short transaction of their own that takes the write lock first; commit it.

    What the GET read is committed away (a GET has nothing pending) and expires; what the block
    changes is read again inside it, under the lock. See this module's docstring for why.
    """
    from app.extensions import db

    db.session.commit()
    token = _writing.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _writing.reset(token)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, a busy timeout instead of 'database is locked', and foreign keys."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # SQLAlchemy's recipe for pysqlite: we emit BEGIN ourselves (see below), which also makes
    # SAVEPOINT work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:  # not an in-memory database
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """A request that changes something takes SQLite's write lock up front (BEGIN IMMEDIATE).

    With a deferred BEGIN, two requests that both read and then write fail at once with
    'database is locked'; IMMEDIATE makes the second wait (busy timeout) and then see the
    first's changes. Reads keep the deferred BEGIN and never wait for writers (WAL).
    """
    if connection.dialect.name != "sqlite":
        return
    immediate = _writing.get() or (has_request_context() and request.method in WRITE_METHODS)
    if immediate:
        _begin_immediate(connection.connection.driver_connection)
    else:
        connection.exec_driver_sql("BEGIN")
    connection.info[_HOLDS_WRITE_LOCK] = immediate


def _reads_only() -> bool:
    """The request only reads here: a GET (or HEAD) outside `write_transaction()`."""
    return has_request_context() and request.method not in WRITE_METHODS and not _writing.get()


#: On a pooled connection's record: it was put in autocommit for a request that only reads.
_READS_ONLY = "academy_reads_only"


@event.listens_for(Pool, "checkout")
def _postgresql_reads_without_transaction(dbapi_connection, record, _proxy) -> None:
    """On PostgreSQL, a request that only reads runs in autocommit (no BEGIN, no ROLLBACK); see the docstring.

    Decided at each checkout: `write_transaction()` commits the GET's read, which returns the
    connection, and its block checks one out again, in a transaction.
    """
    if isinstance(dbapi_connection, sqlite3.Connection) or dbapi_connection.autocommit or not _reads_only():
        return
    dbapi_connection.autocommit = True
    record.info[_READS_ONLY] = True


@event.listens_for(Pool, "checkin")
def _postgresql_transactions_again(dbapi_connection, record) -> None:
    """Back in the pool, the connection runs in transactions again, for whatever checks it out next (a job, a POST)."""
    if record.info.pop(_READS_ONLY, False) and dbapi_connection is not None:
        dbapi_connection.autocommit = False


@event.listens_for(Engine, "before_cursor_execute")
def _write_without_lock(connection, _cursor, statement, _parameters, context, _executemany) -> None:
    """A request that writes where it only reads (SQLite: no write lock; PostgreSQL: no transaction).

    Refused in tests, logged live.
    """
    if context is None or not (context.isinsert or context.isupdate or context.isdelete) or not has_request_context():
        return
    if connection.dialect.name == "sqlite":
        if connection.info.get(_HOLDS_WRITE_LOCK, True):
            return
        where = "in a transaction begun without SQLite's write lock"
    else:
        if not connection.info.get(_READS_ONLY):
            return
        where = "on a connection that only reads (no transaction)"
    problem = (
        f"{request.method} {request.path} writes {where} "
        f"({' '.join(statement.split()[:3])} …): put the write in app.common.database.write_transaction()"
    )
    if current_app.testing:
        raise RuntimeError(problem)
    logger.warning(problem)


def _begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, asking for the lock again every half millisecond while another request holds it.

    Run on the driver's connection: the PRAGMAs around it are bookkeeping, not the request's SQL.
    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between
    tries. With two workers writing in turn (the exam spike: 5,000 saves and submits in under a
    minute) the waiting worker slept through most of the moments the lock was free, and the
    workers kept only 1.2 of the machine's 2 cores busy while answers queued for seconds.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    # As SQLAlchemy would have raised it, had it run the statement itself.
                    raise OperationalError("BEGIN IMMEDIATE", (), error) from error
            time.sleep(WRITE_LOCK_POLL_SECONDS)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def conflict_insert(model):
    """An INSERT into `model`'s table (or a Table) that can say what to do ON CONFLICT, in the session's database.

    PostgreSQL and SQLite both know `INSERT … ON CONFLICT`, each through its own dialect's insert:
    a row two requests race on is written in one statement, without reading it first.
    """
    return (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert(model)


def insert_unless_present(model, values: dict, *, unique: tuple[str, ...], where: str | None = None):
    """Insert one row unless the unique index on `unique` (a partial one: `where`) holds it already.

    One statement, `INSERT … ON CONFLICT DO NOTHING RETURNING id`, instead of reading first and
    writing in a savepoint (three round trips more): two requests racing on the row, one writes it.
    Returns the new object, kept by the session as written (no read back), or None if present.
    Every column is written, those absent from `values` with the model's default (else NULL), so
    that reading one never asks the database.
    """
    values = {column.key: _default(column) for column in model.__table__.columns if column.key != "id"} | values
    statement = _insert_unless_statement(model, unique, where, db.session.get_bind().dialect.name)
    new_id = db.session.execute(statement, values).scalar()
    if new_id is None:
        return None
    row = model(id=new_id, **values)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def _default(column: sa.Column):
    """The value the model gives a column left out (its Python default, called if callable), else None."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    return default.arg(None) if default.is_callable else default.arg


@kept.once
def _insert_unless_statement(model, unique: tuple[str, ...], where: str | None, _dialect: str):
    """Built once per model, index and database (building it costs more than running it)."""
    table = model.__table__  # a Core statement: the ORM's bulk machinery costs more than the INSERT
    return (
        conflict_insert(table)
        .on_conflict_do_nothing(index_elements=list(unique), index_where=sa.text(where) if where else None)
        .returning(table.c.id)
    )
