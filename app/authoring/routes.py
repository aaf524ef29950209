"""The course editor: the courses a trainer authors, their drafts, details, publishing and authors.

This module holds the blueprint and the helpers its other route modules share: outline_routes.py
(modules and lessons), question_routes.py (the question bank) and transfer_routes.py (export and
import). Every change posts the draft revision its page showed (see drafts.save); every page works
without JavaScript, and app/static/js/editor.js adds a live preview and drag-to-reorder.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import policy
from app.assessments import services as assessment_services
from app.auth.api import Role, User
from app.authoring import drafts, editing, questions, transfer
from app.authoring.drafts import DraftError
from app.authoring.forms import (
    AuthorForm,
    DetailsForm,
    DraftForm,
    ModuleForm,
    NewCourseForm,
    PublishForm,
)
from app.authoring.models import CourseAuthor, CourseDraft
from app.authoring.problems import explain
from app.content.sync import ContentError
from app.courses.api import Course, CourseVersion, Tier, Track
from app.extensions import db

bp = Blueprint("authoring", __name__, template_folder="templates", url_prefix="/author")

#: Short names a new course cannot take: they are the editor's own pages (/author/new, /author/import).
RESERVED = {"new", "import"}


# Finding what the user may edit ------------------------------------------------------------


def editable(slug: str) -> None:
    """Stop the request unless the current user may edit the course `slug`."""
    policy.authorize("course.edit", drafts.authorship(slug))


def draft_or_404(slug: str) -> CourseDraft:
    editable(slug)
    draft = drafts.draft_of(slug)
    if draft is None:
        abort(404)
    return draft


def published_or_404(slug: str) -> Course:
    """The published course `slug`, if the current user may edit it."""
    editable(slug)
    published = course_or_none(slug)
    if published is None:
        abort(404)
    return published


def draft_or_gone(slug: str) -> CourseDraft:
    """The draft a publish or discard button was pressed on; DraftError if someone closed it meanwhile."""
    editable(slug)
    draft = drafts.draft_of(slug)
    if draft is None:
        raise DraftError(drafts.gone())
    return draft


def course_or_none(slug: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def saving(view):
    """Run a change: DraftError rolls back and is shown; success commits. Back to the course page."""

    @functools.wraps(view)
    def run(slug: str, *args, **kwargs):
        try:
            result = view(slug, *args, **kwargs)
        except ContentError as error:
            db.session.rollback()
            flash_problems(slug, error.problems)
            return back(slug)
        except DraftError as error:
            db.session.rollback()
            flash(str(error), "error")
            return back(slug)
        db.session.commit()
        return result

    return run


def flash_problems(slug: str, problems) -> None:
    document = draft_document(slug) if problems else None  # read once, not once per problem
    shown = [explain(problem, slug, document) for problem in problems[:20]]
    more = len(problems) - len(shown)
    lines = [str(problem) for problem in shown] + ([_("…and %(count)d more.", count=more)] if more else [])
    summary = ngettext(
        "Nothing was published: %(num)d problem.", "Nothing was published: %(num)d problems.", len(problems)
    )
    flash(summary + "\n" + "\n".join(lines), "error")


def draft_document(slug: str) -> dict | None:
    """The draft's course.yml, to name modules in messages; None when there is no readable one."""
    draft = drafts.draft_of(slug)
    try:
        return drafts.manifest(draft) if draft is not None else None
    except DraftError:
        return None


def back(slug: str):
    """Back to the editor page the form was on (errors are shown there), else the course's page."""
    referrer = request.referrer or ""
    root = request.host_url.rstrip("/") + bp.url_prefix + "/"
    return redirect(referrer if referrer.startswith(root) else url_for("authoring.course", slug=slug))


def _trainer_choices(form: AuthorForm) -> None:
    """The trainers a course can be assigned to: the active ones."""
    trainers = db.session.scalars(
        sa.select(User).where(User.role == Role.TRAINER, User.active.is_(True)).order_by(User.full_name)
    )
    form.user.choices = [SelectChoice(u.id, f"{u.full_name} ({u.email})") for u in trainers]


def _catalogue_choices(form) -> None:
    form.track.choices = [
        SelectChoice(t.slug, t.title) for t in db.session.scalars(sa.select(Track).order_by(Track.position))
    ]
    form.tier.choices = [SelectChoice(t.slug, t.title) for t in db.session.scalars(sa.select(Tier).order_by(Tier.rank))]


# Courses -----------------------------------------------------------------------------------


@bp.get("")
@login_required
def courses():
    """Courses the user may edit, with their drafts."""
    policy.authorize("course.create")
    all_courses = db.session.scalars(sa.select(Course).order_by(Course.title)).all()
    all_drafts = {d.slug: d for d in db.session.scalars(sa.select(CourseDraft))}
    if policy.is_staff(current_user):
        mine = None
    else:
        mine = set(
            db.session.scalars(sa.select(CourseAuthor.course_slug).where(CourseAuthor.user_id == current_user.id))
        )
    listed = [c for c in all_courses if mine is None or c.slug in mine]
    new_drafts = [d for slug, d in all_drafts.items() if d.course_id is None and (mine is None or slug in mine)]
    revisions = dict(
        db.session.execute(
            sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number)).group_by(CourseVersion.course_id)
        ).all()
    )
    return render_template(
        "authoring/courses.html",
        courses=listed,
        drafts=all_drafts,
        revisions=revisions,
        new_drafts=[(d, draft_title(d)) for d in new_drafts],
        may_import=policy.can(current_user, "course.import"),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    policy.authorize("course.create")
    form = NewCourseForm()
    _catalogue_choices(form)
    if form.validate_on_submit():
        try:
            slug = editing.check_slug(form.slug.data or editing.slugify(form.title.data), "course")
            if slug in RESERVED:
                raise DraftError(_("%(slug)s is the name of an editor page: choose another short name.", slug=slug))
            draft = drafts.new_course(
                slug, form.title.data.strip(), form.track.data, form.tier.data, form.summary.data.strip(), current_user
            )
        except DraftError as error:
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Draft created. Add lessons, then publish it."), "success")
            return redirect(url_for("authoring.course", slug=draft.slug))
    return render_template("authoring/new.html", form=form)


@bp.get("/<slug>")
@login_required
def course(slug: str):
    """A course in the editor: its draft (if any), published versions, authors."""
    editable(slug)
    published = course_or_none(slug)
    draft = drafts.draft_of(slug)
    if published is None and draft is None:
        abort(404)
    document = problems = warnings = None
    if draft is not None:
        try:
            document = drafts.manifest(draft)
        except DraftError as error:
            flash(str(error), "error")
        problems = [explain(problem, slug, document) for problem in drafts.problems(draft)]
        warnings = [explain(warning, slug, document) for warning in drafts.warnings(draft)]
    author_form = AuthorForm()
    if policy.can(current_user, "course.assign_authors"):
        _trainer_choices(author_form)
    versions = drafts.versions_of(published) if published else []
    track_titles, tier_titles = catalogue_titles()
    return render_template(
        "authoring/course.html",
        slug=slug,
        published=published,
        latest=versions[0] if versions else None,
        draft=draft,
        document=document,
        problems=problems,
        warnings=warnings,
        assessments=[found.document for found in questions.assessments_of(draft, document)] if document else [],
        results=assessment_services.assessments_of(published) if published else [],
        versions=versions,
        withheld=transfer.withheld_banks(published, current_user) if published else [],
        authors=drafts.authors_of(slug),
        author_form=author_form,
        track_titles=track_titles,
        tier_titles=tier_titles,
        course_titles=course_titles(document.get("prerequisites") or []) if document else {},
        module_form=ModuleForm(formdata=None, revision=draft.revision if draft else 0),
        publish_form=publish_form(draft, document),
        revision_form=DraftForm(formdata=None, revision=draft.revision if draft else 0),
    )


def catalogue_titles() -> tuple[dict[str, str], dict[str, str]]:
    """Tracks' and tiers' titles by short name: the editor shows titles, course.yml holds short names."""
    tracks = dict(db.session.execute(sa.select(Track.slug, Track.title)).all())
    tiers = dict(db.session.execute(sa.select(Tier.slug, Tier.title)).all())
    return tracks, tiers


def course_titles(slugs: list[str]) -> dict[str, str]:
    """Published courses' titles by short name (a course's prerequisites, as course.yml names them)."""
    if not slugs:
        return {}
    return dict(db.session.execute(sa.select(Course.slug, Course.title).where(Course.slug.in_(slugs))).all())


def publish_form(draft: CourseDraft | None, document: dict | None) -> PublishForm:
    """The publish form, suggesting the next minor version label beside the draft's current one."""
    current = str((document or {}).get("version") or "")
    return PublishForm(formdata=None, revision=draft.revision if draft else 0, label=drafts.next_label(current))


@bp.post("/<slug>/draft")
@login_required
@saving
def start(slug: str):
    drafts.start_draft(published_or_404(slug), current_user)
    flash(
        _("Draft started from the published version. Learners see the published course until you publish."), "success"
    )
    return redirect(url_for("authoring.course", slug=slug))


@bp.route("/<slug>/details", methods=["GET", "POST"])
@login_required
def details(slug: str):
    draft = draft_or_404(slug)
    document = manifest_or_back(draft)
    form = DetailsForm()
    _catalogue_choices(form)
    form.prerequisites.choices = [
        SelectChoice(c.slug, c.title)
        for c in db.session.scalars(
            sa.select(Course).where(Course.retired_at.is_(None), Course.slug != slug).order_by(Course.title)
        )
    ]
    if request.method == "GET":
        form.revision.data = draft.revision
        for name in ("title", "track", "tier", "summary", "description", "language", "version"):
            getattr(form, name).data = document.get(name)
        form.estimated_hours.data = document.get("estimated_hours")
        form.objectives.data = "\n".join(document.get("objectives") or [])
        form.prerequisites.data = list(document.get("prerequisites") or [])
    elif form.validate_on_submit():
        for name in ("title", "track", "tier", "summary", "language", "version"):
            document[name] = getattr(form, name).data.strip()
        document["description"] = (form.description.data or "").strip() or None
        if document["description"] is None:
            document.pop("description")
        document["estimated_hours"] = float(form.estimated_hours.data)
        document["objectives"] = [line.strip() for line in (form.objectives.data or "").splitlines() if line.strip()]
        document["prerequisites"] = list(form.prerequisites.data or [])
        return save_manifest(draft, form.base_revision, document, _("Details saved."))
    return render_template("authoring/details.html", form=form, draft=draft, document=document)


def manifest_or_back(draft: CourseDraft) -> dict:
    try:
        return drafts.manifest(draft)
    except DraftError as error:
        flash(str(error), "error")
        abort(redirect(url_for("authoring.course", slug=draft.slug)))


def save_manifest(draft: CourseDraft, revision: int, document: dict, message: str):
    return save_files(draft, revision, document, message, {})


def save_files(draft: CourseDraft, revision: int, document: dict, message: str, changes: dict, target=None):
    """Save course.yml and changed files (by draft path) as one revision; tell the user what happened."""
    changes = {drafts.manifest_path(draft): drafts.dump_yaml(document), **changes}
    try:
        drafts.save(draft, revision, current_user, changes)
    except DraftError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back(draft.slug)
    db.session.commit()
    flash(message, "success")
    return redirect(target or url_for("authoring.course", slug=draft.slug))


def posted_revision() -> int:
    form = DraftForm()
    if not form.validate_on_submit():
        flash(_("The page is out of date: reload it."), "error")
        abort(redirect(url_for("authoring.course", slug=request.view_args["slug"])))
    return form.base_revision


# Publishing --------------------------------------------------------------------------------


@bp.post("/<slug>/publish")
@login_required
@saving
def publish(slug: str):
    draft = draft_or_gone(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        if form.revision.errors or not form.errors:
            raise DraftError(_("The page is out of date: reload it."))
        raise DraftError(" ".join(str(error) for errors in form.errors.values() for error in errors))
    revision = form.base_revision
    if form.new_label is not None:
        revision = drafts.relabel(draft, revision, current_user, form.new_label)
    if drafts.publish(draft, revision, current_user, (form.note.data or "").strip()):
        version = drafts.latest_version(course_or_none(slug))
        flash(
            _(
                "Published as version %(label)s (revision %(number)d). Learners see it now, and keep their progress.",
                label=version.label,
                number=version.number,
            ),
            "success",
        )
    else:
        flash(_("The draft held no change, so no new version was published; the draft is closed."), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.get("/<slug>/discard")
@login_required
def confirm_discard(slug: str):
    """Discarding cannot be undone: this page says what is lost and asks, without needing JavaScript."""
    draft = draft_or_404(slug)
    published = course_or_none(slug)
    return render_template(
        "authoring/discard.html",
        draft=draft,
        published=published,
        latest=drafts.latest_version(published) if published else None,
        title=(published.title if published else None) or draft_title(draft),
        form=DraftForm(formdata=None, revision=draft.revision),
    )


def draft_title(draft: CourseDraft) -> str:
    """The title a draft gives its course, for pages that name it (its short name if course.yml is broken)."""
    try:
        return str(drafts.manifest(draft).get("title") or draft.slug)
    except DraftError:
        return draft.slug


@bp.post("/<slug>/discard")
@login_required
@saving
def discard(slug: str):
    draft = draft_or_gone(slug)
    drafts.discard(draft, posted_revision())
    flash(_("Draft discarded."), "success")
    if course_or_none(slug) is None:
        return redirect(url_for("authoring.courses"))
    return redirect(url_for("authoring.course", slug=slug))


# Authors -----------------------------------------------------------------------------------


@bp.post("/<slug>/authors")
@login_required
def assign_author(slug: str):
    policy.authorize("course.assign_authors", slug)
    form = AuthorForm()
    _trainer_choices(form)
    if form.validate_on_submit():
        drafts.add_author(slug, db.session.get(User, form.user.data), assigned_by=current_user)
        db.session.commit()
        flash(_("Trainer assigned: they may now edit and publish this course."), "success")
    else:
        flash(_("Choose a trainer."), "error")
    return redirect(url_for("authoring.course", slug=slug))


@bp.post("/<slug>/authors/<int:author_id>/remove")
@login_required
def remove_author(slug: str, author_id: int):
    policy.authorize("course.assign_authors", slug)
    author = db.session.get(CourseAuthor, author_id)
    if author is None or author.course_slug != slug:
        abort(404)
    db.session.delete(author)
    db.session.commit()
    flash(_("Trainer removed from the course's authors."), "success")
    return redirect(url_for("authoring.course", slug=slug))
