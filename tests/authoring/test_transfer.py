"""Export to the content format and back: the round trip gives the same course; imports are checked whole."""

import io
import shutil
import zipfile

import pytest
import sqlalchemy as sa

from app.assessments.models import Assessment, Question
from app.auth.models import Role
from app.courses.models import Course, CourseVersion, GlossaryTerm, Lesson, Module
from app.extensions import db
from tests.helpers import AuthActions, csrf_token

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too


def snapshot(slug: str) -> dict:
    """Everything a learner or a report sees of a course, without database ids."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    fields = ("slug", "title", "summary", "description_html", "objectives", "estimated_hours", "language", "version")
    modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id).order_by(Module.position))
    lessons = db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    assessments = db.session.scalars(sa.select(Assessment).where(Assessment.course_id == course.id))
    return {
        **{name: getattr(course, name) for name in fields},
        "track": course.track.slug,
        "tier": course.tier.slug,
        "required_lessons": course.required_lessons,
        "content_hash": course.content_hash,
        "prerequisites": sorted(p.slug for p in course.prerequisites),
        "modules": [(m.slug, m.title, m.position, m.retired_at) for m in modules],
        "lessons": [
            (
                lesson.slug,
                lesson.module.slug,
                lesson.title,
                lesson.kind,
                lesson.position,
                lesson.minutes,
                lesson.optional,
                lesson.url,
                lesson.html,
                lesson.search_text,
                [(a.title, a.filename, a.media_type, a.size, a.sha256, a.position) for a in lesson.attachments],
            )  # fmt: skip
            for lesson in lessons
        ],
        "assessments": [
            (
                a.slug,
                a.title,
                a.pass_mark,
                a.max_attempts,
                a.time_limit_minutes,
                a.draw,
                a.shuffle_questions,
                a.shuffle_choices,
                a.review,
                a.required,
                a.position,
                [
                    (q.key, q.type, q.text_html, q.points, q.explanation_html, q.spec, q.position)
                    for q in db.session.scalars(
                        sa.select(Question).where(Question.assessment_id == a.id).order_by(Question.position)
                    )
                ],
            )  # fmt: skip
            for a in assessments
        ],
    }


def empty_database() -> None:
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_export_then_sync_into_an_empty_database_gives_the_same_course(app, runner, synced, tmp_path):
    """Does `content export` write a folder that `content sync` turns back into the very same course?"""
    with app.app_context():
        before = {slug: snapshot(slug) for slug in ("data-in-practice", "intro-to-data")}
        glossary = sorted(db.session.scalars(sa.select(GlossaryTerm.slug)))
    result = runner.invoke(args=["content", "export", "data-in-practice", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "export" / "courses" / "data-in-practice" / "course.yml").is_file()
    assert (tmp_path / "export" / "courses" / "intro-to-data" / "course.yml").is_file()  # its prerequisite

    with app.app_context():
        empty_database()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    result = runner.invoke(args=["content", "sync", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = {slug: snapshot(slug) for slug in ("data-in-practice", "intro-to-data")}
        assert after == before
        assert sorted(db.session.scalars(sa.select(GlossaryTerm.slug))) == glossary


def test_export_refuses_a_folder_that_is_not_empty(runner, synced, tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "notes.txt").write_text("mine")
    result = runner.invoke(args=["content", "export", "intro-to-data", str(tmp_path / "export")])
    assert result.exit_code != 0 and "not empty" in result.output


@pytest.fixture
def admin(client, make_user, synced):
    user = make_user(Role.ADMIN)
    AuthActions(client).login(user.email)
    return user


def upload(client, data: bytes, name: str = "course.zip"):
    return client.post(
        "/author/import",
        data={"csrf_token": csrf_token(client, "/author/import"), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_browser_export_imported_by_an_admin_gives_the_same_course(app, client, admin):
    """Does the editor's ZIP, uploaded into an empty curriculum, publish the same course as a new version?"""
    exported = client.get("/author/data-in-practice/export.zip")
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with app.app_context():
        before = snapshot("data-in-practice")
        db.session.execute(sa.delete(Course).where(Course.slug == "data-in-practice"))
        db.session.commit()
    response = upload(client, exported.data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert snapshot("data-in-practice") == before
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        version = db.session.scalar(sa.select(CourseVersion).where(CourseVersion.course_id == course.id))
        assert (course.origin, version.source, version.published_by_id) == ("browser", "import", admin.id)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is not really a zip", "not a ZIP file"),
        (zipped({"../../etc/evil.yml": b"x"}), "a path outside the export"),
        (zipped({"courses/x/course.yml": b"slug: x\ntitle: [unclosed\n"}), "courses/x/course.yml:3: invalid YAML"),
        (zipped({"notes.txt": b"hello"}), "no course folder"),
    ],
)
def test_a_bad_upload_is_refused_with_the_problem_named_and_nothing_changed(app, client, admin, data, message):
    with app.app_context():
        before = snapshot("data-in-practice"), db.session.scalar(sa.select(sa.func.count()).select_from(Course))
    response = upload(client, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert (snapshot("data-in-practice"), db.session.scalar(sa.select(sa.func.count()).select_from(Course))) == (
            before
        )


def test_only_admins_import(client, make_user, synced):
    trainer = make_user(Role.TRAINER)
    AuthActions(client).login(trainer.email)
    assert client.get("/author/import").status_code == 403


def test_content_sync_leaves_a_course_maintained_in_the_browser_alone(app, runner, synced, admin, client):
    """Once a course is published from the browser, does `content sync` keep it (and --take-back replace it)?"""
    assert upload(client, client.get("/author/intro-to-data/export.zip").data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Course.origin).where(Course.slug == "intro-to-data")) == "browser"
    manifest = synced / "courses" / "intro-to-data" / "course.yml"
    manifest.write_text(manifest.read_text().replace("Introduction to Customs data", "Changed in the files"))

    result = runner.invoke(args=["content", "sync", str(synced)])
    assert result.exit_code == 0 and "kept course intro-to-data" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Course.title).where(Course.slug == "intro-to-data")) == (
            "Introduction to Customs data"
        )

    result = runner.invoke(args=["content", "sync", "--take-back", str(synced)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        assert (course.title, course.origin) == ("Changed in the files", "files")


def test_a_course_missing_from_content_is_retired_only_when_maintained_there(app, runner, synced, client, admin):
    """Is a browser-made course never retired by a sync of content/ that does not hold it?"""
    exported = client.get("/author/data-in-practice/export.zip").data
    with app.app_context():
        db.session.execute(sa.delete(Course).where(Course.slug == "data-in-practice"))
        db.session.commit()
    shutil.rmtree(synced / "courses" / "data-in-practice")
    assert upload(client, exported).status_code == 302  # now maintained in the browser
    result = runner.invoke(args=["content", "sync", str(synced)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Course.retired_at).where(Course.slug == "data-in-practice")) is None
