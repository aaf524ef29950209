"""Sitting an assessment (works with plain form posts; JavaScript adds saving as you go), results, reports."""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app import policy
from app.assessments import next_step, services
from app.assessments.models import Attempt
from app.assessments.standing import may_review, standings_in
from app.assessments.types import TYPES, BadAnswer
from app.auth.forms import ConfirmForm
from app.common.database import write_transaction
from app.courses import services as courses
from app.courses import structure
from app.extensions import db
from app.reports.tables import Table, to_csv

bp = Blueprint("assessments", __name__, template_folder="templates")


def _assessment_or_404(slug: str, assessment_slug: str):
    """The course (as each process keeps it: structure.py) and its live assessment, or 404."""
    course = structure.live_course(slug)
    assessment = services.assessment_by_slug(course, assessment_slug) if course else None
    if assessment is None:
        abort(404)
    return course, assessment


@bp.get("/courses/<slug>/assessments/<assessment_slug>")
@login_required
def overview(slug: str, assessment_slug: str):
    course, assessment = _assessment_or_404(slug, assessment_slug)
    attempts = services.attempts_of(current_user, assessment)
    # Write only when an attempt is overdue: a commit expires everything loaded, and the page
    # would read the user, course and assessment again (three statements on every view).
    if any(services.overdue(attempt) for attempt in attempts):
        with write_transaction():  # a GET that writes: see app/database.py
            for attempt in attempts:
                services.close_if_expired(attempt)
    return render_template(
        "assessments/overview.html",
        course=course,
        assessment=assessment,
        attempts=attempts,
        left=services.attempts_left(assessment, len(attempts)),
        enrolled=courses.enrolment_for(current_user, course) is not None,
        form=ConfirmForm(),
    )


@bp.post("/courses/<slug>/assessments/<assessment_slug>/start")
@login_required
def start(slug: str, assessment_slug: str):
    _course, assessment = _assessment_or_404(slug, assessment_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, assessment)
    except services.AttemptRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("assessments.overview", slug=slug, assessment_slug=assessment_slug))
    attempt_id = attempt.id  # read before the commit, which expires it: after, it would read the row again
    db.session.commit()
    return redirect(url_for("assessments.attempt", attempt_id=attempt_id))


def _attempt_or_404(attempt_id: int, action: str, lock: bool = False) -> Attempt:
    # Writes lock the attempt's row (PostgreSQL): two tabs saving or submitting take turns.
    attempt = db.session.get(Attempt, attempt_id, with_for_update=lock)
    if attempt is None:
        abort(404)
    policy.authorize(action, attempt)
    return attempt


def _close_if_overdue(attempt: Attempt) -> bool:
    """Close the attempt when its time is up (a GET that writes: see app/database.py); True when it was."""
    if not services.overdue(attempt):
        return False
    with write_transaction():
        services.close_if_expired(attempt)
    return True


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.answer")
    if _close_if_overdue(attempt):
        flash(_("The time limit has passed: your attempt was submitted with the answers you had saved."), "info")
    if attempt.status != services.OPEN:
        return redirect(url_for("assessments.result", attempt_id=attempt.id))
    questions = services.shown_in(services.attempt_questions(attempt), str(get_locale()))
    return render_template(
        "assessments/attempt.html",
        attempt=attempt,
        assessment=services.assessment_of(attempt),
        questions=questions,
        form=ConfirmForm(),
        field_name=services.field_name,
        views=services.attempt_views(attempt, questions, services.responses_of(attempt)),
    )


@bp.post("/attempts/<int:attempt_id>")
@login_required
def answer(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.answer", lock=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        answers = services.read_page(attempt, request.form)
    except BadAnswer as error:
        db.session.rollback()
        abort(400, description=_("Your answers were not saved: %(reason)s.", reason=str(error)))
    # The redirects name the attempt by the URL's id: after the commit, attempt.id would read the row again.
    submitting = request.form.get("action") == "submit"
    if submitting and not services.unanswered(attempt, answers):
        services.submit(attempt, answers=answers)  # the answers are written with their credits
        db.session.commit()
        return redirect(url_for("assessments.result", attempt_id=attempt_id))
    services.save_answers(attempt, answers)
    db.session.commit()
    if submitting:  # the answers are saved; the learner confirms, or goes back to finish
        return redirect(url_for("assessments.confirm_submit", attempt_id=attempt_id))
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("assessments.attempt", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/submit")
@login_required
def confirm_submit(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.answer")
    _close_if_overdue(attempt)
    if attempt.status != services.OPEN:
        return redirect(url_for("assessments.result", attempt_id=attempt.id))
    return render_template(
        "assessments/confirm_submit.html",
        attempt=attempt,
        assessment=services.assessment_of(attempt),
        unanswered=services.unanswered(attempt),
        form=ConfirmForm(),
    )


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.answer", lock=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Already submitted (a second click) or past the deadline: either way the result page says what happened.
    if not services.close_if_expired(attempt):
        services.submit(attempt)
    db.session.commit()
    return redirect(url_for("assessments.result", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/autosave")
@login_required
def autosave(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.answer", lock=True)
    try:
        saved = services.save_as_you_go(attempt, request.form)
    except BadAnswer as error:
        db.session.rollback()
        return jsonify(saved=False, error=str(error)), 400
    db.session.commit()
    return jsonify(saved=True, questions=saved)


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = _attempt_or_404(attempt_id, "attempt.view")
    if attempt.status == services.OPEN:
        return redirect(url_for("assessments.attempt", attempt_id=attempt.id))
    assessment = services.assessment_of(attempt)
    # Read once for the review's rule and the next step: the learner's attempts in the course's assessments.
    standings = standings_in(attempt.user_id, assessment.course_id)
    this = next((item for item in standings if item.id == assessment.id), None)
    review = may_review(attempt, this)
    questions = services.shown_in(services.attempt_questions(attempt), str(get_locale())) if review else []
    return render_template(
        "assessments/result.html",
        attempt=attempt,
        assessment=assessment,
        course=courses.course_by_id(assessment.course_id),
        review=review,
        questions=questions,
        responses=services.responses_of(attempt) if review else {},
        types=TYPES,
        next_step=next_step.after(attempt, standings) if policy.can(current_user, "attempt.answer", attempt) else None,
    )


@bp.get("/courses/<slug>/assessments/<assessment_slug>/report")
@login_required
def report(slug: str, assessment_slug: str):
    course, assessment = _assessment_or_404(slug, assessment_slug)
    policy.authorize("assessment.report", assessment)
    return render_template(
        "assessments/report.html",
        course=course,
        assessment=assessment,
        items=services.item_analysis(assessment),
        distribution=services.score_distribution(assessment),
        types=TYPES,
    )


@bp.get("/courses/<slug>/assessments/<assessment_slug>/item-analysis.csv")
@login_required
def report_csv(slug: str, assessment_slug: str):
    _course, assessment = _assessment_or_404(slug, assessment_slug)
    policy.authorize("assessment.report", assessment)
    # The column titles in the requester's language, as the directorate's exports; the columns keep their order
    # (new ones go last), so a spreadsheet that reads the first six by position keeps working.
    columns = [
        _("Question"),
        _("Type"),
        _("Points"),
        _("Responses"),
        _("Facility index"),
        _("Discrimination index"),
        _("Text"),
    ]
    rows = [
        [
            item.question.key,
            item.question.type,
            item.question.points,
            item.responses,
            None if item.facility is None else f"{item.facility:.1f}",
            None if item.discrimination is None else f"{item.discrimination:.1f}",
            Markup(item.question.text_html).striptags(),  # noqa: S704 (sanitised at import; text only)
        ]
        for item in services.item_analysis(assessment)
    ]
    table = Table(key="item-analysis", title=_("Item analysis"), columns=columns, rows=rows)
    return Response(
        to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={assessment_slug}-item-analysis.csv"},
    )
