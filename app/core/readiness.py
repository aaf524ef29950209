"""`/readyz`: may this host take traffic? Each shared service it needs, checked and timed.

`/healthz` answers "is the process alive?" with one query; a load balancer restarts what fails
it. `/readyz` answers "can this host serve a person now?": the database answers, its schema is
at the migrations' head (a host started before `flask db upgrade` ran, or after a release it
does not know, is not ready), Redis answers PING when REDIS_URL is set, and the file store
writes, reads and deletes a probe. A load balancer sends no one to a host that fails it.

What failed is named (database, migrations, redis, store); why is written to the log only,
since anyone may call this address and an error's text can carry host names or paths.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.common import kept, storage
from app.extensions import db

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"
#: How long Redis may take to answer before this host is reported not ready.
REDIS_TIMEOUT_SECONDS = 1.0


class NotReady(Exception):
    """A check found its component unable to serve; the message goes to the log, never to the caller."""


def check_database() -> None:
    db.session.execute(sa.text("SELECT 1"))


@kept.once
def migration_heads() -> frozenset[str]:
    """The revisions the code expects the database at (read from migrations/, once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_migrations() -> None:
    # Alembic's own table, read directly: its MigrationContext would log a line at every probe.
    current = frozenset(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    expected = migration_heads()
    if current != expected:
        raise NotReady(f"the database is at {sorted(current)}, the code expects {sorted(expected)}")


@kept.once
def _redis(url: str):
    """A client for this Redis, its connections kept for the next probe (a new one costs a connect)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def check_redis() -> None:
    if not _redis(current_app.config["REDIS_URL"]).ping():
        raise NotReady("Redis did not answer PING")


def check_store() -> None:
    storage.check()


def checks() -> dict[str, Callable[[], None]]:
    """The checks this host needs, by component name: Redis only where it is configured."""
    found = {"database": check_database, "migrations": check_migrations}
    if current_app.config.get("REDIS_URL"):
        found["redis"] = check_redis
    found["store"] = check_store
    return found


def report() -> tuple[bool, dict[str, dict]]:
    """Run every check; (all ok, {component: {"status": "ok"|"error", "ms": duration}})."""
    results: dict[str, dict] = {}
    for name, check in checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # noqa: BLE001 (any failure of a component means "not ready")
            logger.warning("/readyz: %s is not ready: %s", name, error)
            db.session.rollback()  # a failed statement leaves the transaction unusable (PostgreSQL)
            status = "error"
        else:
            status = "ok"
        results[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return all(result["status"] == "ok" for result in results.values()), results
