"""Prepared downloads: a long period's export is built by a job (thread or RQ through a real Redis and a real
`flask worker` process) into the Store, listed on /downloads with its state, and fetched by its requester only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from app import jobs
from app.auth.models import Role
from app.common.storage import current_store
from app.common.time import utcnow
from app.downloads.models import PreparedDownload
from app.extensions import db
from tests.helpers import intro_cohort, post_form, run_worker_burst
from tests.test_jobs import redis_url  # noqa: F401 (the fixture: a real Redis, emptied)

LONG = "start=2020-01-01&end=2026-06-30"  # 2,373 days: more than EXPORT_JOB_DAYS (366)
SHORT = "start=2026-01-01&end=2026-06-30"


def _login(web, auth, email):
    client = web.test_client()
    type(auth)(client).login(email)
    return client


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _ask(client, fmt: str, table: str, period: str = LONG):
    """Ask for a long period's file as the overview's button does: a POST of the page's filters, with its token."""
    fields = dict(part.split("=") for part in period.split("&"))
    return post_form(client, f"/directorate?{period}", "/directorate/exports", format=fmt, table=table, **fields)


def _downloads(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (d.status, d.error) for d in db.session.scalars(sa.select(PreparedDownload).order_by(PreparedDownload.id))
        ]


def test_a_short_period_is_exported_at_once(app, site, auth, project):
    """Does a period under EXPORT_JOB_DAYS still come back as the file itself, with nothing prepared?"""
    client = _login(site(), auth, project["director"].email)
    response = client.get(f"/directorate?{SHORT}&format=csv&table=trend")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert len(_rows(response.data)) == 1 + 6
    assert _downloads(app) == []


def test_a_long_period_is_prepared_by_the_thread_and_fetched_by_its_requester(app, site, auth, project, make_user):
    """Is a long period's export built after the request (thread), listed with its state, and given only to the
    director who asked (and admins)?"""
    web = site(JOBS_BACKEND="thread")
    client = _login(web, auth, project["director"].email)
    response = _ask(client, "csv", "trend")
    assert response.status_code == 302 and response.headers["Location"].endswith("/downloads")
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    assert _downloads(app) == [("ready", "")]

    page = client.get("/downloads").get_data(as_text=True)
    assert "Overview, 2020-01-01 to 2026-06-30 (CSV)" in page and "Download overview-trend.csv" in page
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for
    with app.app_context():
        download_id = db.session.scalar(sa.select(PreparedDownload.id))
    got = client.get(f"/downloads/{download_id}")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    months = _rows(got.data)
    got.close()
    assert [m[0] for m in months[1:]][:2] == ["2020-01", "2020-02"] and months[-1][0] == "2026-06"
    assert len(months) == 1 + 78

    # Built by the job, it is the file the request would have built.
    immediate = _login(site(EXPORT_JOB_DAYS=10_000), auth, project["director"].email).get(
        f"/directorate?{LONG}&format=csv&table=trend"
    )
    assert immediate.status_code == 200 and immediate.data == got.data

    other_director = make_user(Role.DIRECTORATE)
    assert _login(web, auth, other_director.email).get(f"/downloads/{download_id}").status_code == 403
    assert "overview-trend.csv" not in _login(web, auth, other_director.email).get("/downloads").get_data(as_text=True)
    admin = make_user(Role.ADMIN)
    by_admin = _login(web, auth, admin.email).get(f"/downloads/{download_id}")
    assert by_admin.status_code == 200
    by_admin.close()


def test_asking_for_a_long_period_s_file_is_a_button_and_a_link_writes_nothing(app, site, auth, project):
    """Does a long period's overview offer its files as buttons (a POST with the page's token), does an old export
    link only show the button that asks (nothing prepared), and is a POST without the token refused?"""
    web = site(JOBS_BACKEND="none")
    client = _login(web, auth, project["director"].email)
    page = client.get(f"/directorate?{LONG}").get_data(as_text=True)
    assert 'action="/directorate/exports"' in page and 'name="csrf_token"' in page
    assert "The period is long: its files are prepared in the background" in page
    assert "format=xlsx" not in page and "format=csv" not in page  # no link asks for a file
    short = client.get(f"/directorate?{SHORT}").get_data(as_text=True)
    assert 'action="/directorate/exports"' not in short and "format=csv" in short  # a short period: plain links

    old_link = client.get(f"/directorate?{LONG}&format=csv&table=trend")
    assert old_link.status_code == 200 and "Prepare the file" in old_link.get_data(as_text=True)
    assert _downloads(app) == []
    refused = client.post("/directorate/exports", data={"start": "2020-01-01", "format": "csv", "table": "trend"})
    assert refused.status_code == 400 and _downloads(app) == []
    assert _ask(client, "csv", "trend").status_code == 302 and _downloads(app) == [("queued", "")]


def test_a_failed_export_says_why(app, site, auth, project):
    """Does an export the job cannot build show as failed, with the reason, and offer nothing to download?"""
    web = site(JOBS_BACKEND="thread")
    client = _login(web, auth, project["director"].email)
    assert _ask(client, "xlsx", "no-such-table").status_code == 302
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    assert _downloads(app)[0][0] == "failed"
    page = client.get("/downloads").get_data(as_text=True)
    assert "Failed: ValueError: No table" in page and "Download " not in page
    with app.app_context():
        download_id = db.session.scalar(sa.select(PreparedDownload.id))
    assert client.get(f"/downloads/{download_id}").status_code == 404


def test_with_redis_a_worker_prepares_the_export(app, site, auth, project, redis_url):  # noqa: F811
    """With REDIS_URL, does the export wait on the RQ queue (the page refreshing itself), and does a real
    `flask worker` process build it into the Store for the director to download?"""
    web = site(REDIS_URL=redis_url, JOBS_BACKEND="rq")
    client = _login(web, auth, project["director"].email)
    assert _ask(client, "xlsx", "all").status_code == 302
    assert jobs.rq_counts(web)["queued"] == 1
    page = client.get("/downloads").get_data(as_text=True)
    assert "Waiting to be prepared" in page and 'http-equiv="refresh"' in page
    assert "Your export or import is being prepared" in page

    worker = run_worker_burst(app, redis_url, timeout=180)
    assert worker.returncode == 0, worker.stderr
    assert _downloads(app) == [("ready", "")]
    page = client.get("/downloads").get_data(as_text=True)
    assert "Download overview.xlsx" in page
    with app.app_context():
        download_id = db.session.scalar(sa.select(PreparedDownload.id))
    got = client.get(f"/downloads/{download_id}")
    assert got.status_code == 200 and got.data[:2] == b"PK"  # an XLSX workbook (a ZIP)
    got.close()


def test_a_large_cohort_s_certificates_zip_is_prepared_by_a_job(app, site, auth, make_user, synced):
    """Above CERTIFICATES_ZIP_JOB_COUNT, is a cohort's certificates ZIP built by the job into the Store and given to
    the trainer who asked, with every member's certificate and no outsider's?"""
    import zipfile

    from app.certificates.models import Certificate
    from tests.certificates.test_certificates import _complete_intro

    member, outsider = make_user(full_name="Member"), make_user(full_name="Outsider")
    for learner in (member, outsider):
        _complete_intro(app, learner.id)
    cohort_id = intro_cohort(app, member)
    with app.app_context():
        expected = db.session.scalar(sa.select(Certificate.code).where(Certificate.user_id == member.id))
    web = site(JOBS_BACKEND="thread", CERTIFICATES_ZIP_JOB_COUNT=0)
    client = _login(web, auth, make_user(Role.TRAINER).email)
    page = client.get(f"/cohorts/{cohort_id}/certificates.zip").get_data(as_text=True)  # an old link: asks first
    assert "The cohort has 1 certificate: their ZIP is prepared in the background" in page
    assert _downloads(app) == []
    response = post_form(client, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/certificates.zip")
    assert response.status_code == 302 and response.headers["Location"].endswith("/downloads")
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    page = client.get("/downloads").get_data(as_text=True)
    assert "Certificates of the cohort Mombasa 2026 (1, ZIP)" in page
    assert f"Download cohort-{cohort_id}-certificates.zip" in page
    with app.app_context():
        download_id = db.session.scalar(sa.select(PreparedDownload.id))
    got = client.get(f"/downloads/{download_id}")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(got.data)).namelist() == [f"{expected}.pdf"]
    got.close()


def _ready_export(app, site, auth, director_email):
    """A long period's export built by the thread into the Store; returns (client, download id, its Store key)."""
    web = site(JOBS_BACKEND="thread")
    client = _login(web, auth, director_email)
    assert _ask(client, "csv", "trend").status_code == 302
    assert jobs.thread_runner(web).wait_idle(timeout=60)
    with app.app_context():
        download = db.session.scalar(sa.select(PreparedDownload))
        return client, download.id, download.key


def _age(app, download_id: int, days: float) -> None:
    """Make a download look as if it had been built `days` ago."""
    with app.app_context():
        db.session.execute(
            sa.update(PreparedDownload)
            .where(PreparedDownload.id == download_id)
            .values(finished_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def test_a_prepared_file_is_removed_from_the_store_after_the_days_it_is_kept(app, site, auth, project, runner):
    """Is a prepared file kept PREPARED_DOWNLOADS_DAYS (the page says how long), then removed from the Store by
    `flask downloads purge`, its row marked expired, listed as removed and no longer fetched?"""
    client, download_id, key = _ready_export(app, site, auth, project["director"].email)
    page = client.get("/downloads").get_data(as_text=True)
    assert "A prepared file is kept for 7 days after it is ready, then removed" in page

    _age(app, download_id, 6.9)  # within the week: kept
    result = runner.invoke(args=["downloads", "purge"])
    assert result.exit_code == 0 and "0 prepared file(s) older than 7 days removed." in result.output
    with app.app_context():
        assert current_store().exists(key)

    _age(app, download_id, 7.1)
    result = runner.invoke(args=["downloads", "purge"])
    assert result.exit_code == 0 and "1 prepared file(s) older than 7 days removed." in result.output, result.output
    with app.app_context():
        assert not current_store().exists(key)
    assert _downloads(app) == [("expired", "")]
    page = client.get("/downloads").get_data(as_text=True)
    assert "Removed: ask for it again" in page and "Download overview-trend.csv" not in page
    assert client.get(f"/downloads/{download_id}").status_code == 404
    assert runner.invoke(args=["downloads", "purge"]).output.startswith("0 prepared")  # nothing twice


def test_the_workers_sweep_removes_old_prepared_files_and_leaves_imports_outcomes(app, site, auth, project):
    """Does the periodic sweep (run by every worker) remove a file older than PREPARED_DOWNLOADS_DAYS, and leave
    an import's outcome (no file) and a failed export as they were?"""
    _client, download_id, key = _ready_export(app, site, auth, project["director"].email)
    with app.app_context():
        for status, outcome in (("ready", "5 officers added."), ("failed", "")):
            db.session.add(
                PreparedDownload(
                    user_id=project["director"].id,
                    filename="",
                    mimetype="",
                    label=status,
                    builder="x.y",
                    params={},
                    status=status,
                    outcome=outcome,
                    error="boom" if status == "failed" else "",
                    finished_at=utcnow() - timedelta(days=30),
                )
            )
        db.session.commit()
    _age(app, download_id, 8)
    with app.app_context():
        app.config["PREPARED_DOWNLOADS_DAYS"], saved = 7, app.config["PREPARED_DOWNLOADS_DAYS"]
        try:
            jobs.run_periodic()
        finally:
            app.config["PREPARED_DOWNLOADS_DAYS"] = saved
        assert not current_store().exists(key)
    assert _downloads(app) == [("expired", ""), ("ready", ""), ("failed", "boom")]


def test_the_header_links_the_exports_for_those_who_may_ask_for_them(app, client, auth, make_user):
    """Does the header link 'Exports and imports' for a coordinator, trainer, director and admin, and not for a
    learner, who never has a file prepared?"""
    link = 'href="/downloads">Exports and imports</a>'
    for role in (Role.COORDINATOR, Role.TRAINER, Role.DIRECTORATE, Role.ADMIN):
        auth.login(make_user(role).email)
        assert link in client.get("/").get_data(as_text=True), role
        auth.logout()
    auth.login(make_user().email)
    assert link not in client.get("/").get_data(as_text=True)
