"""Connection settings that must hold for every database connection."""

import sqlite3

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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
    cursor.execute("PRAGMA busy_timeout = 10000")
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
    immediate = has_request_context() and request.method in WRITE_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
