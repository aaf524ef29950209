"""The database's copy: SQLite through its online backup API, PostgreSQL through pg_dump and pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.backup.files import BackupError, fresh, publish


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; a BackupError for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("Refused: the database is in memory; there is no file to back up.")
    return Path(database)


def _tables_and_rows(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
        for name in tables
    }


def backup_sqlite(source_path: Path, path: Path) -> dict[str, int]:
    """Copy a live SQLite database to `path` with the online backup API; returns the rows per table.

    Written to `<path>.part`, checked (`PRAGMA integrity_check`), then renamed: `path` only ever
    holds a complete, checked copy. The copy is a single file (rollback journal, no -wal to forget).
    """
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    part = fresh(path)
    try:
        # mode=rw: never create an empty database where the live one was expected.
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        target = sqlite3.connect(part)
        try:
            source.execute("PRAGMA busy_timeout = 30000")
            source.backup(target)  # all pages in one step: one consistent snapshot
            target.execute("PRAGMA journal_mode = DELETE")
            check = [row[0] for row in target.execute("PRAGMA integrity_check")]
            if check != ["ok"]:
                raise BackupError("The copy failed its integrity check: " + "; ".join(check[:5]))
            counts = _tables_and_rows(target)
        finally:
            target.close()
            source.close()
        publish(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return counts


def restore_sqlite(path: Path, target: Path) -> dict[str, int]:
    """Put a checked SQLite copy where the database is expected; refuses to replace a database that has tables."""
    try:
        copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            counts = _tables_and_rows(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}") from None
    if check != ["ok"] or "alembic_version" not in counts:
        raise BackupError(f"{path} is not a backup of the academy (no alembic_version, or a failed integrity check).")
    if target.exists() and target.stat().st_size:
        existing = sqlite3.connect(target)
        try:
            if _tables_and_rows(existing):
                raise BackupError(f"Refused: {target} already holds tables; restore into an empty database.")
        finally:
            existing.close()
    part = fresh(target)
    try:
        shutil.copyfile(path, part)
        publish(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return counts


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump and pg_restore read it, and the environment carrying its password (never in argv)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client (the server's major version).")
    return found


def _run(command: list[str], environment: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def backup_postgresql(url: URL, path: Path) -> int:
    """pg_dump's custom format (compressed, restorable table by table) at `path`, atomically; returns its tables.

    pg_dump reads in one repeatable-read transaction: a consistent snapshot while the site writes.
    The dump is listed by pg_restore before it gets its name, so `path` only ever holds a readable dump.
    """
    address, environment = _libpq(url)
    part = fresh(path)
    try:
        _run([_program("pg_dump"), "--format=custom", f"--file={part}", "--no-owner", address], environment, "pg_dump")
        listing = _run([_program("pg_restore"), "--list", str(part)], environment, "pg_restore --list")
        publish(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def restore_postgresql(url: URL, engine: sa.Engine, path: Path) -> None:
    """pg_restore a dump into the (empty) database at `url`, in one transaction: all of it or nothing."""
    with engine.connect() as connection:
        tables = connection.scalars(
            sa.text("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
        ).one()
    engine.dispose()
    if tables:
        raise BackupError(
            f"Refused: the database {url.database} already holds {tables} table(s); restore into an empty one."
        )
    address, environment = _libpq(url)
    _run([_program("pg_restore"), "--list", str(path)], environment, f"Reading {path} (pg_restore --list)")
    _run(
        [
            _program("pg_restore"),
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={address}",
            str(path),
        ],
        environment,
        "pg_restore",
    )
