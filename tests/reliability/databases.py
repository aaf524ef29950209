"""Databases for the reliability tests: scratch databases, and every row of every table to compare."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.test_migrations import _postgres_url


def postgres_server_url() -> str:
    """The PostgreSQL server of TEST_POSTGRES_URL (or TEST_DATABASE_URL); skips when none is configured."""
    return _postgres_url()


def create_scratch_database(server_url: str, prefix: str) -> tuple[str, sa.Engine]:
    """A new empty database on the server; returns its URL and an AUTOCOMMIT engine to drop it with."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {server_url} is not reachable: {error.orig}")
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False), admin


def drop_scratch_database(url: str, admin: sa.Engine) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def table_rows(connection: sa.Connection, tables: set[str] | None = None) -> dict[str, list[dict]]:
    """Every row of every table (or of `tables`) as it is stored, ordered by primary key.

    The tables are read from the database itself, not from the models, so this also reads a
    schema that a downgrade left behind, and alembic_version.
    """
    metadata = sa.MetaData()
    metadata.reflect(connection, only=sorted(tables) if tables is not None else None)  # one batch of queries
    rows = {}
    for name, table in sorted(metadata.tables.items()):
        order = list(table.primary_key.columns) or list(table.columns)
        rows[name] = [dict(row._mapping) for row in connection.execute(table.select().order_by(*order))]
    return rows


def differences(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> list[str]:
    """What changed in the tables both snapshots hold, on the columns both hold (empty: nothing)."""
    problems = []
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        columns = sorted((old[0].keys() if old else set()) & (new[0].keys() if new else set()))
        if len(old) != len(new):
            problems.append(f"{name}: {len(old)} row(s) before, {len(new)} after")
            continue
        for row_before, row_after in zip(old, new, strict=True):
            kept = {c: row_before[c] for c in columns}
            now = {c: row_after[c] for c in columns}
            if kept != now:
                changed = {c: (kept[c], now[c]) for c in columns if kept[c] != now[c]}
                problems.append(f"{name}: row changed {changed}")
                break
    return problems
