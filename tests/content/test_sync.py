"""`content sync`: one transaction, idempotent, progress kept, removed lessons retired, rendered once."""

import pytest
import sqlalchemy as sa

from app.content import render
from app.content.sync import ContentError, stored_bytes, sync
from app.courses.models import Attachment, Course, Enrolment, GlossaryTerm, Lesson, LessonProgress, Reference
from app.extensions import db
from tests.helpers import StatementCounter

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_sync_imports_the_curriculum(app, content_dir):
    """Does a sync import courses, lessons (rendered), attachments, glossary and bibliography?"""
    with app.app_context():
        report = sync(content_dir)
        db.session.commit()
        assert "course intro-to-data" in report.changed
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        assert intro.required_lessons == 2  # the reading is optional
        assert [
            p.slug for p in db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice")).prerequisites
        ] == ["intro-to-data"]
        notebook = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "exploring"))
        assert "lines: 2" in notebook.html and "<td>090111</td>" in notebook.html
        assert render.DROPPED_NOTE in notebook.html
        assert [a.filename for a in notebook.attachments] == ["exploring.ipynb", "sample.csv"]
        assert stored_bytes(notebook.attachments[1].sha256).startswith(b"date,hs_code,value")
        assert _count(GlossaryTerm) == 2 and _count(Reference) == 1


def test_second_sync_writes_nothing(app, synced):
    """Does a sync with no change write nothing at all?"""
    with app.app_context():
        with StatementCounter(db.engine) as counter:
            report = sync(synced)
            db.session.commit()
        assert report.nothing_changed
        writes = [s for s in counter.statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
        assert writes == []


def test_changed_lesson_is_updated_in_place_and_progress_kept(app, synced, make_user):
    """When a lesson's text changes, is it updated in place, with learners' progress kept?"""
    learner = make_user()
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "declarations"))
        course = lesson.course
        db.session.add(Enrolment(user_id=learner.id, course_id=course.id, lessons_completed=1))
        db.session.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id, completed_at=sa.func.now()))
        db.session.commit()
        lesson_id = lesson.id
    path = synced / "courses/intro-to-data/lessons/declarations.md"
    path.write_text(path.read_text() + "\n## A new section\n\nAdded in version 1.1.\n")
    with app.app_context():
        report = sync(synced)
        db.session.commit()
        assert report.changed == ["course intro-to-data"]
        lesson = db.session.get(Lesson, lesson_id)
        assert "A new section" in lesson.html
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(LessonProgress.lesson_id == lesson_id))
        assert db.session.scalar(sa.select(Enrolment.lessons_completed)) == 1


def test_removed_lesson_is_retired_not_deleted(app, synced, make_user):
    """When a lesson leaves the content, is it retired with its history kept, and no longer counted?"""
    learner = make_user()
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "exploring"))
        db.session.add(Enrolment(user_id=learner.id, course_id=lesson.course_id, lessons_completed=1))
        db.session.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id, completed_at=sa.func.now()))
        db.session.commit()
        lesson_id = lesson.id
    manifest = synced / "courses/intro-to-data/course.yml"
    text = manifest.read_text()
    start = text.index("      - slug: exploring")
    end = text.index("  - slug: further")
    manifest.write_text(text[:start] + text[end:])
    with app.app_context():
        sync(synced)
        db.session.commit()
        lesson = db.session.get(Lesson, lesson_id)
        assert lesson is not None and lesson.retired_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 1
        assert db.session.scalar(sa.select(Course.required_lessons).where(Course.slug == "intro-to-data")) == 1
        assert db.session.scalar(sa.select(Enrolment.lessons_completed)) == 0  # the retired lesson no longer counts


def test_failed_sync_changes_nothing(app, synced):
    """Does a sync of content with a problem leave the database exactly as it was?"""
    path = synced / "courses/intro-to-data/lessons/declarations.md"
    path.write_text(path.read_text() + "\nA new sentence.\n")
    (synced / "courses/data-in-practice/lessons/indicators.md").unlink()
    with app.app_context():
        before = db.session.scalar(sa.select(Lesson.html).where(Lesson.slug == "declarations"))
        try:
            sync(synced)
        except ContentError as error:
            db.session.rollback()
            assert any("indicators.md does not exist" in str(p) for p in error.problems)
        else:
            raise AssertionError("the sync accepted broken content")
        assert db.session.scalar(sa.select(Lesson.html).where(Lesson.slug == "declarations")) == before


def test_sync_command_reports_and_exits_1(runner, content_dir, app):
    """Does `flask content sync` print file:line problems, exit 1 and import nothing?"""
    (content_dir / "catalogue.yml").write_text("tiers: []\ntracks: oops\n")
    result = runner.invoke(args=["content", "sync", str(content_dir)])
    assert result.exit_code == 1 and "catalogue.yml:" in result.output and "nothing imported" in result.output
    with app.app_context():
        assert _count(Course) == 0


def test_removed_course_is_retired(app, synced):
    """When a course folder disappears, is the course retired rather than deleted?"""
    import shutil

    shutil.rmtree(synced / "courses/data-in-practice")
    with app.app_context():
        report = sync(synced)
        db.session.commit()
        assert report.retired == ["course data-in-practice"]
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        assert course.retired_at is not None
        assert _count(Attachment) == 2


def test_active_attachments_are_stored_as_opaque_downloads(app, content_dir):
    """Is an HTML or SVG attachment stored with a type no browser renders, and a CSV with its own?"""
    (content_dir / "datasets/page.html").write_text("<script>alert(1)</script>")
    (content_dir / "datasets/chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "            title: Sample declarations (CSV)",
            "            title: Sample declarations (CSV)\n"
            "          - file: ../../datasets/page.html\n            title: A page\n"
            "          - file: ../../datasets/chart.svg\n            title: A chart",
        )
    )
    with app.app_context():
        sync(content_dir)
        db.session.commit()
        types = dict(db.session.execute(sa.select(Attachment.filename, Attachment.media_type)).all())
    assert types["page.html"] == types["chart.svg"] == "application/octet-stream"
    assert types["sample.csv"] == "text/csv"


def test_longest_lesson_title_fits_its_notebook_download(app, content_dir):
    """Does a notebook lesson with a 300-character title import (its download's title stays within 300)?"""
    manifest = content_dir / "courses/intro-to-data/course.yml"
    manifest.write_text(manifest.read_text().replace("title: Exploring a dataset", "title: " + "E" * 300))
    with app.app_context():
        sync(content_dir)
        db.session.commit()
        titles = db.session.scalars(sa.select(Attachment.title)).all()
    assert all(len(title) <= 300 for title in titles) and any(t.endswith("(Jupyter notebook)") for t in titles)
