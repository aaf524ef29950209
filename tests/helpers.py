"""Helpers the tests share: reading CSRF tokens and posting forms as a browser does."""

import re
from datetime import date

#: The years of the results framework's fixtures (KE-DATA runs YEAR1 to YEAR3): last year, this year and next, so
#: its tests read the same in any year (written in 2026 for 2025–2027, they broke in 2028). Dates in those tests are
#: written from these.
YEAR2 = date.today().year
YEAR1, YEAR3 = YEAR2 - 1, YEAR2 + 1

PASSWORD = "a-long-test-passphrase"

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path`, as a browser would read it."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **extra):
        token = csrf_token(self._client, "/login")
        return self._client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})

    def logout(self):
        token = csrf_token(self._client, "/account")
        return self._client.post("/logout", data={"csrf_token": token})


def post_form(client, page: str, action: str | None = None, **data):
    """Post a form the way a browser does: read the token from `page`, post to `action`."""
    data.setdefault("csrf_token", csrf_token(client, page))
    return client.post(action or page, data=data)


class StatementCounter:
    """Count the SQL statements an engine runs inside a `with` block."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


def answer_form(app, attempt_id: int, right: bool = True) -> dict:
    """The form a learner would post to answer every question of the attempt right (or wrong).

    Worked out in bank ids, then posted under the tokens the attempt's page shows for them.
    """
    from app.assessments.models import Attempt, Question
    from app.assessments.services import layout_of
    from app.extensions import db

    data: dict = {}
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        for question_id in attempt.question_ids:
            question = db.session.get(Question, question_id)
            field, spec, layout = f"q{question.id}", question.spec, layout_of(attempt, question)
            shown = {bank_id: token for token, bank_id in layout.get("choices", [])}
            left = {bank_id: token for token, bank_id in layout.get("left", layout.get("items", []))}
            right_side = {bank_id: token for token, bank_id in layout.get("right", [])}
            if question.type == "single_choice":
                data[field] = shown[next(c["id"] for c in spec["choices"] if c["correct"] == right)]
            elif question.type == "multiple_choice":
                ids = [c["id"] for c in spec["choices"] if c["correct"] == right] or [spec["choices"][0]["id"]]
                data[field] = [shown[cid] for cid in ids]
            elif question.type == "true_false":
                data[field] = "true" if spec["answer"] == right else "false"
            elif question.type == "numeric":
                data[field] = str(spec["answer"] if right else spec["answer"] + 1000)
            elif question.type == "short_text":
                data[field] = f"  {spec['accepted'][0].upper()} " if right else "something else"
            elif question.type == "ordering":
                ids = [item["id"] for item in spec["items"]]
                order = ids if right else list(reversed(ids))
                data.update({f"{field}-{left[item_id]}": str(order.index(item_id) + 1) for item_id in ids})
            elif question.type == "matching":
                ids = [item["id"] for item in spec["items"]]
                data.update(
                    {
                        f"{field}-{left[item_id]}": right_side[item_id if right else ids[(i + 1) % len(ids)]]
                        for i, item_id in enumerate(ids)
                    }
                )
    return data


def change_assessments(app, **values) -> None:
    """Change every assessment's settings as a publish would: the rows, and the curriculum's fingerprint moved
    (a course's updated_at), so what each process keeps of them (app/assessments/bank.py) goes stale."""
    import sqlalchemy as sa

    from app.assessments.models import Assessment
    from app.common.time import utcnow
    from app.courses.models import Course
    from app.extensions import db

    with app.app_context():
        db.session.execute(sa.update(Assessment).values(**values))
        db.session.execute(sa.update(Course).values(updated_at=utcnow()))
        db.session.commit()


PRACTICE = "/courses/data-in-practice"
ASSESSMENT = f"{PRACTICE}/assessments/final"


def deliver_outbox(app) -> int:
    """Deliver what the outbox holds (mail is logged without a MAIL_SERVER), as a worker would after the commit."""
    from app.outbox import deliver_due

    with app.app_context():
        return deliver_due()


def run_worker_burst(app, redis_url: str, timeout: int = 180):
    """Run a real RQ worker (`flask --app wsgi worker --burst`) on the app's database and store until its queue is
    empty; returns the finished process (its stdout and stderr carry what it logged)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "REDIS_URL": redis_url,
        "MAIL_SERVER": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def intro_cohort(app, member, name: str = "Mombasa 2026") -> int:
    """A cohort of the member's administration on "Introduction to Customs data", the member in it; its id."""
    import sqlalchemy as sa

    from app.courses.models import Course
    from app.directorate.models import Cohort, CohortMember
    from app.extensions import db

    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        cohort = Cohort(
            name=name,
            administration_id=member.administration_id,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            courses=[intro],
        )
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id))
        db.session.commit()
        return cohort.id
