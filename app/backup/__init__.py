"""`flask --app wsgi backup PATH [--with-storage]` and `flask --app wsgi restore PATH [--with-storage]`.

The database: SQLite is copied with its online backup API (a consistent snapshot while gunicorn
workers write); PostgreSQL with pg_dump's custom format (one repeatable-read snapshot), restored
with pg_restore. The stored files (certificate PDFs, content files, uploads), in a folder or an
object store, go into `PATH.storage.tar.gz` with `--with-storage`. A restore goes into empty
services only: an empty database, an empty folder or bucket; anything else is refused as it is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.backup.database import backup_postgresql, backup_sqlite, restore_postgresql, restore_sqlite, sqlite_path
from app.backup.files import BackupError, archive_storage, human_size, restore_storage
from app.common import storage
from app.extensions import db

__all__ = ["BackupError", "archive_storage", "backup_command", "restore_command", "restore_storage"]


def storage_archive_path(path: Path) -> Path:
    """Where `--with-storage` writes the archive of the stored files: beside the database copy."""
    return path.with_name(path.name + ".storage.tar.gz")


def _backend() -> str:
    name = db.engine.url.get_backend_name()
    if name not in {"sqlite", "postgresql"}:
        raise BackupError(f"Refused: backups of {name} databases are not supported.")
    return name


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH (and the storage archive) if they exist.")
@click.option(
    "--with-storage",
    is_flag=True,
    help="Also archive the stored files (certificate PDFs, content files, uploads) to PATH.storage.tar.gz.",
)
@with_appcontext
def backup_command(path: Path, force: bool, with_storage: bool) -> None:
    """Copy the live database (SQLite, or PostgreSQL with pg_dump) to PATH, consistently, while the site runs."""
    store = storage.current_store()
    archive = storage_archive_path(path)
    try:
        backend = _backend()
        for target in [path, archive] if with_storage else [path]:
            if target.exists() and not force:
                raise BackupError(f"Refused: {target} exists (add --force to replace it).")
        if not path.parent.is_dir():
            raise BackupError(f"The folder {path.parent} does not exist.")
        if backend == "sqlite":
            source = sqlite_path(db.engine.url.render_as_string(hide_password=False))
            if path.resolve() == source.resolve():
                raise BackupError("Refused: PATH is the live database itself.")
            counts = backup_sqlite(source, path)
            what = str(source)
        else:
            tables = backup_postgresql(db.engine.url, path)
            what = f"the PostgreSQL database {db.engine.url.database}"
        files = archive_storage(store, archive) if with_storage else None
    except (BackupError, sqlite3.Error, OSError) as error:
        click.echo(str(error) if isinstance(error, BackupError) else f"Backup failed: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Backed up {what} to {path} ({human_size(path.stat().st_size)}).")
    if backend == "sqlite":
        width = max((len(name) for name in counts), default=0)
        for name, rows in counts.items():
            click.echo(f"  {name:<{width}}  {rows} row(s)")
    else:
        click.echo(f"  {tables} table(s), pg_dump's custom format: restore with `flask restore {path}`.")
    if files is not None:
        size = human_size(archive.stat().st_size)
        click.echo(f"Archived {files} stored file(s) of {store.describe()} to {archive} ({size}).")
    else:
        click.echo(f"Back up {store.describe()} too (certificate PDFs, content files, uploads), or add --with-storage.")
    # The signing keys are rows of the copy, encrypted with a key derived from SECRET_KEY (signing_keys.py).
    click.echo("Keep SECRET_KEY apart from this copy (once): the Open Badges signing keys in it are encrypted with it.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--with-storage",
    is_flag=True,
    help="Also put the files of PATH.storage.tar.gz into the (empty) store.",
)
@with_appcontext
def restore_command(path: Path, with_storage: bool) -> None:
    """Restore a backup made by `flask backup` into an empty database (and, with --with-storage, an empty store)."""
    store = storage.current_store()
    archive = storage_archive_path(path)
    try:
        backend = _backend()
        if with_storage:
            if not archive.is_file():
                raise BackupError(f"{archive} does not exist (the archive `backup --with-storage` writes).")
            if next(iter(store.list_keys()), None) is not None:
                raise BackupError(f"Refused: {store.describe()} already holds files; restore into an empty store.")
        if backend == "sqlite":
            target = sqlite_path(db.engine.url.render_as_string(hide_password=False))
            db.engine.dispose()
            restore_sqlite(path, target)
        else:
            restore_postgresql(db.engine.url, db.engine, path)
        click.echo(f"Restored {path} into {db.engine.url.render_as_string(hide_password=True)}.")
        if with_storage:
            files = restore_storage(store, archive)
            click.echo(f"Restored {files} stored file(s) from {archive} into {store.describe()}.")
    except (BackupError, sqlite3.Error, OSError) as error:
        click.echo(str(error) if isinstance(error, BackupError) else f"Restore failed: {error}", err=True)
        raise SystemExit(1) from None
