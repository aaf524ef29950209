"""A course export holds only the question banks its exporter may export; it says which it left out."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from app.assessments.models import Assessment, Question
from app.auth.models import Role
from app.authoring.models import CourseAuthor
from app.content.sync import sync
from app.courses.models import Course
from app.extensions import db
from tests.authoring.test_transfer import empty_database, upload
from tests.helpers import AuthActions

#: An answer only the prerequisite's bank holds: it must not leave with someone else's course.
SECRET_ANSWER = "Kept in the prerequisite's bank only"


@pytest.fixture
def curriculum(app, content_dir):
    """The test curriculum, its Foundation course (required by data-in-practice) given a bank of its own."""
    bank = (content_dir / "courses/data-in-practice/assessment.yml").read_text()
    bank = bank.replace("slug: final", "slug: entry-check").replace("text: Red, correct: true", "text: Red")
    bank = bank.replace("{text: Green,", f"{{text: {SECRET_ANSWER}, correct: true}}\n      - {{text: Green,", 1)
    (content_dir / "courses/intro-to-data/assessment.yml").write_text(bank)
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(manifest.read_text() + "assessments:\n  - file: assessment.yml\n")
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    return content_dir


@pytest.fixture
def author(app, client, make_user, curriculum):
    """A trainer who edits data-in-practice, and not the course it requires."""
    trainer = make_user(Role.TRAINER)
    with app.app_context():
        db.session.add(CourseAuthor(course_slug="data-in-practice", user_id=trainer.id))
        db.session.commit()
    AuthActions(client).login(trainer.email)
    return trainer


def _export(client) -> dict[str, bytes]:
    response = client.get("/author/data-in-practice/export.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_trainer_exports_their_course_without_the_banks_of_courses_not_theirs(app, client, author):
    """Does a trainer's export of their course leave out the bank (and its answers) of the course it requires,
    keep their own bank, and say so in the archive and on the page?"""
    files = _export(client)
    everything = b"".join(files.values()).decode()
    assert SECRET_ANSWER not in everything
    assert "courses/intro-to-data/assessment.yml" not in files
    assert "assessments" not in files["courses/intro-to-data/course.yml"].decode()
    assert "courses/data-in-practice/assessment.yml" in files  # their own bank goes with their course
    assert "withheld_banks:\n  - intro-to-data" in files["export-note.yml"].decode()
    page = client.get("/author/data-in-practice").get_data(as_text=True)
    assert "leaves out the question banks" in page and "Introduction to Customs data" in page


def test_staff_export_every_bank_with_no_note(app, client, make_user, curriculum):
    """Does the directorate's export of the same course hold the required course's bank, with no note?"""
    AuthActions(client).login(make_user(Role.DIRECTORATE).email)
    files = _export(client)
    assert "courses/intro-to-data/assessment.yml" in files and "export-note.yml" not in files
    assert SECRET_ANSWER in files["courses/intro-to-data/assessment.yml"].decode()
    assert "leaves out the question banks" not in client.get("/author/data-in-practice").get_data(as_text=True)


def test_an_export_without_banks_still_syncs_on_its_own(app, client, runner, author, tmp_path):
    """Does the trainer's export still rebuild both courses in an empty database (the required one without
    its assessment)?"""
    folder = tmp_path / "export"
    for name, data in _export(client).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    with app.app_context():
        empty_database()
    result = runner.invoke(args=["content", "sync", str(folder)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        courses = {c.slug: c.id for c in db.session.scalars(sa.select(Course))}
        assert set(courses) == {"intro-to-data", "data-in-practice"}
        banks = set(db.session.scalars(sa.select(Assessment.course_id)))
        assert banks == {courses["data-in-practice"]}


def test_importing_an_export_without_banks_leaves_the_required_course_whole(app, client, make_user, author):
    """When an admin imports the trainer's export here, does the required course keep its assessment?"""
    data = client.get("/author/data-in-practice/export.zip").data
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    AuthActions(client).logout()
    AuthActions(client).login(make_user(Role.ADMIN).email)
    assert upload(client, data).status_code == 302
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        assert db.session.scalar(sa.select(Assessment.slug).where(Assessment.course_id == intro.id)) == "entry-check"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == before
