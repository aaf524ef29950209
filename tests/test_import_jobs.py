"""Large CSV enrolments: the whole file is checked in the request (all or nothing, every line's problem), then a job
writes it — on the process's thread, or on RQ with a real `flask worker` process — and /downloads says what it did."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app import jobs
from app.auth.models import Role, User
from app.directorate.models import Cohort, CohortMember
from app.downloads.models import PreparedDownload
from app.extensions import db
from app.outbox.models import OutboxItem
from tests.helpers import csrf_token, run_worker_burst
from tests.test_jobs import redis_url  # noqa: F401 (the fixture: a real Redis, emptied)


def _login(web, auth, email):
    client = web.test_client()
    type(auth)(client).login(email)
    return client


def _upload(client, page: str, action: str, data: bytes, **fields):
    return client.post(
        action,
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, page), "file": (io.BytesIO(data), "officers.csv"), **fields},
    )


def _officers(count: int, administration: str = "KE") -> bytes:
    lines = ["email,full_name,administration,role"]
    lines += [f"officer{i}@example.org,Officer Number{i},{administration},learner" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def _emails(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.email).where(User.email.like("officer%"))))


def _state(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(d.status, d.outcome, d.error) for d in db.session.scalars(sa.select(PreparedDownload))]


def test_a_large_people_import_is_written_by_the_thread(app, site, auth, make_administration, make_user):
    """Above IMPORT_JOB_LINES, are the accounts created by the job (not the request), each invited through the outbox,
    and does the coordinator's downloads page say how many?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    web = site(JOBS_BACKEND="thread", IMPORT_JOB_LINES=3)
    client = _login(web, auth, coordinator.email)
    response = _upload(client, "/people/import", "/people/import", _officers(5))
    assert response.status_code == 302 and response.headers["Location"].endswith("/downloads")
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    assert len(_emails(app)) == 5
    assert _state(app) == [("ready", "5 accounts created; each officer gets an invitation.", "")]
    with app.app_context():
        invitations = db.session.scalars(sa.select(OutboxItem.status).where(OutboxItem.kind == "mail")).all()
    assert invitations == ["delivered"] * 5  # the job's commit scheduled their delivery
    page = client.get("/downloads").get_data(as_text=True)
    assert "Enrolment of 5 officers from officers.csv" in page
    assert "Done: 5 accounts created; each officer gets an invitation." in page


def test_a_large_file_with_a_bad_line_is_refused_at_once(app, site, auth, make_administration, make_user):
    """Is a large file with a bad line still refused in the request, naming the line, with nothing queued or kept?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    web = site(JOBS_BACKEND="thread", IMPORT_JOB_LINES=3)
    client = _login(web, auth, coordinator.email)
    data = _officers(5) + b"not-an-email,Someone Else,KE,learner\n"
    response = _upload(client, "/people/import", "/people/import", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Line 7:" in page and "nothing was imported" in page
    assert _emails(app) == set() and _state(app) == []


def test_a_small_import_stays_in_the_request(app, site, auth, make_administration, make_user):
    """At or under IMPORT_JOB_LINES, are the accounts created by the request itself, as before?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    client = _login(site(JOBS_BACKEND="none"), auth, coordinator.email)  # no job could create them
    response = _upload(client, "/people/import", "/people/import", _officers(3))
    assert response.status_code == 302 and response.headers["Location"].endswith("/people")
    assert len(_emails(app)) == 3 and _state(app) == []


def test_a_large_cohort_import_is_written_by_the_thread(app, site, auth, project, make_user):
    """Does a large cohort file add its officers (creating and inviting the new ones) in a job, and say so?"""
    from datetime import date

    kenyan = make_user(Role.LEARNER, project["kenya"], email="officer-k@example.org")
    with app.app_context():
        cohort = Cohort(
            name="Mombasa 2026",
            administration_id=project["kenya"].id,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
        )
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
    web = site(JOBS_BACKEND="thread", IMPORT_JOB_LINES=2)
    client = _login(web, auth, project["director"].email)
    data = (
        b"email,full_name\nofficer-k@example.org,\n"
        b"officer1@example.org,Wanjiru Kamau\nofficer2@example.org,Amina Odhiambo\n"
    )
    response = _upload(client, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/import", data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/downloads")
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    with app.app_context():
        members = set(db.session.scalars(sa.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
        assert kenyan.id in members and len(members) == 3
    assert _state(app) == [("ready", "3 officers added. 2 new accounts invited.", "")]
    page = client.get("/downloads").get_data(as_text=True)
    assert "3 officers into the cohort Mombasa 2026" in page and "Done: 3 officers added." in page


def test_with_redis_a_worker_imports_or_refuses_what_changed_since(
    app,
    site,
    auth,
    make_administration,
    make_user,
    redis_url,  # noqa: F811
):
    """With REDIS_URL, does the import wait for a worker, and does a real `flask worker` refuse the whole file (every
    account or none) when an address was taken after the check, naming the line?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    web = site(REDIS_URL=redis_url, JOBS_BACKEND="rq", IMPORT_JOB_LINES=3)
    client = _login(web, auth, coordinator.email)
    assert _upload(client, "/people/import", "/people/import", _officers(5)).status_code == 302
    assert jobs.rq_counts(web)["queued"] == 1 and _emails(app) == set()
    assert "Waiting to be prepared" in client.get("/downloads").get_data(as_text=True)
    make_user(administration=kenya, email="officer3@example.org")  # taken while the job waited
    assert _worker(app, redis_url).returncode == 0
    assert _emails(app) == {"officer3@example.org"}  # nothing of the file was created
    ((status, outcome, error),) = _state(app)
    assert status == "failed" and error.startswith("Nothing was imported. Line 5: officer3@example.org already has")
    assert "Failed: Nothing was imported. Line 5:" in client.get("/downloads").get_data(as_text=True)

    again = _officers(5).replace(b"officer3", b"officer9")
    assert _upload(client, "/people/import", "/people/import", again).status_code == 302
    assert _worker(app, redis_url).returncode == 0
    assert len(_emails(app)) == 6
    assert _state(app)[-1] == ("ready", "5 accounts created; each officer gets an invitation.", "")


def _worker(app, url: str):
    done = run_worker_burst(app, url, timeout=180)
    assert done.returncode == 0, done.stderr
    return done


def test_an_import_file_is_removed_the_days_after_its_job_ran_unless_another_job_needs_it(
    app, site, auth, make_administration, make_user, runner
):
    """The file of a large import lists officers' names and addresses. Is it kept while its job may still need it,
    then removed from the Store PREPARED_DOWNLOADS_DAYS after the job ran (by `flask downloads purge`), unless a
    later upload of the same file is still waiting for its own job; and does the outcome stay on the list?"""
    import hashlib
    from datetime import timedelta

    from app.common import storage
    from app.common.storage import current_store
    from app.common.time import utcnow

    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    web = site(JOBS_BACKEND="thread", IMPORT_JOB_LINES=3)
    client = _login(web, auth, coordinator.email)
    data = _officers(5)
    assert _upload(client, "/people/import", "/people/import", data).status_code == 302
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    key = storage.key_of("imports", hashlib.sha256(data).hexdigest())

    def age(days: float) -> None:
        with app.app_context():
            db.session.execute(sa.update(PreparedDownload).values(finished_at=utcnow() - timedelta(days=days)))
            db.session.commit()

    def purge() -> str:
        result = runner.invoke(args=["downloads", "purge"])
        assert result.exit_code == 0, result.output
        return result.output

    def kept() -> bool:
        with app.app_context():
            return current_store().exists(key)

    age(6.9)
    assert "0 import file(s)" in purge() and kept()  # within the days files are kept
    age(7.1)
    with app.app_context():  # the same file uploaded again, its job not run yet
        db.session.add(
            PreparedDownload(
                user_id=coordinator.id,
                filename="",
                mimetype="",
                label="again",
                builder="app.people.importing.import_kept_file",
                params={"sha256": key.rsplit("/", 1)[1], "actor_id": coordinator.id},
                status="queued",
            )
        )
        db.session.commit()
    assert "0 import file(s)" in purge() and kept()
    with app.app_context():
        db.session.execute(sa.delete(PreparedDownload).where(PreparedDownload.label == "again"))
        db.session.commit()
    output = purge()
    assert "1 import file(s) whose jobs ran more than 7 days ago removed." in output and not kept()
    assert "0 import file(s)" in purge()  # nothing twice: the row names no file any more
    assert _state(app) == [("ready", "5 accounts created; each officer gets an invitation.", "")]
    assert "Done: 5 accounts created" in client.get("/downloads").get_data(as_text=True)
