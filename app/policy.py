"""Who may do what to which object: the one place that decides.

Routes call `authorize(action, target)`; templates call `can(action, target)` only to hide what
this module already forbids. Each rule is a plain function registered under an action name, so
the whole policy reads top to bottom and the tests can enumerate it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from app.auth.api import Administration, Role, User
from app.extensions import login_manager

Rule = Callable[[User, Any], bool]
RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[action] = fn
        return fn

    return register


def can(user: User | None, action: str, target: Any = None) -> bool:
    """Whether `user` may perform `action` on `target`. Anonymous users may do nothing here."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    try:
        check = RULES[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    return bool(check(user, target))


def authorize(action: str, target: Any = None) -> None:
    """Stop the request unless the current user may do this: login first, then 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, action, target):
        abort(403)


def is_staff(user: User) -> bool:
    """The directorate and admins see every administration."""
    return user.role in (Role.DIRECTORATE, Role.ADMIN)


def _same_administration(user: User, administration: Administration | None) -> bool:
    return administration is not None and administration.id == user.administration_id


# Administrations ---------------------------------------------------------------------------


@rule("administration.view")
def _view_administration(user: User, administration: Administration) -> bool:
    return is_staff(user) or _same_administration(user, administration)


@rule("administration.list")
def _list_administrations(user: User, _target: None) -> bool:
    return is_staff(user)


@rule("administration.manage")
def _manage_administrations(user: User, _target: Any) -> bool:
    return user.role == Role.ADMIN


# People ------------------------------------------------------------------------------------


@rule("user.list")
def _list_users(user: User, administration: Administration | None) -> bool:
    """The people page: staff see everyone; a coordinator the officers of their administration."""
    if is_staff(user):
        return True
    return user.role == Role.COORDINATOR and (administration is None or _same_administration(user, administration))


@rule("user.view")
def _view_user(user: User, person: User) -> bool:
    if person.id == user.id or is_staff(user):
        return True
    return user.role == Role.COORDINATOR and person.administration_id == user.administration_id


@rule("user.invite")
def _invite_into(user: User, administration: Administration) -> bool:
    """Create accounts (one by one or from a CSV) in an administration."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and _same_administration(user, administration)


@rule("user.manage")
def _manage_user(user: User, person: User) -> bool:
    """Deactivate, reactivate, resend an invitation."""
    if person.id == user.id:
        return False  # nobody locks themselves out
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.COORDINATOR
        and person.administration_id == user.administration_id
        and person.role == Role.LEARNER
    )


def assignable_roles(user: User, administration: Administration) -> list[Role]:
    """The roles `user` may give to a new account in `administration`."""
    if not can(user, "user.invite", administration):
        return []
    if user.role == Role.ADMIN:
        return list(Role)
    return [Role.LEARNER]  # coordinators enrol officers; other roles are granted by an admin


# Courses -----------------------------------------------------------------------------------


@rule("course.enrol")
def _enrol(user: User, _course: Any) -> bool:
    """Anyone with an account may take a course; the courses service enforces prerequisites."""
    return True


@rule("course.preview")
def _preview_course(user: User, _course: Any) -> bool:
    """Trainers and staff open any lesson without enrolling, to check what learners see."""
    return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


# Authoring ---------------------------------------------------------------------------------


@rule("course.create")
def _create_course(user: User, _target: Any) -> bool:
    """Trainers and staff start new courses in the editor."""
    return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


@rule("course.edit")
def _edit_course(user: User, course: Any) -> bool:
    """Staff edit every course; a trainer the courses they created or were assigned to.

    `course` is anything with `author_ids` (app.authoring.drafts.Authorship).
    """
    return is_staff(user) or (user.role == Role.TRAINER and user.id in course.author_ids)


@rule("course.export")
def _export_course(user: User, course: Any) -> bool:
    """A course leaves whole, question banks and their answers too, only with those who may edit it."""
    return _edit_course(user, course)


@rule("course.assign_authors")
def _assign_authors(user: User, _slug: Any) -> bool:
    return is_staff(user)


@rule("course.import")
def _import_courses(user: User, _target: Any) -> bool:
    """Uploading a course in the content format replaces courses wholesale: admins only."""
    return user.role == Role.ADMIN


# Assessments -------------------------------------------------------------------------------


@rule("attempt.view")
def _view_attempt(user: User, attempt: Any) -> bool:
    """An attempt is its learner's; staff may read it (to answer an appeal)."""
    return attempt.user_id == user.id or is_staff(user)


@rule("attempt.answer")
def _answer_attempt(user: User, attempt: Any) -> bool:
    """Only the learner answers their own attempt."""
    return attempt.user_id == user.id


@rule("assessment.report")
def _assessment_report(user: User, _assessment: Any) -> bool:
    """Results and item analysis: trainers and staff."""
    return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


# Certificates ------------------------------------------------------------------------------


@rule("certificate.view")
def _view_certificate(user: User, certificate: Any) -> bool:
    """The holder, trainers and staff may download a certificate's PDF."""
    return certificate.user_id == user.id or user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


@rule("certificate.issue")
def _issue_certificate(user: User, _target: Any) -> bool:
    """Issuing by hand (a workshop, a correction) and exporting a course's certificates."""
    return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


@rule("certificate.revoke")
def _revoke_certificate(user: User, _certificate: Any) -> bool:
    """Revoking and reissuing: the directorate and admins."""
    return is_staff(user)


# The running site --------------------------------------------------------------------------


@rule("health.verbose")
def _health_verbose(user: User, _target: Any) -> bool:
    """What each process keeps and its counters (/healthz?verbose): admins only."""
    return user.role == Role.ADMIN


@rule("jobs.manage")
def _jobs_manage(user: User, _target: Any) -> bool:
    """The background jobs and the outbox (/admin/jobs): see what failed, retry it. Admins only."""
    return user.role == Role.ADMIN


@rule("downloads.list")
def _list_downloads(user: User, _target: Any) -> bool:
    """'Your exports and imports' in the header: for those who may have a file prepared or an import done by a job
    (a long directorate export, a cohort's certificates, a large CSV of people or members). Anyone may open their
    own list; a learner never has anything on it."""
    return user.role in (Role.TRAINER, Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN)


@rule("downloads.fetch")
def _fetch_download(user: User, download: Any) -> bool:
    """A prepared download (a long export, a cohort's certificates): the person who asked for it, and admins."""
    return download.user_id == user.id or user.role == Role.ADMIN


# Directorate and coordinators ----------------------------------------------------------------


@rule("directorate.view")
def _directorate_view(user: User, _target: Any) -> bool:
    """The overview, projects and reports: the directorate and admins."""
    return is_staff(user)


@rule("project.manage")
def _manage_project(user: User, _project: Any) -> bool:
    return is_staff(user)


@rule("project.lead")
def _lead_projects(user: User, _target: Any) -> bool:
    """Who may be named a project's lead: trainers, the directorate and admins."""
    return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)


@rule("project.view")
def _view_project(user: User, project: Any) -> bool:
    """A project's page, its periods' narrative and figures, and its reports (read-only unless `project.manage`): the
    directorate and admins, and the person who leads it — a trainer leading a project reads its figures and writes
    its narrative without seeing the directorate's other projects."""
    return is_staff(user) or (project is not None and project.lead_id == user.id)


@rule("project.narrate")
def _narrate_project(user: User, project: Any) -> bool:
    """A period's narrative for the donor report: the project's lead, and the directorate and admins."""
    return is_staff(user) or (project is not None and project.lead_id == user.id)


@rule("administration.dashboard")
def _administration_dashboard(user: User, administration: Administration) -> bool:
    """A coordinator's page: their own administration; staff may open any."""
    return is_staff(user) or (user.role == Role.COORDINATOR and _same_administration(user, administration))


@rule("cohort.create")
def _create_cohort(user: User, administration: Administration | None) -> bool:
    """Trainers and staff for any administration; coordinators for their own."""
    if user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN):
        return True
    return user.role == Role.COORDINATOR and (administration is None or _same_administration(user, administration))


@rule("cohort.manage")
def _manage_cohort(user: User, cohort: Any) -> bool:
    """See and change a cohort: trainers and staff, or the coordinator of its administration."""
    if user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN):
        return True
    return user.role == Role.COORDINATOR and cohort.administration_id == user.administration_id


@rule("audit.view")
def _audit_view(user: User, _target: Any) -> bool:
    return is_staff(user)


# Workshops ---------------------------------------------------------------------------------


def _invited(user: User, workshop: Any) -> bool:
    return user.administration_id in {a.id for a in workshop.administrations}


def _facilitates(user: User, workshop: Any) -> bool:
    return workshop.organiser_id == user.id or any(f.user_id == user.id for f in workshop.facilitators)


@rule("workshop.organise")
def _organise_workshop(user: User, workshop: Any) -> bool:
    """Create workshops: trainers and staff; change one: its organiser and staff."""
    if workshop is None:
        return user.role in (Role.TRAINER, Role.DIRECTORATE, Role.ADMIN)
    return is_staff(user) or workshop.organiser_id == user.id


@rule("workshop.view")
def _view_workshop(user: User, workshop: Any) -> bool:
    return is_staff(user) or user.role == Role.TRAINER or _facilitates(user, workshop) or _invited(user, workshop)


@rule("workshop.register_others")
def _register_others(user: User, target: Any) -> bool:
    """Staff register anyone invited; a coordinator the officers of their own administration."""
    workshop, officer = target
    if is_staff(user):
        return True
    return (
        user.role == Role.COORDINATOR
        and officer.administration_id == user.administration_id
        and _invited(user, workshop)
    )


@rule("workshop.attendance")
def _record_attendance(user: User, workshop: Any) -> bool:
    """The organiser, the facilitators with an account, and staff."""
    return is_staff(user) or _facilitates(user, workshop)


@rule("results.thresholds")
def _results_thresholds(user: User, _target: Any) -> bool:
    """The traffic lights' thresholds and reporting period: set by the directorate (and admins)."""
    return is_staff(user)


@rule("user.sex")
def _record_sex(user: User, person: User) -> bool:
    """A person's sex: the person and the directorate see and set it; coordinators and other learners do not."""
    return person.id == user.id or is_staff(user)
