"""`flask --app wsgi backup PATH [--with-storage] [--force]`: a consistent copy of the live SQLite database.

SQLite's online backup API copies the database page by page inside one read transaction, so
the copy is a consistent snapshot even while gunicorn workers write (WAL: writers are not
blocked). PostgreSQL has its own tools (pg_dump, pg_restore): the command says how to use them.
The files under STORAGE_DIR (certificate PDFs, content files, evidence) are not in the database;
`--with-storage` archives them beside the copy.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tarfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from app.extensions import db


class BackupError(Exception):
    """A backup that cannot be made; the message says why, for the operator."""


def postgresql_advice(path: Path, storage_dir: Path) -> str:
    """How to back up and restore a PostgreSQL deployment (the command refuses to do it itself)."""
    target, archive = shlex.quote(str(path)), shlex.quote(str(storage_archive_path(path)))
    return (
        "Refused: the database is PostgreSQL; back it up with PostgreSQL's own tools:\n"
        f'  pg_dump --format=custom --file={target} "$DATABASE_URL"\n'
        "and restore it (into an empty database, or over the old one) with:\n"
        f'  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" {target}\n'
        "Back up the stored files too (certificate PDFs, content files, evidence):\n"
        f"  tar -czf {archive} -C {shlex.quote(str(storage_dir))} ."
    )


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; a BackupError for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("Refused: the database is in memory; there is no file to back up.")
    return Path(database)


def _fresh(path: Path) -> Path:
    """An empty, private `<path>.part` to write into (a backup holds password hashes)."""
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return part


def _publish(part: Path, path: Path) -> None:
    """Make the finished file durable, then give it its name in one step (a reader never sees half a file)."""
    with part.open("rb") as handle:
        os.fsync(handle.fileno())
    part.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def backup_sqlite(source_path: Path, path: Path) -> dict[str, int]:
    """Copy a live SQLite database to `path` with the online backup API; returns the rows per table.

    Written to `<path>.part`, checked (`PRAGMA integrity_check`), then renamed: `path` only ever
    holds a complete, checked copy. The copy is a single file (rollback journal, no -wal to forget).
    """
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    part = _fresh(path)
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
            tables = [
                name
                for (name,) in target.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            counts = {
                name: target.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
                for name in tables
            }
        finally:
            target.close()
            source.close()
        _publish(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return counts


def archive_storage(storage_dir: Path, path: Path) -> int:
    """Write the files of STORAGE_DIR to a .tar.gz at `path` (atomically); returns how many files.

    Stored files are written once under a name (a content hash, a certificate code) and never
    changed, so archiving after the database copy holds every file the copy refers to. Files
    being written (`*.part`) or removed meanwhile are left out.
    """
    part = _fresh(path)
    count = 0
    try:
        with tarfile.open(part, "w:gz") as archive:
            archive.add(storage_dir, arcname="storage", recursive=False)
            for folder, directories, files in os.walk(storage_dir):
                directories.sort()
                for name in sorted(directories):
                    full = Path(folder) / name
                    archive.add(full, arcname=str(Path("storage") / full.relative_to(storage_dir)), recursive=False)
                for name in sorted(files):
                    if name.endswith(".part"):
                        continue
                    full = Path(folder) / name
                    try:
                        archive.add(full, arcname=str(Path("storage") / full.relative_to(storage_dir)))
                    except FileNotFoundError:
                        continue
                    count += 1
        _publish(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count


def storage_archive_path(path: Path) -> Path:
    """Where `--with-storage` writes the archive of STORAGE_DIR: beside the database copy."""
    return path.with_name(path.name + ".storage.tar.gz")


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH (and the storage archive) if they exist.")
@click.option(
    "--with-storage",
    is_flag=True,
    help="Also archive STORAGE_DIR (certificate PDFs, content files, evidence) to PATH.storage.tar.gz.",
)
@with_appcontext
def backup_command(path: Path, force: bool, with_storage: bool) -> None:
    """Copy the live SQLite database to PATH, consistently, while the site runs (PostgreSQL: use pg_dump)."""
    storage_dir = Path(current_app.config["STORAGE_DIR"])
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        click.echo(postgresql_advice(path, storage_dir), err=True)
        raise SystemExit(1)
    if url.get_backend_name() != "sqlite":
        click.echo(f"Refused: backups of {url.get_backend_name()} databases are not supported.", err=True)
        raise SystemExit(1)
    archive = storage_archive_path(path)
    try:
        source = sqlite_path(url.render_as_string(hide_password=False))
        if path.resolve() == source.resolve():
            raise BackupError("Refused: PATH is the live database itself.")
        for target in [path, archive] if with_storage else [path]:
            if target.exists() and not force:
                raise BackupError(f"Refused: {target} exists (add --force to replace it).")
        if not path.parent.is_dir():
            raise BackupError(f"The folder {path.parent} does not exist.")
        counts = backup_sqlite(source, path)
        files = archive_storage(storage_dir, archive) if with_storage else None
    except (BackupError, sqlite3.Error, OSError) as error:
        click.echo(str(error) if isinstance(error, BackupError) else f"Backup failed: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Backed up {source} to {path} ({_size(path.stat().st_size)}).")
    width = max((len(name) for name in counts), default=0)
    for name, rows in counts.items():
        click.echo(f"  {name:<{width}}  {rows} row(s)")
    if files is not None:
        click.echo(f"Archived {files} stored file(s) of {storage_dir} to {archive} ({_size(archive.stat().st_size)}).")
    else:
        click.echo(f"Back up {storage_dir} too (certificate PDFs, content files, evidence), or add --with-storage.")
    # The signing keys are rows of the copy, encrypted with a key derived from SECRET_KEY (signing_keys.py).
    click.echo("Keep SECRET_KEY apart from this copy (once): the Open Badges signing keys in it are encrypted with it.")
