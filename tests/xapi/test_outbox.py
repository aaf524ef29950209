"""Learning records through the outbox to a real LRS (Ralph): after the commit, once each, whatever
the LRS does meanwhile."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from app import outbox
from app.extensions import db
from app.outbox.models import DELIVERED, FAILED, PENDING, OutboxItem
from tests.xapi.journey import finish_practice_course

_academies = itertools.count(1)


@pytest.fixture
def lrs(app, ralph, monkeypatch):
    """The academy connected to Ralph, at an address of this test's own (Ralph keeps every test's statements)."""
    url = f"https://outbox-{next(_academies)}.example.org"
    for key, value in {
        "PUBLIC_URL": url,
        "LRS_URL": ralph.url,
        "LRS_USERNAME": ralph.username,
        "LRS_PASSWORD": ralph.password,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return url


def items(app) -> list[OutboxItem]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(OutboxItem).where(OutboxItem.kind == "xapi")))
        db.session.expunge_all()
        return found


def deliver(app) -> int:
    with app.app_context():
        return outbox.deliver_due()


def make_due(app) -> None:
    """Time passes: every waiting item's retry comes due."""
    with app.app_context():
        db.session.execute(sa.update(OutboxItem).values(next_attempt_at=OutboxItem.created_at))
        db.session.commit()


def test_a_journey_reaches_the_lrs_through_the_outbox(app, lrs, ralph, ready_learner):
    """Does a learner's journey leave its statements in the outbox and, delivered, in Ralph — one each?"""
    finish_practice_course(app, ready_learner)
    queued = items(app)
    assert queued and {i.status for i in queued} == {PENDING}
    assert deliver(app) == len(queued)
    stored = ralph.statements(lrs)
    assert sorted(s["id"] for s in stored) == sorted(i.key for i in queued)
    verbs = {s["verb"]["display"]["en-US"] for s in stored}
    assert {"registered", "experienced", "completed", "attempted", "failed", "passed", "earned"} <= verbs
    assert {i.status for i in items(app)} == {DELIVERED}


def test_without_an_lrs_nothing_is_queued(app, ready_learner, monkeypatch):
    """With no LRS_URL, does a journey put no xAPI item in the outbox?"""
    monkeypatch.setitem(app.config, "LRS_URL", None)
    finish_practice_course(app, ready_learner)
    assert items(app) == []


def test_statements_wait_for_an_lrs_that_is_down_and_arrive_once_each(app, lrs, ralph, ready_learner):
    """With Ralph stopped, do statements wait in the outbox with the error, and arrive once each when it is back?"""
    finish_practice_course(app, ready_learner)
    ralph.stop()
    try:
        assert deliver(app) == 0
        waiting = items(app)
        assert {i.status for i in waiting} == {PENDING}
        assert all("no answer" in i.last_error for i in waiting)
    finally:
        ralph.start()
    make_due(app)
    assert deliver(app) == len(waiting)
    make_due(app)
    assert deliver(app) == 0
    stored = ralph.statements(lrs)
    assert len(stored) == len({s["id"] for s in stored}) == len(waiting)


def test_a_refused_statement_fails_with_the_lrs_message_and_others_flow(app, lrs, ralph, ready_learner):
    """Does a statement Ralph refuses (4xx) fail with Ralph's words, while the others are delivered?"""
    finish_practice_course(app, ready_learner)
    with app.app_context():
        outbox.enqueue("xapi", "broken", {"id": "6f1e0b7c-0000-4000-8000-000000000001", "actor": {}, "object": {}})
        db.session.commit()
    others = len(items(app)) - 1
    assert deliver(app) == others
    broken = next(i for i in items(app) if i.key == "broken")
    assert broken.status == FAILED
    assert "refused" in broken.last_error and "422" in broken.last_error
    assert len(ralph.statements(lrs)) == others


def test_a_backfill_sends_past_events_without_duplicates(app, ralph, ready_learner, runner, monkeypatch):
    """Does `xapi backfill --since` send what happened before the LRS was connected — and only once, run twice?"""
    monkeypatch.setitem(app.config, "LRS_URL", None)
    finish_practice_course(app, ready_learner)
    assert items(app) == []
    url = f"https://backfill-{next(_academies)}.example.org"
    for key, value in {"PUBLIC_URL": url, "LRS_URL": ralph.url, "LRS_USERNAME": ralph.username}.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "LRS_PASSWORD", ralph.password)
    result = runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    queued = len(items(app))
    assert f"{queued} statements" in result.output
    assert deliver(app) == queued
    again = runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"])
    assert again.exit_code == 0, again.output
    assert len(items(app)) == queued and deliver(app) == 0
    stored = ralph.statements(url)
    assert len(stored) == len({s["id"] for s in stored}) == queued


def test_a_backfill_without_an_lrs_says_so(app, runner, monkeypatch):
    """Without LRS_URL, does the backfill stop with a message saying what to set?"""
    monkeypatch.setitem(app.config, "LRS_URL", None)
    result = runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"])
    assert result.exit_code != 0 and "LRS_URL is not set" in result.output
