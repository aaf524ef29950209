"""The outbox's API: enqueue in the change's transaction, deliver after the commit, retry, refuse.

A delivery claims due items in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so
workers never claim the same rows; SQLite: the write lock, `write_transaction`), marking each
"sending" with a lease until `next_attempt_at`. It then calls the kind's deliverer outside any
transaction, and records the outcome only if its claim still holds (same status and attempt
count). An item whose worker was killed stays "sending" until its lease ends, and is then
claimed again by the next delivery: delivered once. The lease (OUTBOX_LEASE_SECONDS) must be
longer than any delivery takes (a deliverer's own timeouts are shorter).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.common.database import conflict_insert, write_transaction
from app.common.time import utcnow
from app.extensions import db
from app.outbox.models import DELIVERED, FAILED, PENDING, SENDING, STATUSES, OutboxItem

logger = logging.getLogger(__name__)

#: The first retry waits this long; each next one twice as long, up to BACKOFF_CAP, with jitter.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
#: On the session's info: something was enqueued in its transaction (a delivery follows the commit).
_ENQUEUED = "academy_outbox_enqueued"


class Permanent(Exception):  # noqa: N818 (the deliverer's word: a permanent refusal)
    """Raised by a deliverer when the other side refuses the item for good (a 4xx): no retry."""


_deliverers: dict[str, Callable[[dict], None]] = {}


def register(kind: str, deliver: Callable[[dict], None]) -> None:
    """Let `deliver(payload)` send the items of `kind`: it returns when delivered, raises `Permanent`
    for a refusal (the item fails, shown to admins) or any other exception for a fault (retried)."""
    _deliverers[kind] = deliver


def enqueue(kind: str, key: str, payload: dict) -> None:
    """Add an item to the outbox in the current transaction (no commit): sent after the commit,
    never if it rolls back. The same (kind, key) twice keeps the first."""
    now = utcnow()
    db.session.execute(
        conflict_insert(OutboxItem)
        .values(
            kind=kind,
            key=key,
            payload=payload,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["kind", "key"])
    )
    db.session.info[_ENQUEUED] = True


def after_commit(session) -> None:
    """The session committed: if it enqueued anything, schedule a delivery (a job)."""
    if session.info.pop(_ENQUEUED, False):
        from app import jobs

        jobs.enqueue("app.outbox.services.deliver_due")


def after_rollback(session) -> None:
    session.info.pop(_ENQUEUED, None)


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones: doubling, capped, with jitter
    (±25%), so items that failed together do not all come back at the same moment."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.75, 1.25)


def _claim(limit: int) -> list[tuple[int, str, dict, int]]:
    """Take up to `limit` due items of registered kinds (pending and due, or sending past their lease)."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with write_transaction():
        query = (
            sa.select(OutboxItem)
            .where(
                OutboxItem.status.in_([PENDING, SENDING]),
                OutboxItem.next_attempt_at <= now,
                OutboxItem.kind.in_(sorted(_deliverers)),
            )
            .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
            .limit(limit)
        )
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for item in db.session.scalars(query):
            item.status, item.next_attempt_at, item.attempts = SENDING, now + lease, item.attempts + 1
            claimed.append((item.id, item.kind, item.payload, item.attempts))
    return claimed


def _settle(item_id: int, attempts: int, **values) -> bool:
    """Record a delivery's outcome if this worker's claim still holds; False if the lease was lost."""
    with write_transaction():
        result = db.session.execute(
            sa.update(OutboxItem)
            .where(OutboxItem.id == item_id, OutboxItem.status == SENDING, OutboxItem.attempts == attempts)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount == 1


def deliver_due(limit: int = 100) -> int:
    """Deliver the items that are due (claimed safely across processes); returns how many were delivered."""
    delivered = 0
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    for item_id, kind, payload, attempts in _claim(limit):
        try:
            _deliverers[kind](payload)
        except Permanent as refusal:
            _settle(item_id, attempts, status=FAILED, last_error=str(refusal)[:2000])
            logger.warning("Outbox item %s (%s) refused: %s", item_id, kind, refusal)
        except Exception as fault:
            error = f"{type(fault).__name__}: {fault}"[:2000]
            if attempts >= max_attempts:
                _settle(item_id, attempts, status=FAILED, last_error=error)
            else:
                _settle(
                    item_id, attempts, status=PENDING, next_attempt_at=utcnow() + backoff(attempts), last_error=error
                )
            logger.warning("Outbox item %s (%s), attempt %d: %s", item_id, kind, attempts, error)
        else:
            delivered += _settle(item_id, attempts, status=DELIVERED, delivered_at=utcnow(), last_error="")
    return delivered


# For the admins' jobs page ---------------------------------------------------------------------


def counts() -> dict[str, dict[str, int]]:
    """{kind: {status: how many}} over the whole outbox, every status present for each kind."""
    found: dict[str, dict[str, int]] = {}
    rows = db.session.execute(
        sa.select(OutboxItem.kind, OutboxItem.status, sa.func.count()).group_by(OutboxItem.kind, OutboxItem.status)
    )
    for kind, status, number in rows:
        found.setdefault(kind, dict.fromkeys(STATUSES, 0))[status] = number
    return dict(sorted(found.items()))


def failed_items(limit: int = 200) -> list[OutboxItem]:
    """The items that failed, most recent first (what an admin may retry)."""
    return list(
        db.session.scalars(
            sa.select(OutboxItem).where(OutboxItem.status == FAILED).order_by(OutboxItem.id.desc()).limit(limit)
        )
    )


def retry(item_ids: list[int] | None = None) -> int:
    """Put failed items (these, or all of them) back to be delivered now; returns how many."""
    query = sa.update(OutboxItem).where(OutboxItem.status == FAILED)
    if item_ids is not None:
        query = query.where(OutboxItem.id.in_(item_ids))
    result = db.session.execute(
        query.values(status=PENDING, next_attempt_at=utcnow()).execution_options(synchronize_session=False)
    )
    if result.rowcount:
        db.session.info[_ENQUEUED] = True
    return result.rowcount
