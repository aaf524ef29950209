"""Count the SQL statements each benchmarked request runs, in-process, with Flask's test client.

    DATABASE_URL=... STORAGE_DIR=... SECRET_KEY=... python bench/count.py facts.json

Each page is requested once to warm up (a first visit may record something, e.g. the lesson
page notes the learner opened it) and counted on the second request, which is what the load
test repeats. The exam's writes (start, save, submit) are counted once, for the learner kept
for this ("bench.counter"), who answers rightly, so the submit completes the course and
issues its certificates. Prints {request: statements} as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from client import csrf_from, on_page, question_ids  # noqa: E402

from app.common import storage  # noqa: E402


class Counter:
    def __init__(self, engine) -> None:
        self.engine, self.statements = engine, []

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def __enter__(self):
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def main() -> None:
    facts = json.loads(Path(sys.argv[1]).read_text())
    from app import create_app
    from app.extensions import db

    # Production settings, but plain-HTTP cookies: the test client speaks http://localhost.
    app = create_app({"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    counts: dict[str, int] = {}
    statements: dict[str, list[str]] = {}
    with app.app_context():
        engine = db.engine

    def login(client, email):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        reply = client.post("/login", data={"csrf_token": token, "email": email, "password": facts["password"]})
        assert reply.status_code == 302, f"login of {email}: {reply.status_code}"

    def count(name, client, method, path, expect, warm=True, **kwargs):
        if warm:
            client.open(path, method=method, **kwargs)
        with Counter(engine) as counter:
            reply = client.open(path, method=method, **kwargs)
        assert reply.status_code == expect, f"{name}: HTTP {reply.status_code}, expected {expect}"
        counts[name] = len(counter.statements)
        statements[name] = counter.statements
        return reply

    course, lesson = facts["course"], facts["notebook_lesson"]
    anonymous = app.test_client()
    count("/healthz", anonymous, "GET", "/healthz", 200)
    count("/catalogue (anonymous)", anonymous, "GET", "/catalogue", 200)

    learner = app.test_client()
    login(learner, facts["page_learners"][1])
    count("course page", learner, "GET", f"/courses/{course}", 200)
    count("lesson page (notebook)", learner, "GET", f"/courses/{course}/lessons/{lesson}", 200)
    count("/my-learning", learner, "GET", "/my-learning", 200)

    owner = app.test_client()
    login(owner, facts["page_learners"][0])
    code = facts["certificate"]
    with app.app_context():
        store, key = storage.current_store(), f"certificates/{code}.pdf"
        if not store.exists(key):  # the reference academy has no rendered PDF: the statements are the same
            store.put(key, b"%PDF-1.4\n% placeholder for counting statements\n")
    count("certificate download", owner, "GET", f"/certificates/{code}.pdf", 200)

    director = app.test_client()
    login(director, facts["directorate"])
    count("/directorate", director, "GET", "/directorate", 200)
    count("/projects/<code>", director, "GET", f"/projects/{facts['project']}", 200)

    exam = app.test_client()
    login(exam, facts["counter"])
    overview = f"/courses/{course}/assessments/{facts['assessment']}"
    page = count("exam: assessment page", exam, "GET", overview, 200)
    token = csrf_from(page.get_data(as_text=True))
    started = count("exam: start", exam, "POST", overview + "/start", 302, warm=False, data={"csrf_token": token})
    attempt = started.headers["Location"]
    page = count("exam: attempt page", exam, "GET", attempt, 200)
    html = page.get_data(as_text=True)
    token, questions = csrf_from(html), question_ids(html)
    key = facts["answer_key"]
    first = MultiDict(on_page(html, questions[0], key[str(questions[0])]["right"], key[str(questions[0])]["labels"]))
    count(
        "exam: save an answer",
        exam,
        "POST",
        attempt + "/autosave",
        200,
        data=first,
        headers={"X-CSRFToken": token},
    )
    every = MultiDict(
        [pair for qid in questions for pair in on_page(html, qid, key[str(qid)]["right"], key[str(qid)]["labels"])]
    )
    every.add("csrf_token", token)
    every.add("action", "submit")
    count(
        "exam: submit (passes, issues certificates)",
        exam,
        "POST",
        attempt,
        302,
        warm=False,
        data=every,
    )
    json.dump({"counts": counts, "statements": statements}, sys.stdout)


if __name__ == "__main__":
    main()
