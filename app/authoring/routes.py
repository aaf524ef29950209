"""The course editor: courses a trainer authors, drafts, modules and lessons, publishing, versions.

Every change posts the draft revision its page showed (see drafts.save); every page works
without JavaScript, and app/static/js/editor.js adds a live preview and drag-to-reorder.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import policy
from app.auth.models import Role, User
from app.authoring import drafts, editing, questions, uploads
from app.authoring.drafts import DraftError
from app.authoring.forms import (
    AttachmentForm,
    AuthorForm,
    DetailsForm,
    DraftForm,
    ImportForm,
    LessonForm,
    ModuleForm,
    NewCourseForm,
    NewLessonForm,
    PublishForm,
)
from app.authoring.models import CourseAuthor, CourseDraft
from app.authoring.transfer import ExportError, export_files, import_zip, zip_bytes
from app.content import render
from app.content.check import lesson_problems
from app.content.sync import ContentError, stored_path
from app.courses.models import Course, GlossaryTerm, Tier, Track
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


def draft_or_gone(slug: str) -> CourseDraft:
    """The draft a publish or discard button was pressed on; DraftError if someone closed it meanwhile."""
    editable(slug)
    draft = drafts.draft_of(slug)
    if draft is None:
        raise DraftError(_("This draft was published or discarded by someone else since you opened the page."))
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
            flash_problems(error.problems)
            return back(slug)
        except DraftError as error:
            db.session.rollback()
            flash(str(error), "error")
            return back(slug)
        db.session.commit()
        return result

    return run


def flash_problems(problems) -> None:
    shown = problems[:20]
    more = len(problems) - len(shown)
    lines = [str(problem) for problem in shown] + ([_("…and %(count)d more.", count=more)] if more else [])
    flash(_("Nothing was published: %(count)d problem(s).", count=len(problems)) + "\n" + "\n".join(lines), "error")


def back(slug: str):
    """Back to the editor page the form was on (errors are shown there), else the course's page."""
    referrer = request.referrer or ""
    root = request.host_url.rstrip("/") + bp.url_prefix + "/"
    return redirect(referrer if referrer.startswith(root) else url_for("authoring.course", slug=slug))


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
    return render_template(
        "authoring/courses.html",
        courses=listed,
        drafts=all_drafts,
        new_drafts=new_drafts,
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
    document = problems = None
    if draft is not None:
        try:
            document = drafts.manifest(draft)
        except DraftError as error:
            flash(str(error), "error")
        problems = drafts.problems(draft)
    trainers = []
    if policy.can(current_user, "course.assign_authors"):
        trainers = db.session.scalars(
            sa.select(User).where(User.role == Role.TRAINER, User.active.is_(True)).order_by(User.full_name)
        ).all()
    author_form = AuthorForm()
    author_form.user.choices = [SelectChoice(u.id, f"{u.full_name} ({u.email})") for u in trainers]
    return render_template(
        "authoring/course.html",
        slug=slug,
        published=published,
        draft=draft,
        document=document,
        problems=problems,
        assessments=[found.document for found in questions.assessments_of(draft, document)] if document else [],
        versions=drafts.versions_of(published) if published else [],
        authors=drafts.authors_of(slug),
        author_form=author_form,
        module_form=ModuleForm(formdata=None, revision=draft.revision if draft else 0),
        publish_form=PublishForm(formdata=None, revision=draft.revision if draft else 0),
        revision_form=DraftForm(formdata=None, revision=draft.revision if draft else 0),
    )


@bp.post("/<slug>/draft")
@login_required
@saving
def start(slug: str):
    editable(slug)
    published = course_or_none(slug)
    if published is None:
        abort(404)
    drafts.start_draft(published, current_user)
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
        return _save_manifest(draft, form.base_revision, document, _("Details saved."))
    return render_template("authoring/details.html", form=form, draft=draft, document=document)


def manifest_or_back(draft: CourseDraft) -> dict:
    try:
        return drafts.manifest(draft)
    except DraftError as error:
        flash(str(error), "error")
        abort(redirect(url_for("authoring.course", slug=draft.slug)))


def _save_manifest(draft: CourseDraft, revision: int, document: dict, message: str):
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


def _posted_revision() -> int:
    form = DraftForm()
    if not form.validate_on_submit():
        flash(_("The page is out of date: reload it."), "error")
        abort(redirect(url_for("authoring.course", slug=request.view_args["slug"])))
    return form.base_revision


# Modules -----------------------------------------------------------------------------------


@bp.post("/<slug>/modules")
@login_required
def add_module(slug: str):
    draft = draft_or_404(slug)
    form = ModuleForm()
    if not form.validate_on_submit():
        flash(_("A module needs a title."), "error")
        return redirect(url_for("authoring.course", slug=slug))
    document = manifest_or_back(draft)
    title = form.title.data.strip()
    base = editing.slugify(title)
    taken = {m.get("slug") for m in editing.modules(document)}
    module_slug, number = base, 2
    while module_slug in taken:
        module_slug, number = f"{base}-{number}", number + 1
    try:
        editing.add_module(document, module_slug, title)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return _save_manifest(draft, form.base_revision, document, _("Module added."))


@bp.post("/<slug>/modules/<module>")
@login_required
def change_module(slug: str, module: str):
    """Rename, move up or down, or remove a module (the button pressed says which)."""
    draft = draft_or_404(slug)
    revision = _posted_revision()
    document = manifest_or_back(draft)
    action = request.form.get("action", "")
    try:
        if action == "up" or action == "down":
            editing.move_module(document, module, -1 if action == "up" else 1)
            message = _("Module moved.")
        elif action == "remove":
            editing.remove_module(document, module)
            message = _("Module removed.")
        elif action == "rename":
            title = request.form.get("title", "").strip()
            if not title or len(title) > 300:
                raise DraftError(_("A module title has 1 to 300 characters."))
            editing.find_module(document, module)["title"] = title
            message = _("Module renamed.")
        else:
            abort(400)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return _save_manifest(draft, revision, document, message)


@bp.post("/<slug>/order")
@login_required
def reorder(slug: str):
    """The whole order at once, as the drag-and-drop page sends it: module=<slug>:<lesson>,<lesson>…"""
    draft = draft_or_404(slug)
    revision = _posted_revision()
    document = manifest_or_back(draft)
    order = []
    for entry in request.form.getlist("module"):
        module_slug, _sep, lesson_list = entry.partition(":")
        order.append((module_slug, [s for s in lesson_list.split(",") if s]))
    try:
        editing.reorder(document, order)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return _save_manifest(draft, revision, document, _("New order saved."))


# Lessons -----------------------------------------------------------------------------------


def _lesson_file(slug: str, kind: str) -> str:
    return f"lessons/{slug}.{'ipynb' if kind == 'notebook' else 'md'}"


STARTER_TEXT = "# {title}\n\nWrite the lesson here, in Markdown.\n"


@bp.route("/<slug>/lessons/new", methods=["GET", "POST"])
@login_required
def new_lesson(slug: str):
    draft = draft_or_404(slug)
    document = manifest_or_back(draft)
    form = NewLessonForm()
    form.module.choices = [SelectChoice(m.get("slug"), m.get("title")) for m in editing.modules(document)]
    if request.method == "GET":
        form.revision.data = draft.revision
        form.module.data = request.args.get("module")
    elif form.validate_on_submit():
        kind = form.kind.data
        lesson = {
            "slug": (form.slug.data or editing.slugify(form.title.data)).strip(),
            "title": form.title.data.strip(),
            "kind": kind,
            "minutes": form.minutes.data,
        }
        files: dict[str, bytes] = {}
        try:
            lesson["slug"] = editing.check_slug(lesson["slug"], "lesson")
            if kind == "reading":
                if not form.url.data:
                    raise DraftError(_("A reading needs the address of what to read."))
                lesson["url"] = form.url.data.strip()
            else:
                lesson["file"] = _lesson_file(lesson["slug"], kind)
                path = drafts.file_path(draft, lesson["file"])
                if kind == "notebook":
                    upload = form.notebook.data
                    if not upload or not upload.filename:
                        raise DraftError(_("A notebook lesson needs its notebook: choose the .ipynb file."))
                    data = upload.read()
                    uploads.check_notebook(uploads.safe_name(upload.filename), data)
                    files[path] = data
                else:
                    files[path] = STARTER_TEXT.format(title=lesson["title"]).encode()
            editing.add_lesson(document, form.module.data, lesson)
        except DraftError as error:
            form.title.errors = [*form.title.errors, str(error)]
        else:
            target = url_for("authoring.lesson", slug=slug, lesson=lesson["slug"])
            return save_files(draft, form.base_revision, document, _("Lesson added."), files, target)
    return render_template("authoring/new_lesson.html", form=form, draft=draft)


@functools.lru_cache(maxsize=64)
def _notebook_preview(sha256: str) -> str:
    """A notebook rendered by the import pipeline, once per version of the file (the editor's preview)."""
    return render.notebook_to_html(stored_path(sha256).read_text("utf-8"))


@bp.route("/<slug>/lessons/<lesson>", methods=["GET", "POST"])
@login_required
def lesson(slug: str, lesson: str):
    draft = draft_or_404(slug)
    document = manifest_or_back(draft)
    try:
        module, spec = editing.find_lesson(document, lesson)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    kind = spec.get("kind")
    path = drafts.file_path(draft, spec["file"]) if spec.get("file") else None
    form = LessonForm()
    preview = ""
    if request.method == "GET":
        form.revision.data = draft.revision
        form.title.data, form.minutes.data = spec.get("title"), spec.get("minutes", 30)
        form.optional.data, form.url.data = bool(spec.get("optional")), spec.get("url")
        if kind == "markdown" and path in draft.files:
            form.body.data = drafts.read_bytes(draft, path).decode("utf-8", "replace")
    elif form.validate_on_submit():
        if form.preview.data:
            preview = _preview(form.body.data or "")
        else:
            files: dict[str, bytes] = {}
            try:
                if kind == "markdown":
                    body = (form.body.data or "").replace("\r\n", "\n")
                    if not body.strip():
                        raise DraftError(_("The lesson's text is empty."))
                    _refuse_problems(body.encode(), "markdown")
                    files[path] = body.encode()
                elif kind == "notebook" and form.notebook.data and form.notebook.data.filename:
                    data = form.notebook.data.read()
                    uploads.check_notebook(uploads.safe_name(form.notebook.data.filename), data)
                    files[path] = data
                elif kind == "reading":
                    if not form.url.data:
                        raise DraftError(_("A reading needs the address of what to read."))
                    spec["url"] = form.url.data.strip()
            except DraftError as error:
                form.body.errors = [*form.body.errors, str(error)]
            else:
                spec["title"], spec["minutes"] = form.title.data.strip(), form.minutes.data
                if form.optional.data:
                    spec["optional"] = True
                else:
                    spec.pop("optional", None)
                target = url_for("authoring.lesson", slug=slug, lesson=lesson)
                return save_files(draft, form.base_revision, document, _("Lesson saved."), files, target)
    if kind == "markdown" and not preview:
        preview = _preview(form.body.data or "")
    elif kind == "notebook" and path in draft.files:
        preview = _notebook_preview(draft.files[path])
    return render_template(
        "authoring/lesson.html",
        form=form,
        draft=draft,
        module=module,
        spec=spec,
        kind=kind,
        preview=preview,
        attachment_form=AttachmentForm(formdata=None, prefix="download", revision=draft.revision),
    )


def glossary_slugs() -> set[str]:
    """The glossary terms a lesson or question may link to."""
    return set(db.session.scalars(sa.select(GlossaryTerm.slug)))


def _refuse_problems(data: bytes, kind: str) -> None:
    problems = lesson_problems(data, kind, glossary_slugs())
    if problems:
        raise DraftError(
            _("Not saved: ") + "; ".join(_("line %(line)d: %(message)s", line=line, message=m) for line, m in problems)
        )


def _preview(text: str) -> str:
    """Markdown rendered and sanitised exactly as the import will (the preview the trainer sees)."""
    return render.markdown_to_html(text.replace("\r\n", "\n"))


@bp.post("/<slug>/preview")
@login_required
def preview(slug: str):
    """The live preview's HTML (editor.js posts the text as the trainer types)."""
    editable(slug)
    text = request.form.get("body", "")
    if len(text) > 500_000:
        abort(413)
    return Response(_preview(text), mimetype="text/html")


@bp.post("/<slug>/lessons/<lesson>/move")
@login_required
def move_lesson(slug: str, lesson: str):
    draft = draft_or_404(slug)
    revision = _posted_revision()
    document = manifest_or_back(draft)
    try:
        editing.move_lesson(document, lesson, -1 if request.form.get("action") == "up" else 1)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return _save_manifest(draft, revision, document, _("Lesson moved."))


@bp.post("/<slug>/lessons/<lesson>/remove")
@login_required
def remove_lesson(slug: str, lesson: str):
    """Out of the draft; once published, the lesson is retired and its learners' progress kept."""
    draft = draft_or_404(slug)
    revision = _posted_revision()
    document = manifest_or_back(draft)
    try:
        editing.remove_lesson(document, lesson)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    unused = {path: None for path in drafts.unused_files(draft, document)}
    return save_files(draft, revision, document, _("Lesson removed from the draft."), unused)


@bp.post("/<slug>/lessons/<lesson>/attachments")
@login_required
def add_attachment(slug: str, lesson: str):
    draft = draft_or_404(slug)
    form = AttachmentForm(prefix="download")
    target = url_for("authoring.lesson", slug=slug, lesson=lesson)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(target)
    document = manifest_or_back(draft)
    try:
        _module, spec = editing.find_lesson(document, lesson)
        data = form.file.data.read()
        name = uploads.check_download(form.file.data.filename, data)
        relative = f"files/{name}"
        existing = drafts.file_path(draft, relative)
        if existing in draft.files and drafts.read_bytes(draft, existing) != data:
            raise DraftError(_("A different file named %(name)s is in this course already: rename yours.", name=name))
        spec.setdefault("attachments", []).append({"file": relative, "title": form.title.data.strip()})
    except DraftError as error:
        flash(str(error), "error")
        return redirect(target)
    return save_files(draft, form.base_revision, document, _("Download added."), {existing: data}, target)


@bp.post("/<slug>/lessons/<lesson>/attachments/<int:index>/remove")
@login_required
def remove_attachment(slug: str, lesson: str, index: int):
    draft = draft_or_404(slug)
    revision = _posted_revision()
    document = manifest_or_back(draft)
    target = url_for("authoring.lesson", slug=slug, lesson=lesson)
    try:
        _module, spec = editing.find_lesson(document, lesson)
        attachments = spec.get("attachments") or []
        if index >= len(attachments):
            raise DraftError(_("That download is no longer there: reload the page."))
        attachments.pop(index)
        if not attachments:
            spec.pop("attachments", None)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(target)
    unused = {path: None for path in drafts.unused_files(draft, document)}
    return save_files(draft, revision, document, _("Download removed."), unused, target)


# Publishing --------------------------------------------------------------------------------


@bp.post("/<slug>/publish")
@login_required
@saving
def publish(slug: str):
    draft = draft_or_gone(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        raise DraftError(_("The page is out of date: reload it."))
    if drafts.publish(draft, form.base_revision, current_user, (form.note.data or "").strip()):
        flash(_("Published. Learners see the new version now, and keep their progress."), "success")
    else:
        flash(_("The draft held no change, so no new version was published; the draft is closed."), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.post("/<slug>/discard")
@login_required
@saving
def discard(slug: str):
    draft = draft_or_gone(slug)
    drafts.discard(draft, _posted_revision())
    flash(_("Draft discarded."), "success")
    if course_or_none(slug) is None:
        return redirect(url_for("authoring.courses"))
    return redirect(url_for("authoring.course", slug=slug))


# Export, import and authors ----------------------------------------------------------------


@bp.get("/<slug>/export.zip")
@login_required
def export(slug: str):
    """The course as last published, in the content format (with what it needs to sync on its own)."""
    editable(slug)
    published = course_or_none(slug)
    if published is None:
        abort(404)
    try:
        data = zip_bytes(export_files(published))
    except ExportError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}-v{published.version}.zip"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_course():
    policy.authorize("course.import")
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_zip(upload.read(), current_user, uploads.safe_name(upload.filename))
        except (ContentError, DraftError) as error:
            db.session.rollback()
            problems = error.problems if isinstance(error, ContentError) else [str(error)]
            return render_template("authoring/import.html", form=form, problems=problems), 422
        db.session.commit()
        if report.changed:
            flash(_("Imported: %(courses)s.", courses=", ".join(report.changed)), "success")
        else:
            flash(_("Nothing changed: the courses in the file are already published as they are."), "success")
        return redirect(url_for("authoring.courses"))
    return render_template("authoring/import.html", form=form, problems=None)


@bp.post("/<slug>/authors")
@login_required
def assign_author(slug: str):
    policy.authorize("course.assign_authors", slug)
    form = AuthorForm()
    form.user.choices = [
        SelectChoice(u.id, u.full_name)
        for u in db.session.scalars(sa.select(User).where(User.role == Role.TRAINER, User.active.is_(True)))
    ]
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
