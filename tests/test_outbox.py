"""The transactional outbox, on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL):
nothing sent on a rollback, each item delivered once, faults retried with backoff, refusals failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import outbox
from app.common.time import utcnow
from app.extensions import db
from app.outbox import services
from app.outbox.models import OutboxItem


class Recipient:
    """A deliverer that records what it got, and fails as told (a list of exceptions, used in turn)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.received: list[dict] = []
        self.faults: list[Exception] = []
        outbox.register(kind, self)

    def __call__(self, payload: dict) -> None:
        if self.faults:
            raise self.faults.pop(0)
        self.received.append(payload)


@pytest.fixture
def recipient(request):
    kind = f"test-{request.node.name[:10]}"
    yield Recipient(kind)
    services._deliverers.pop(kind, None)


def _items() -> list[OutboxItem]:
    return list(db.session.scalars(sa.select(OutboxItem).order_by(OutboxItem.id)))


def test_a_rollback_sends_nothing(app, recipient):
    """Is an item enqueued in a transaction that rolls back never stored, nor delivered?"""
    with app.app_context():
        outbox.enqueue(recipient.kind, "a", {"n": 1})
        db.session.rollback()
        assert outbox.deliver_due() == 0
        assert _items() == []
    assert recipient.received == []


def test_an_item_is_delivered_once_after_the_commit(app, recipient):
    """Is a committed item delivered, once, and marked delivered (a second run finds nothing)?"""
    with app.app_context():
        outbox.enqueue(recipient.kind, "a", {"n": 1})
        outbox.enqueue(recipient.kind, "a", {"n": 2})  # the same key again: harmless
        db.session.commit()
        assert outbox.deliver_due() == 1
        assert outbox.deliver_due() == 0
        (item,) = _items()
        assert (item.status, item.attempts, item.delivered_at is not None) == ("delivered", 1, True)
    assert recipient.received == [{"n": 1}]


def test_a_fault_is_retried_with_backoff(app, recipient):
    """Does a fault leave the item pending with its error, due only after a backoff, then deliver it?"""
    recipient.faults = [ConnectionError("no route to host"), TimeoutError("timed out")]
    with app.app_context():
        outbox.enqueue(recipient.kind, "a", {"n": 1})
        db.session.commit()
        before = utcnow()
        assert outbox.deliver_due() == 0
        (item,) = _items()
        assert item.status == "pending" and item.attempts == 1
        assert item.last_error == "ConnectionError: no route to host"
        first_wait = item.next_attempt_at - before
        assert timedelta(seconds=22) <= first_wait <= timedelta(seconds=38)  # 30 s ± 25%
        assert outbox.deliver_due() == 0  # not due yet: not tried again
        assert recipient.faults  # the second fault is still unused

        # Time passes: the retry comes due and fails again, waiting about twice as long.
        db.session.execute(sa.update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        before = utcnow()
        assert outbox.deliver_due() == 0
        db.session.expire_all()
        (item,) = _items()
        assert item.attempts == 2 and item.last_error == "TimeoutError: timed out"
        assert timedelta(seconds=44) <= item.next_attempt_at - before <= timedelta(seconds=76)

        db.session.execute(sa.update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert outbox.deliver_due() == 1
        db.session.expire_all()
        (item,) = _items()
        assert (item.status, item.attempts, item.last_error) == ("delivered", 3, "")
    assert recipient.received == [{"n": 1}]


def test_backoff_doubles_and_is_capped():
    """Does the wait double with each fault, stay within its jitter, and stop growing at an hour?"""
    for attempts, base in [(1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)]:
        waits = [services.backoff(attempts).total_seconds() for _ in range(50)]
        assert all(base * 0.75 <= wait <= base * 1.25 for wait in waits), (attempts, min(waits), max(waits))
        assert len(set(waits)) > 1  # jittered


def test_a_refusal_fails_the_item_and_others_keep_flowing(app, recipient):
    """Does a Permanent refusal fail its item with the message, while the next item is delivered?"""
    recipient.faults = [outbox.Permanent("400 Bad Request: statement id is not a UUID")]
    with app.app_context():
        outbox.enqueue(recipient.kind, "refused", {"n": 1})
        outbox.enqueue(recipient.kind, "fine", {"n": 2})
        db.session.commit()
        assert outbox.deliver_due() == 1
        refused, fine = _items()
        assert (refused.status, refused.last_error) == ("failed", "400 Bad Request: statement id is not a UUID")
        assert fine.status == "delivered"
        assert outbox.deliver_due() == 0  # a failed item is not retried by itself
        assert [item.id for item in services.failed_items()] == [refused.id]

        # An admin retries it: delivered this time.
        assert services.retry([refused.id]) == 1
        db.session.commit()
        assert outbox.deliver_due() == 1
    assert recipient.received == [{"n": 2}, {"n": 1}]


def test_an_item_fails_after_too_many_faults(app, recipient):
    """After OUTBOX_MAX_ATTEMPTS faults, does the item fail (for an admin) rather than retry for ever?"""
    recipient.faults = [ConnectionError("down")] * 3
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        with app.app_context():
            outbox.enqueue(recipient.kind, "a", {})
            db.session.commit()
            for _ in range(3):
                db.session.execute(sa.update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
                db.session.commit()
                outbox.deliver_due()
                db.session.expire_all()
            (item,) = _items()
            assert (item.status, item.attempts, item.last_error) == ("failed", 3, "ConnectionError: down")
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 25


def test_an_item_of_a_kind_nobody_delivers_waits(app):
    """Is an item whose kind has no deliverer (its owner not set up) left pending, not failed?"""
    with app.app_context():
        outbox.enqueue("nobody-delivers", "a", {})
        db.session.commit()
        assert outbox.deliver_due() == 0
        (item,) = _items()
        assert (item.status, item.attempts) == ("pending", 0)


def test_a_lost_claim_records_nothing(app, recipient):
    """If a delivery outlives its lease and another worker claims the item, is the first outcome ignored?"""
    with app.app_context():
        outbox.enqueue(recipient.kind, "a", {})
        db.session.commit()
        ((item_id, _kind, _payload, attempts),) = services._claim(10)
        # The lease ran out and another worker took the item (attempts moved on).
        db.session.execute(sa.update(OutboxItem).values(attempts=attempts + 1))
        db.session.commit()
        assert services._settle(item_id, attempts, status="delivered") is False
        (item,) = _items()
        assert item.status == "sending"


def test_the_cli_delivers_what_is_due(app, runner, recipient):
    """Does `flask outbox deliver` deliver the due items and say how many?"""
    with app.app_context():
        for n in range(3):
            outbox.enqueue(recipient.kind, str(n), {"n": n})
        db.session.commit()
    result = runner.invoke(args=["outbox", "deliver", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Delivered 3 item(s)." in result.output
    assert sorted(payload["n"] for payload in recipient.received) == [0, 1, 2]
