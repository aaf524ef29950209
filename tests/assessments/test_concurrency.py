"""Real concurrency (threads, separate sessions and connections) on the test database, SQLite or PostgreSQL."""

import threading

import sqlalchemy as sa

from app.assessments import services
from app.assessments.models import Attempt
from app.extensions import db
from tests.helpers import ASSESSMENT, AuthActions, answer_form, change_assessments, csrf_token, post_form


def _clients(app, email: str, n: int):
    clients = []
    for _ in range(n):
        client = app.test_client()
        AuthActions(client).login(email)
        clients.append(client)
    return clients


def _together(functions) -> list:
    """Run the functions in threads released at the same instant; return their results."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        barrier.wait()
        results[index] = function()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_submitting_from_two_tabs_grades_once(app, ready_learner, monkeypatch):
    """When the same attempt is submitted from two tabs at the same instant, is it graded exactly once?"""
    first, second = _clients(app, ready_learner.email, 2)
    response = post_form(first, ASSESSMENT, f"{ASSESSMENT}/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    data = answer_form(app, attempt_id)
    graded = []
    real_graded = services._graded  # runs once per attempt that a claim closed
    monkeypatch.setattr(
        services, "_graded", lambda attempt, *rest: (graded.append(attempt.id), real_graded(attempt, *rest))
    )
    posts = []
    for client in (first, second):
        form = {**data, "action": "submit", "csrf_token": csrf_token(client, ASSESSMENT)}
        posts.append(lambda client=client, form=form: client.post(f"/attempts/{attempt_id}", data=form).status_code)
    codes = _together(posts)
    assert all(code in (302, 400) for code in codes), codes
    assert graded == [attempt_id]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.percent == 100


def test_parallel_starts_never_exceed_the_maximum(app, ready_learner):
    """When several windows start an attempt at once, does the learner still get at most the allowed number?"""
    change_assessments(app, max_attempts=2)  # as a publish would
    clients = _clients(app, ready_learner.email, 4)
    tokens = [csrf_token(client, ASSESSMENT) for client in clients]

    def start(client, token):
        return lambda: client.post(f"{ASSESSMENT}/start", data={"csrf_token": token}).status_code

    for _round in range(2):
        codes = _together([start(c, t) for c, t in zip(clients, tokens, strict=True)])
        assert all(code == 302 for code in codes), codes  # each is sent to the attempt or told why not
        with app.app_context():
            open_attempts = db.session.scalars(sa.select(Attempt).where(Attempt.status == "open")).all()
            assert len(open_attempts) == 1
            for attempt in open_attempts:
                services.submit(attempt)
            db.session.commit()
    codes = _together([start(c, t) for c, t in zip(clients, tokens, strict=True)])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2
