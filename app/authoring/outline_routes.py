"""The outline of a draft in the course editor: modules, lessons (their text, notebooks and downloads), order.

On the course editor's blueprint (routes.py), with its helpers: every change posts the draft revision
its page showed, and a lesson's text or notebook is checked and rendered as the import will.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from app.authoring import drafts, editing, uploads
from app.authoring.drafts import DraftError
from app.authoring.forms import AttachmentForm, LessonForm, ModuleForm, NewLessonForm
from app.authoring.routes import (
    bp,
    draft_or_404,
    editable,
    manifest_or_back,
    posted_revision,
    save_files,
    save_manifest,
)
from app.common import kept
from app.content import render
from app.content.check import lesson_problems
from app.content.sync import stored_bytes
from app.courses.api import GlossaryTerm
from app.extensions import db

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
    return save_manifest(draft, form.base_revision, document, _("Module added."))


def _change_outline(slug: str, change: Callable[[dict], str]):
    """Apply `change` to the draft's course.yml and save it with the revision the page showed.

    `change` edits the document and returns the message to show; a DraftError it raises is shown on
    the course page and nothing is saved.
    """
    draft = draft_or_404(slug)
    revision = posted_revision()
    document = manifest_or_back(draft)
    try:
        message = change(document)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=slug))
    return save_manifest(draft, revision, document, message)


@bp.post("/<slug>/modules/<module>")
@login_required
def change_module(slug: str, module: str):
    """Rename, move up or down, or remove a module (the button pressed says which)."""
    action = request.form.get("action", "")

    def change(document: dict) -> str:
        if action not in ("up", "down", "remove", "rename"):
            abort(400)  # after the permission check, which _change_outline makes first
        if action in ("up", "down"):
            editing.move_module(document, module, -1 if action == "up" else 1)
            return _("Module moved.")
        if action == "remove":
            editing.remove_module(document, module)
            return _("Module removed.")
        title = request.form.get("title", "").strip()
        if not title or len(title) > 300:
            raise DraftError(_("A module title has 1 to 300 characters."))
        editing.find_module(document, module)["title"] = title
        return _("Module renamed.")

    return _change_outline(slug, change)


@bp.post("/<slug>/order")
@login_required
def reorder(slug: str):
    """The whole order at once, as the drag-and-drop page sends it: module=<slug>:<lesson>,<lesson>…"""
    order = []
    for entry in request.form.getlist("module"):
        module_slug, _sep, lesson_list = entry.partition(":")
        order.append((module_slug, [s for s in lesson_list.split(",") if s]))

    def change(document: dict) -> str:
        editing.reorder(document, order)
        return _("New order saved.")

    return _change_outline(slug, change)


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
    return render_template("authoring/new_lesson.html", form=form, draft=draft, course_title=document.get("title"))


NOTEBOOK_PREVIEWS = kept.Store(
    "notebook previews",
    holds="a draft notebook rendered by the import pipeline (the editor's preview)",
    keyed_by="the notebook file's sha256",
    stale=(kept.Never("never: a changed notebook has another hash"),),
    bound=64,
    owner="app/authoring/outline_routes.py",
)


@NOTEBOOK_PREVIEWS.function
def _notebook_preview(sha256: str) -> str:
    """A notebook rendered by the import pipeline, once per version of the file (the editor's preview)."""
    return render.notebook_to_html(stored_bytes(sha256).decode("utf-8"))


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
        course_title=document.get("title"),
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
    def change(document: dict) -> str:
        editing.move_lesson(document, lesson, -1 if request.form.get("action") == "up" else 1)
        return _("Lesson moved.")

    return _change_outline(slug, change)


@bp.post("/<slug>/lessons/<lesson>/remove")
@login_required
def remove_lesson(slug: str, lesson: str):
    """Out of the draft; once published, the lesson is retired and its learners' progress kept."""
    draft = draft_or_404(slug)
    revision = posted_revision()
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
    revision = posted_revision()
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
