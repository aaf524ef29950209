"""In chromium: a trainer exports their course and is told whose question bank stays behind; an admin uploads a
damaged export and is told which file is wrong."""

import io
import zipfile

import pytest

from app.auth.models import Role
from app.authoring.models import CourseAuthor
from app.extensions import db
from tests.authoring.test_export_banks import SECRET_ANSWER, curriculum  # noqa: F401 (a fixture)
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.storage]  # storage: CI runs it on S3 too


def test_a_trainer_exports_a_course_and_an_admin_imports_a_damaged_copy(app, page, make_user, curriculum):  # noqa: F811
    """Can a trainer export the course they edit from the editor, learning on the page and in the archive that
    the required course's bank is left out; and is an admin who uploads a copy with a damaged file told which?"""
    trainer = make_user(Role.TRAINER, full_name="Tomás Trainer")
    with app.app_context():
        db.session.add(CourseAuthor(course_slug="data-in-practice", user_id=trainer.id))
        db.session.commit()

    log_in(page, trainer.email)
    page.get_by_role("link", name="Course editor").click()
    page.get_by_role("link", name="Customs data in practice").click()
    note = page.locator("#export-withheld")
    assert "leaves out the question banks" in note.inner_text()
    assert "Introduction to Customs data" in note.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export (.zip)").click()
    exported = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert "intro-to-data" in files["export-note.yml"].decode()
    assert SECRET_ANSWER.encode() not in b"".join(files.values())
    page.get_by_role("button", name="Log out").click()

    # The admin receives the export with one lesson damaged on the way (its stored bytes changed).
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    data = bytearray(damaged.getvalue())
    lesson = files["courses/data-in-practice/lessons/indicators.md"]
    data[data.index(lesson) + 10] ^= 0x01
    path = download.value.path().with_name("damaged.zip")  # the file the admin picks from disk
    path.write_bytes(bytes(data))

    log_in(page, make_user(Role.ADMIN).email)
    page.get_by_role("link", name="Course editor").click()
    page.get_by_role("link", name="Import a course (.zip)").click()
    page.get_by_label("Course export (.zip)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    problems = page.get_by_text("Nothing was imported").locator("..")
    text = problems.inner_text()
    assert "courses/data-in-practice/lessons/indicators.md: damaged in the archive" in text, text
