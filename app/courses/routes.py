"""Catalogue, course pages, the lesson player, My learning, glossary and bibliography."""

import re

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.auth.forms import ConfirmForm
from app.common import storage
from app.common.database import write_transaction
from app.core.pages import kept_page
from app.courses import course_page, learning_page, lesson_page, services
from app.courses import signals as assessments
from app.courses.models import Attachment, Lesson, Reference
from app.extensions import db

bp = Blueprint("courses", __name__, template_folder="templates")


@bp.get("/catalogue")
def catalogue():
    search = request.args.get("q", "").strip()[:200]
    if current_user.is_authenticated:
        return render_template(
            "courses/catalogue.html", catalogue=services.catalogue(current_user, search), search=search
        )
    if search:
        return render_template("courses/catalogue.html", catalogue=services.catalogue(None, search), search=search)
    # The anonymous catalogue is the same page for every visitor: kept until the next publish,
    # with holes for the header and for a message waiting for this visitor (app/core/pages.py).
    return kept_page(
        lesson_page.PAGES,
        ("catalogue",),
        "courses/catalogue.html",
        lambda: {"catalogue": services.catalogue(None), "search": ""},
    )


def _course_or_404(slug: str):
    course = services.course_by_slug(slug)
    if course is None:
        abort(404)
    return course


@bp.get("/courses/<slug>")
def course(slug: str):
    # The course as kept per process (structure.py), its page as a shell (course_page.py); the visitor's rows read now.
    course = _course_or_404(slug)
    standing, missing, opened = None, [], []
    if current_user.is_authenticated:
        record = services.record_in(current_user.id, course.id)
        standing = record.standing
        missing = [] if standing else services.requirements_for(current_user, course, record)
        opened = services.courses_opened_by(record, course) if standing and standing.completed else []
    standings = assessments.standings_in(current_user.id if standing else None, course.id)
    return course_page.render(course, standing, missing, standings, opened)


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = _course_or_404(slug)
    policy.authorize("course.enrol", course)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.enrol(current_user, course)
    except services.CourseLocked as locked:
        flash(_("Complete %(courses)s first.", courses=", ".join(c.title for c in locked.missing)), "error")
        return redirect(url_for("courses.course", slug=slug))
    db.session.commit()
    flash(_("You are enrolled in %(title)s.", title=course.title), "success")
    return redirect(url_for("courses.resume", slug=slug))


@bp.get("/courses/<slug>/resume")
@login_required
def resume(slug: str):
    course = _course_or_404(slug)
    standing = services.standing_in(current_user.id, course.id)
    lessons = course.lessons
    if standing is None or not lessons:
        return redirect(url_for("courses.course", slug=slug))
    last = course.lesson_by_id(standing.last_lesson_id)
    target = last if last and last.id not in standing.done else None
    target = target or services.next_lesson(lessons, standing.done, after_id=standing.last_lesson_id)
    if target is None and not standing.completed:
        # Every required lesson is done: what is left is an assessment to pass.
        due = assessments.required_due(current_user.id, [course.id]).get(course.id)
        if due:
            return redirect(url_for("assessments.overview", slug=slug, assessment_slug=due[0].slug))
    target = target or lessons[0]
    return redirect(url_for("courses.lesson", slug=slug, lesson_slug=target.slug))


def _lesson_context(slug: str, lesson_slug: str) -> lesson_page.LessonContext:
    """The lesson's context for this visitor (404 when it is not on offer)."""
    found = lesson_page.context(current_user, slug, lesson_slug)
    if found is None:
        abort(404)
    return found


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    found = _lesson_context(slug, lesson_slug)
    if not found.may_open:
        flash(found.refusal, "info")
        return redirect(url_for("courses.course", slug=slug))
    standing = found.standing
    page = lesson_page.render(found.course, found.lesson, standing)
    if standing is not None and services.opens_anew(standing, found.lesson.id):
        with write_transaction():  # a GET that writes: see app/database.py
            services.open_lesson(current_user.id, standing.enrolment_id, found.lesson.id, course_id=found.course.id)
    return page


@bp.post("/courses/<slug>/lessons/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    found = _lesson_context(slug, lesson_slug)
    if not found.may_open:
        flash(found.refusal, "info")
        return redirect(url_for("courses.course", slug=slug))
    course, lesson = found.course, found.lesson
    if found.standing is None or not ConfirmForm().validate_on_submit():
        abort(400)
    enrolment = services.enrolment_for(current_user, course)
    finished = services.complete_lesson(current_user, enrolment, lesson)
    db.session.commit()
    if finished:
        flash(_("Congratulations: you have completed %(title)s.", title=course.title), "success")
        return redirect(url_for("courses.course", slug=slug))
    upcoming = services.next_lesson(course.lessons, found.standing.done | {lesson.id}, after_id=lesson.id)
    if upcoming is not None:
        return redirect(url_for("courses.lesson", slug=slug, lesson_slug=upcoming.slug))
    due = [] if enrolment.completed_at else assessments.required_due(current_user.id, [course.id]).get(course.id)
    if due:
        flash(
            _(
                "You have completed every lesson of %(title)s: pass its assessment to complete the course.",
                title=course.title,
            ),
            "info",
        )
        return redirect(url_for("assessments.overview", slug=slug, assessment_slug=due[0].slug))
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/attachments/<int:attachment_id>/<filename>")
@login_required
def attachment(attachment_id: int, filename: str):
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.filename != filename:
        abort(404)
    course = services.course_by_id(db.session.get(Lesson, item.lesson_id).course_id)
    if services.enrolment_for(current_user, course) is None and not policy.can(current_user, "course.preview", course):
        abort(403)
    # Always a download, never rendered by the browser in our origin.
    mimetype = storage.download_type(item.filename)  # decided again: a row stored before a fix stays safe
    return storage.current_store().send(
        storage.key_of("content", item.sha256),
        mimetype=mimetype,
        filename=item.filename,
        as_attachment=True,
        max_age=3600,
    )


@bp.get("/lesson-images/<sha256>.<kind>")
@login_required
def lesson_image(sha256: str, kind: str):
    """An image of a lesson, moved out of its page at import (render.extract_images): kept by browsers for good.

    Only image files are served here, whatever else content storage holds under a hash."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or kind not in storage.IMAGE_SIGNATURES:
        abort(404)
    key = storage.key_of("content", sha256)
    try:
        if not storage.is_image(storage.current_store().read_start(key, 12), kind):
            abort(404)
    except storage.NotStored:
        abort(404)
    # Behind a login: kept by the learner's browser (for good: the name is the hash), not by proxies.
    return storage.current_store().send(
        key, mimetype=f"image/{kind}", max_age=365 * 24 * 3600, private=True, immutable=True
    )


@bp.get("/my-learning")
@login_required
def my_learning():
    entries = services.my_learning(current_user)
    # Courses whose lessons are done but which are not complete: an assessment is what comes next.
    waiting = [
        entry.course.id
        for entry in entries
        if entry.enrolment.completed_at is None and entry.course.lessons_done(entry.enrolment.lessons_completed)
    ]
    return learning_page.render(entries, assessments.required_due(current_user.id, waiting))


@bp.get("/glossary")
def glossary():
    search = request.args.get("q", "").strip()[:100]
    language = str(get_locale())
    entries = services.glossary(language)
    names = {entry.slug: entry.term for entry in entries}
    terms = [entry for entry in entries if search.lower() in entry.term.lower()]
    return render_template("courses/glossary.html", terms=terms, names=names, search=search)


@bp.get("/bibliography")
def bibliography():
    search = request.args.get("q", "").strip()[:100]
    query = sa.select(Reference).order_by(Reference.key)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Reference.title).like(pattern),
                sa.func.lower(sa.func.coalesce(Reference.authors, "")).like(pattern),
                sa.func.lower(Reference.publisher).like(pattern),
            )
        )
    return render_template("courses/bibliography.html", references=list(db.session.scalars(query)), search=search)
