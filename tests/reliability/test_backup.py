"""Backups: `flask backup` copies a live SQLite database consistently, PostgreSQL with pg_dump, and the
stored files (a folder, or the object store with TEST_STORAGE=s3) into an archive.

A backup is only as good as its restore, so the main test restores one with `flask restore` into
empty services (an empty database, an empty folder or bucket), compares every row of every table
and every stored file, then serves pages from it.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.assessments.models import Attempt
from app.auth.models import Administration, User
from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.common import storage
from app.courses import services as courses
from app.courses.models import Attachment, Course, Lesson
from app.extensions import db
from tests.helpers import ASSESSMENT, answer_form, csrf_token, post_form
from tests.reliability.databases import create_scratch_database, differences, drop_scratch_database, table_rows

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too

SECRET = "test-secret-key-not-for-production"

#: Tables the activity below must fill, or the comparison proves little.
FILLED = {
    "administrations",
    "users",
    "courses",
    "lessons",
    "attachments",
    "enrolments",
    "lesson_progress",
    "assessments",
    "questions",
    "attempts",
    "responses",
    "certificates",
    "projects",
    "project_administrations",
    "project_courses",
    "audit_entries",
}


def _restored_app(url: str, folder: Path, storage_url: str | None = None):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_DIR": str(folder),
            "STORAGE_URL": storage_url,
            "PUBLIC_URL": "http://academy.test",
        }
    )


def _empty_storage_url(app) -> str | None:
    """Where the restore puts the files: a new prefix of the bucket when the suite runs on S3, else a folder."""
    url = app.config.get("STORAGE_URL")
    return f"{url.rstrip('/')}-restored-{uuid.uuid4().hex[:8]}" if url else None


def _activity(app, client, auth, learner, project) -> tuple[str, str]:
    """What a few days of use leave behind: a passed attempt and its certificates, an open attempt, a revocation.

    Returns the codes of a valid certificate and of the revoked one.
    """
    with app.app_context():
        user = db.session.get(User, learner.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        enrolment = courses.enrolment_for(user, course)
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id)):
            courses.complete_lesson(user, enrolment, lesson)
        db.session.commit()
    auth.login(learner.email)
    for right, action in ((True, "submit"), (False, "save")):
        started = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
        attempt_id = int(started.location.rsplit("/", 1)[1])
        form = {**answer_form(app, attempt_id, right=right), "action": action}
        answered = client.post(f"/attempts/{attempt_id}", data={**form, "csrf_token": csrf_token(client, ASSESSMENT)})
        assert answered.status_code == 302, answered.get_data(as_text=True)
    with app.app_context():
        issued = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        assert [c.kind for c in issued] == ["course", "tier", "course", "tier"]  # Foundation, then Practitioner
        for certificate in issued[:3]:
            certificates.ensure_pdf(certificate)  # downloaded once: the backup must carry these PDFs
        certificates.revoke(
            issued[1], reason="Issued in error.", revoked_by=db.session.get(User, project["director"].id)
        )
        db.session.commit()
        statuses = db.session.execute(sa.select(Attempt.status, Attempt.passed).order_by(Attempt.id)).all()
        assert statuses == [("submitted", True), ("open", None)]
        return issued[2].code, issued[1].code


def _backup_sqlite(runner, tmp_path: Path) -> Path:
    """`flask backup --with-storage` on SQLite: a checked copy and the stored files' archive."""
    backup = tmp_path / "academy-backup.sqlite"
    result = runner.invoke(args=["backup", str(backup), "--with-storage"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^Backed up .* to .*academy-backup\.sqlite \(\d+\.\d [KM]iB\)\.$", result.output, re.M), (
        result.output
    )
    assert re.search(r"^  certificates\s+4 row\(s\)$", result.output, re.M), result.output
    assert re.search(r"^  attempts\s+2 row\(s\)$", result.output, re.M), result.output
    assert re.search(r"^Archived \d+ stored file\(s\) of ", result.output, re.M), result.output
    assert not list(tmp_path.glob("*.part"))
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return backup


def _backup_postgresql(runner, tmp_path: Path) -> Path:
    """`flask backup --with-storage` on PostgreSQL: pg_dump's custom format and the stored files' archive."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
    dump = tmp_path / "academy.dump"
    result = runner.invoke(args=["backup", str(dump), "--with-storage"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^Backed up the PostgreSQL database .* to .*academy\.dump \(", result.output, re.M)
    assert re.search(r"^  \d+ table\(s\), pg_dump's custom format", result.output, re.M), result.output
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert dump.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    assert not list(tmp_path.glob("*.part"))
    return dump


def _restore(backup: Path, url: str, folder: Path, storage_url: str | None):
    """`flask restore PATH --with-storage` into an empty database and an empty store; the restored app."""
    restored = _restored_app(url, folder, storage_url)
    result = restored.test_cli_runner().invoke(args=["restore", str(backup), "--with-storage"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^Restored \d+ stored file\(s\) from .* into ", result.output, re.M), result.output
    return restored


def test_a_restored_backup_holds_every_row_and_serves(app, client, auth, runner, ready_learner, project, tmp_path):
    """Restored from a backup (SQLite: `flask backup`; PostgreSQL: pg_dump), is every row of every table there?"""
    valid, revoked = _activity(app, client, auth, ready_learner, project)
    with app.app_context(), db.engine.connect() as connection:
        original = table_rows(connection)
        dialect = db.engine.dialect.name
    empty = sorted(name for name in FILLED if not original.get(name))
    assert not empty, f"nothing to compare in {empty}"

    with app.app_context():
        stored = {key: storage.current_store().open(key) for key in storage.current_store().list_keys()}
    scratch: list = []
    restored = None
    try:
        if dialect == "sqlite":
            backup, url = _backup_sqlite(runner, tmp_path), f"sqlite:///{tmp_path / 'restored.sqlite'}"
        else:
            backup = _backup_postgresql(runner, tmp_path)
            url, admin = create_scratch_database(app.config["SQLALCHEMY_DATABASE_URI"], "academy_restore")
            scratch.append((url, admin))
        restored = _restore(backup, url, tmp_path / "restored-storage", _empty_storage_url(app))
        with restored.app_context():
            with db.engine.connect() as connection:
                copy = table_rows(connection)
            assert copy.keys() == original.keys() == set(db.metadata.tables) | {"alembic_version"}
            assert differences(original, copy) == []
            assert copy == original
            # The stored files came back too: every certificate's PDF rendered so far (the others are made at
            # their first download), every content file.
            rendered = db.session.scalars(sa.select(Certificate).where(Certificate.pdf_sha256.is_not(None))).all()
            assert len(rendered) == 3
            store = storage.current_store()
            for certificate in rendered:
                pdf = store.open(certificates.storage_key(certificate))
                assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
            for attachment in db.session.scalars(sa.select(Attachment)):
                assert store.exists(storage.key_of("content", attachment.sha256))
            assert {key: store.open(key) for key in store.list_keys()} == stored  # every file, byte for byte
            # Writes carry on after the restore (PostgreSQL's sequences came back with the rows).
            db.session.add(Administration(code="ZZ", name="Added after the restore"))
            db.session.commit()
        visitor = restored.test_client()
        for code, says in ((valid, "Valid."), (revoked, "Revoked on")):
            page = visitor.get(f"/verify/{code}")
            assert page.status_code == 200 and says in page.get_data(as_text=True)
        learner = restored.test_client()
        post_form(learner, "/login", email=ready_learner.email, password="a-long-test-passphrase")
        assert valid in learner.get("/certificates").get_data(as_text=True)
    finally:
        if restored is not None:
            with restored.app_context():
                db.engine.dispose()
        for url, admin in scratch:
            drop_scratch_database(url, admin)


def test_restore_goes_into_empty_services_only(sqlite_app, tmp_path):
    """Does `flask restore` refuse a database that has tables and a store that has files, leaving both as they were?"""
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup), "--with-storage"]).exit_code == 0
    with sqlite_app.app_context(), db.engine.connect() as connection:
        before = table_rows(connection)
    refused = runner.invoke(args=["restore", str(backup)])
    assert refused.exit_code == 1 and "already holds tables; restore into an empty database" in refused.output
    with sqlite_app.app_context(), db.engine.connect() as connection:
        assert table_rows(connection) == before

    elsewhere = _restored_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path / "full-storage")
    with elsewhere.app_context():
        storage.current_store().put("certificates/KEEP.pdf", b"%PDF kept")
    refused = elsewhere.test_cli_runner().invoke(args=["restore", str(backup), "--with-storage"])
    assert refused.exit_code == 1 and "already holds files; restore into an empty store" in refused.output
    assert not (tmp_path / "empty.sqlite").exists() or (tmp_path / "empty.sqlite").stat().st_size == 0
    with elsewhere.app_context():
        assert list(storage.current_store().list_keys()) == ["certificates/KEEP.pdf"]

    not_a_backup = tmp_path / "notes.sqlite"
    not_a_backup.write_bytes(b"these are notes, not a database")
    fresh = _restored_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path / "fresh-storage")
    wrong = fresh.test_cli_runner().invoke(args=["restore", str(not_a_backup)])
    assert wrong.exit_code == 1 and "is not a SQLite backup" in wrong.output


@pytest.fixture
def sqlite_app(tmp_path):
    """An app of its own on a migrated SQLite file (whatever database the suite runs on)."""
    app = _restored_app(f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path / "storage")
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_backup_never_overwrites_without_force(sqlite_app, tmp_path):
    """Does a backup refuse an existing file (unless --force) and the live database itself, and leave no part file?"""
    runner = sqlite_app.test_cli_runner()
    path = tmp_path / "backup.sqlite"
    path.write_bytes(b"yesterday's backup")
    refused = runner.invoke(args=["backup", str(path)])
    assert refused.exit_code == 1 and "exists (add --force to replace it)" in refused.output
    assert path.read_bytes() == b"yesterday's backup"

    replaced = runner.invoke(args=["backup", str(path), "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert "alembic_version" in replaced.output and "Back up" in replaced.output  # the reminder about STORAGE_DIR
    assert sqlite3.connect(path).execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    assert path.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    assert not list(tmp_path.glob("*.part"))

    live = runner.invoke(args=["backup", str(tmp_path / "live.sqlite"), "--force"])
    assert live.exit_code == 1 and "is the live database itself" in live.output
    missing = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "backup.sqlite")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_backup_of_an_in_memory_database_is_refused(tmp_path):
    """Does the command refuse a database that has no file, instead of writing an empty copy?"""
    app = _restored_app("sqlite://", tmp_path / "storage")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.sqlite")])
    assert result.exit_code == 1 and "in memory" in result.output
    assert not (tmp_path / "backup.sqlite").exists()


def test_a_backup_taken_while_the_site_writes_is_a_consistent_snapshot(sqlite_app, tmp_path):
    """While writers commit pairs of rows, does every backup pass its integrity check and hold whole pairs only?"""
    live = tmp_path / "live.sqlite"
    stop, written = threading.Event(), []

    def write_pairs():
        connection = sqlite3.connect(live, isolation_level=None, timeout=30)
        connection.execute("PRAGMA busy_timeout = 30000")
        n = 0
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            for half in ("a", "b"):
                connection.execute(
                    "INSERT INTO content_sources (name, sha256) VALUES (?, ?)", (f"{n}-{half}", "0" * 64)
                )
            connection.execute("COMMIT")
            n += 1
            written.append(n)
        connection.close()

    writer = threading.Thread(target=write_pairs)
    writer.start()
    while len(written) < 10 and writer.is_alive():
        time.sleep(0.01)
    runner = sqlite_app.test_cli_runner()
    try:
        counts = []
        for number in range(3):
            path = tmp_path / f"backup-{number}.sqlite"
            result = runner.invoke(args=["backup", str(path)])
            assert result.exit_code == 0, result.output
            copy = sqlite3.connect(path)
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            counts.append(copy.execute("SELECT count(*) FROM content_sources").fetchone()[0])
            copy.close()
    finally:
        stop.set()
        writer.join(timeout=30)
    assert all(count % 2 == 0 for count in counts), counts  # never half a transaction
    assert counts[-1] > 0 and len(written) > counts[-1] // 2  # the writer was busy before and after
