"""Statements sent to a real learning record store (Ralph) and read back through GET /xAPI/statements."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from app.xapi import delivery, statements
from app.xapi.backfill import past_events
from tests.xapi.journey import finish_practice_course

_academies = itertools.count(1)


@pytest.fixture
def academy_url(app, monkeypatch):
    """An academy address of this test's own: Ralph keeps every test's statements in one store."""
    url = f"https://academy-{next(_academies)}.example.org"
    monkeypatch.setitem(app.config, "PUBLIC_URL", url)
    return url


def journey(app, learner) -> list[dict]:
    finish_practice_course(app, learner)
    with app.app_context():
        academy = statements.Academy.from_config(app.config)
        return [
            s for event, facts in past_events(datetime(2000, 1, 1)) for s in statements.for_event(academy, event, facts)
        ]


def send(ralph, statement: dict) -> None:
    delivery.send(statement, url=ralph.url, username=ralph.username, password=ralph.password)


def test_a_journeys_statements_arrive_in_the_lrs_as_sent(app, academy_url, ready_learner, ralph):
    """Does every statement of a journey read back from Ralph with its id, verb and object?"""
    made = journey(app, ready_learner)
    for statement in made:
        send(ralph, statement)
    stored = {s["id"]: s for s in ralph.statements(academy_url)}
    assert set(stored) == {s["id"] for s in made}
    for statement in made:
        back = stored[statement["id"]]
        assert (back["verb"]["id"], back["object"]["id"]) == (statement["verb"]["id"], statement["object"]["id"])
        assert back["context"].get("registration") == statement["context"].get("registration")
        ours, theirs = statement.get("result", {}), back.get("result", {})
        assert {k: v for k, v in theirs.items() if k != "score"} == {k: v for k, v in ours.items() if k != "score"}
        if "score" in ours:  # Ralph keeps numbers as decimals: the same values, written its way
            assert {k: float(v) for k, v in theirs["score"].items()} == {k: float(v) for k, v in ours["score"].items()}


def test_sending_a_statement_again_leaves_one_in_the_lrs(app, academy_url, ready_learner, ralph):
    """Is a resend harmless — the same statement, or another under the same id — with one kept?"""
    made = journey(app, ready_learner)
    first = made[0]
    send(ralph, first)
    send(ralph, first)
    send(ralph, {**first, "timestamp": "2030-01-01T00:00:00.000Z"})  # a 409: the first one stands
    stored = [s for s in ralph.statements(academy_url) if s["id"] == first["id"]]
    assert len(stored) == 1 and stored[0]["timestamp"].startswith(first["timestamp"][:19])


def test_a_statement_the_lrs_refuses_raises_refused_with_its_message(app, academy_url, ready_learner, ralph):
    """Does a 4xx become a refusal naming what the LRS said, and is nothing stored?"""
    made = journey(app, ready_learner)
    broken = {key: value for key, value in made[0].items() if key != "verb"}
    with pytest.raises(delivery.Refused, match=r"^4\d\d .*verb"):
        send(ralph, broken)
    assert [s for s in ralph.statements(academy_url) if s["id"] == broken["id"]] == []


def test_wrong_credentials_are_a_refusal(app, academy_url, ready_learner, ralph):
    """Are credentials the LRS does not know a refusal (401), not something to retry?"""
    made = journey(app, ready_learner)
    with pytest.raises(delivery.Refused, match="^401"):
        delivery.send(made[0], url=ralph.url, username=ralph.username, password="wrong")


def test_an_lrs_that_is_down_is_unreachable_and_takes_the_statement_when_back(app, academy_url, ready_learner, ralph):
    """With Ralph stopped, is a send 'unreachable' (to retry), and does it arrive once Ralph is back?"""
    made = journey(app, ready_learner)
    ralph.stop()
    try:
        with pytest.raises(delivery.Unreachable, match="no answer"):
            send(ralph, made[0])
    finally:
        ralph.start()
    send(ralph, made[0])
    assert [s["id"] for s in ralph.statements(academy_url)] == [made[0]["id"]]
