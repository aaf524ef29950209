"""The question bank editor and the assessment preview, on the course editor's blueprint.

Each assessment of a draft is a file of the content format; every page works without
JavaScript, every change posts the draft revision its page showed, and a question is checked
with the content format's own models before it is saved, so nothing half-valid is stored.
"""

from __future__ import annotations

import random

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.assessments.types import TYPES
from app.authoring import drafts, editing, questions
from app.authoring.drafts import DraftError
from app.authoring.forms import DraftForm
from app.authoring.models import CourseDraft
from app.authoring.outline_routes import glossary_slugs
from app.authoring.question_forms import TYPE_LABELS, AssessmentForm, QuestionForm
from app.authoring.routes import bp, draft_or_404, manifest_or_back, save_files
from app.core.security import bounded_int
from app.extensions import db


def _assessment_or_back(draft: CourseDraft, course: dict, slug: str) -> questions.DraftAssessment:
    try:
        return questions.find_assessment(draft, course, slug)
    except DraftError as error:
        flash(str(error), "error")
        abort(redirect(url_for("authoring.course", slug=draft.slug)))


def _show_problems(form, problems: dict[str, list[str]], fallback: str) -> None:
    """Put each problem next to its field (or next to `fallback` when no field has its name)."""
    for name, messages in problems.items():
        field = form[name] if name in form else form[fallback]
        field.errors = [*field.errors, *messages]


def _save(draft: CourseDraft, revision: int, changes: dict[str, bytes]) -> str | None:
    """Save changed files as the next revision and commit; or roll back and say why (nothing is saved)."""
    try:
        drafts.save(draft, revision, current_user, changes)
    except DraftError as error:
        db.session.rollback()
        return str(error)
    db.session.commit()
    return None


# Assessments -------------------------------------------------------------------------------


@bp.route("/<slug>/new-assessment", methods=["GET", "POST"])
@login_required
def new_assessment(slug: str):
    draft = draft_or_404(slug)
    course = manifest_or_back(draft)
    form = AssessmentForm()
    if request.method == "GET":
        form.revision.data = draft.revision
    elif form.validate_on_submit():
        settings = form.settings((form.slug.data or editing.slugify(form.title.data)).strip())
        problems = questions.settings_problems(settings)
        if not problems:
            try:
                path, data = questions.add_assessment(draft, course, settings)
            except DraftError as error:
                problems = {"slug": [str(error)]}
            else:
                target = url_for("authoring.assessment", slug=slug, assessment=settings["slug"])
                message = _("Assessment added to the draft: now add its questions.")
                return save_files(draft, form.base_revision, course, message, {path: data}, target)
        _show_problems(form, problems, "title")
    return render_template("authoring/new_assessment.html", form=form, draft=draft, course=course)


@bp.route("/<slug>/assessments/<assessment>", methods=["GET", "POST"])
@login_required
def assessment(slug: str, assessment: str):
    """An assessment's settings (the form) and its question bank."""
    draft = draft_or_404(slug)
    course = manifest_or_back(draft)
    found = _assessment_or_back(draft, course, assessment)
    form = AssessmentForm()
    if request.method == "GET":
        form.revision.data = draft.revision
        form.show(found.document)
    elif form.validate_on_submit():
        settings = form.settings(found.slug)
        problems = questions.settings_problems(settings)
        if not problems:
            document = questions.with_settings(found.document, settings)
            target = url_for("authoring.assessment", slug=slug, assessment=found.slug)
            changes = {found.path: drafts.dump_yaml(document)}
            return save_files(draft, form.base_revision, course, _("Settings saved."), changes, target)
        _show_problems(form, problems, "title")
    return render_template(
        "authoring/assessment.html",
        form=form,
        draft=draft,
        course=course,
        found=found,
        bank=[q for q in found.questions if isinstance(q, dict)],
        shortfall=questions.bank_shortfall(found.document),
        type_labels=TYPE_LABELS,
    )


@bp.post("/<slug>/assessments/<assessment>/remove")
@login_required
def remove_assessment(slug: str, assessment: str):
    """Out of the draft; once published, the assessment is retired and its learners' attempts kept."""
    draft = draft_or_404(slug)
    form = DraftForm()
    if not form.validate_on_submit():
        flash(_("The page is out of date: reload it."), "error")
        return redirect(url_for("authoring.assessment", slug=slug, assessment=assessment))
    course = manifest_or_back(draft)
    found = _assessment_or_back(draft, course, assessment)
    questions.remove_assessment(course, found)
    unused = {path: None for path in drafts.unused_files(draft, course)}
    return save_files(draft, form.base_revision, course, _("Assessment removed from the draft."), unused)


# Questions ---------------------------------------------------------------------------------


@bp.route("/<slug>/assessments/<assessment>/new-question", methods=["GET", "POST"])
@login_required
def new_question(slug: str, assessment: str):
    kind = request.args.get("type", "")
    if kind not in TYPES:
        abort(404)
    return _question_page(slug, assessment, kind, None)


@bp.route("/<slug>/assessments/<assessment>/questions/<question>", methods=["GET", "POST"])
@login_required
def question(slug: str, assessment: str, question: str):
    return _question_page(slug, assessment, None, question)


def _question_page(slug: str, assessment_slug: str, kind: str | None, question_id: str | None):
    """Add (question_id None) or edit a question: checked whole, saved whole, or not at all."""
    draft = draft_or_404(slug)
    course = manifest_or_back(draft)
    found = _assessment_or_back(draft, course, assessment_slug)
    back_to_bank = url_for("authoring.assessment", slug=slug, assessment=found.slug)
    index = None
    if question_id is not None:
        try:
            index, existing = questions.find_question(found, question_id)
        except DraftError as error:
            flash(str(error), "error")
            return redirect(back_to_bank)
        kind = existing.get("type")
        if kind not in TYPES:
            flash(_("This question's type is unknown: fix it in an export, or remove the question."), "error")
            return redirect(back_to_bank)
    form = QuestionForm()
    rows: dict[str, list[str]] = {}
    refused = None
    if request.method == "GET":
        form.revision.data = draft.revision
        if index is not None:
            form.show(existing)
    elif form.validate_on_submit():
        try:
            new_id = questions.question_id(found, (form.id.data or "").strip(), form.text.data or "", question_id)
        except DraftError as error:
            form.id.errors = [*form.id.errors, str(error)]
            refused = [str(error)]
        else:
            built = form.question(kind, new_id)
            problems = questions.question_problems(built, glossary_slugs())
            if problems:
                refused = problems.messages
                by_field = dict(problems.by_field)
                if kind == "true_false" and "answer" in by_field:
                    by_field["true_false"] = by_field.pop("answer")
                rows = {name: by_field.pop(name) for name in ("choices", "pairs") if name in by_field}
                _show_problems(form, by_field, "text")
            else:
                if index is None:
                    found.questions.append(built)
                else:
                    found.questions[index] = built
                error = _save(draft, form.base_revision, {found.path: drafts.dump_yaml(found.document)})
                if error is None:
                    flash(_("Question saved."), "success")
                    return redirect(back_to_bank)
                # Keep what the trainer typed; a second save is now based on the revision they were told about.
                refused = [error, _("Your question is still in the form below: check the draft, then save again.")]
                current = drafts.draft_of(slug)
                if current is not None:
                    form.revision.data = current.revision
    else:
        refused = [str(e) for errors in form.errors.values() for e in errors if not isinstance(e, dict)]
    form.add_blank_rows()
    return render_template(
        "authoring/question.html",
        form=form,
        draft=draft,
        course=course,
        found=found,
        kind=kind,
        type_label=TYPE_LABELS[kind],
        question_id=question_id,
        rows=rows,
        refused=refused,
    )


@bp.post("/<slug>/assessments/<assessment>/questions/<question>/change")
@login_required
def change_question(slug: str, assessment: str, question: str):
    """Move a question up or down the bank, or remove it (the button pressed says which)."""
    draft = draft_or_404(slug)
    target = url_for("authoring.assessment", slug=slug, assessment=assessment)
    form = DraftForm()
    if not form.validate_on_submit():
        flash(_("The page is out of date: reload it."), "error")
        return redirect(target)
    course = manifest_or_back(draft)
    found = _assessment_or_back(draft, course, assessment)
    action = request.form.get("action", "")
    try:
        if action in ("up", "down"):
            questions.move_question(found, question, -1 if action == "up" else 1)
            message = _("Question moved.")
        elif action == "remove":
            questions.remove_question(found, question)
            message = _("Question removed.")
        else:
            abort(400)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(target)
    changes = {found.path: drafts.dump_yaml(found.document)}
    return save_files(draft, form.base_revision, course, message, changes, target)


# Preview -----------------------------------------------------------------------------------


@bp.get("/<slug>/assessments/<assessment>/preview")
@login_required
def preview_assessment(slug: str, assessment: str):
    """An attempt as a learner sees it (nothing saved): the whole bank, or a draw; answers on request."""
    draft = draft_or_404(slug)
    course = manifest_or_back(draft)
    found = _assessment_or_back(draft, course, assessment)
    seed = request.args.get("seed", type=bounded_int)
    sample = seed is not None
    shown, problems = questions.preview(found.document, sample, seed if sample else 0)
    return render_template(
        "authoring/preview_assessment.html",
        draft=draft,
        course=course,
        found=found,
        questions=shown,
        problems=problems,
        sample=sample,
        seed=seed,
        next_seed=random.randrange(1, 1_000_000),
        answers=request.args.get("answers") == "1",
    )
