"""Projects, targets, milestones and cohorts: the write side, validated and audited.

Services only flush; the request or command commits. Every problem is a ProjectError whose
message names it; nothing is written when one is raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app import downloads, policy
from app.audit.services import record, snapshot
from app.auth import names
from app.auth import services as accounts
from app.auth.api import Administration, Role, User
from app.common import storage
from app.common.csvfiles import Problem, read_rows
from app.courses import services as courses
from app.courses.api import Course
from app.directorate.models import (
    INDICATORS,
    MILESTONE_STATUSES,
    PROJECT_STATUSES,
    Cohort,
    CohortMember,
    Milestone,
    Project,
    Target,
    cohort_courses,
)
from app.extensions import db

PROJECT_FIELDS = ["code", "title", "partner", "start_date", "end_date", "status", "objectives", "lead_id"]
MILESTONE_FIELDS = ["title", "due_date", "status", "completed_on", "evidence_note", "evidence_url", "evidence_filename"]
TARGET_FIELDS = ["year", "indicator", "track_id", "tier_id", "label", "target_value", "manual_value"]
COHORT_FIELDS = ["name", "administration_id", "project_id", "start_date", "end_date"]


class ProjectError(ValueError):
    """Input that cannot be saved; the message says what is wrong."""


# Projects -----------------------------------------------------------------------------------


def project_by_code(code: str) -> Project | None:
    return db.session.scalar(sa.select(Project).where(Project.code == code.strip().upper()))


def projects() -> list[Project]:
    return list(db.session.scalars(sa.select(Project).order_by(Project.start_date, Project.code)))


def projects_for_workshops(_sender) -> list[Project]:
    """The directorate's answer to `events.workshop_projects`: every project."""
    return projects()


def projects_led(_sender, user_id: int) -> list[Project]:
    """The directorate's answer to `events.projects_led`: the projects this person leads."""
    led = sa.select(Project).where(Project.lead_id == user_id)
    return list(db.session.scalars(led.order_by(Project.start_date, Project.code)))


def save_project(
    actor,
    project: Project | None,
    *,
    code: str,
    title: str,
    partner: str,
    start_date: date,
    end_date: date,
    status: str,
    objectives: str,
    lead: User | None,
    administrations: list[Administration],
    course_list: list[Course],
) -> Project:
    """Create or update a project after checking its dates, code and milestones."""
    code = code.strip().upper()
    if not code or not title.strip():
        raise ProjectError(_("A project needs a code and a title."))
    if end_date < start_date:
        raise ProjectError(_("The end date is before the start date."))
    if status not in PROJECT_STATUSES:
        raise ProjectError(_("Unknown status “%(status)s”.", status=status))
    if not administrations:
        raise ProjectError(_("Name at least one beneficiary administration."))
    existing = project_by_code(code)
    if existing is not None and existing is not project:
        raise ProjectError(_("The code %(code)s is already used by another project.", code=code))
    if project is not None:
        outside = [m for m in project.milestones if not start_date <= m.due_date <= end_date]
        if outside:
            raise ProjectError(_("Milestone “%(title)s” would fall outside the new dates.", title=outside[0].title))
        years = [t for t in project.targets if not start_date.year <= t.year <= end_date.year]
        if years:
            raise ProjectError(_("A target for %(year)d would fall outside the new dates.", year=years[0].year))
    before = snapshot(project, PROJECT_FIELDS) if project else None
    project = project or Project()
    project.code, project.title, project.partner = code, " ".join(title.split()), partner.strip()
    project.start_date, project.end_date, project.status = start_date, end_date, status
    project.objectives, project.lead = objectives.strip(), lead
    project.administrations, project.courses = administrations, course_list
    db.session.add(project)
    db.session.flush()
    record(
        actor,
        "project",
        project.id,
        "update" if before else "create",
        label=project.code,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )
    return project


def save_milestone(
    actor,
    project: Project,
    milestone: Milestone | None,
    *,
    title: str,
    due_date: date,
    status: str,
    completed_on: date | None,
    evidence_note: str = "",
    evidence_url: str | None = None,
) -> Milestone:
    """Create or update a milestone, which must fall within the project."""
    if not title.strip():
        raise ProjectError(_("A milestone needs a title."))
    if not project.start_date <= due_date <= project.end_date:
        raise ProjectError(
            _(
                "The due date %(due)s is outside the project (%(start)s to %(end)s).",
                due=format_date(due_date),
                start=format_date(project.start_date),
                end=format_date(project.end_date),
            )
        )
    if status not in MILESTONE_STATUSES:
        raise ProjectError(_("Unknown status “%(status)s”.", status=status))
    if status == "done" and completed_on is None:
        completed_on = date.today()
    if completed_on is not None and completed_on < project.start_date:
        raise ProjectError(_("The completion date is before the project starts."))
    if evidence_url and not evidence_url.startswith(("https://", "http://")):
        raise ProjectError(_("The evidence link must start with https:// or http://."))
    before = snapshot(milestone, MILESTONE_FIELDS) if milestone else None
    milestone = milestone or Milestone(project=project)
    milestone.title, milestone.due_date, milestone.status = " ".join(title.split()), due_date, status
    milestone.completed_on = completed_on if status == "done" else None
    milestone.evidence_note, milestone.evidence_url = evidence_note.strip(), evidence_url or None
    db.session.add(milestone)
    db.session.flush()
    record(
        actor,
        "milestone",
        milestone.id,
        "update" if before else "create",
        label=f"{project.code}: {milestone.title}",
        before=before,
        after=snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


def attach_evidence(actor, milestone: Milestone, filename: str, data: bytes) -> None:
    """Keep an uploaded evidence file; it is only ever served as a download."""
    try:
        name, digest = storage.store("evidence", filename, data)
    except storage.UploadError as error:
        raise ProjectError(_("Evidence: %(problem)s", problem=error)) from error
    before = snapshot(milestone, MILESTONE_FIELDS)
    milestone.evidence_filename, milestone.evidence_sha256 = name, digest
    record(
        actor,
        "milestone",
        milestone.id,
        "update",
        label=milestone.title,
        before=before,
        after=snapshot(milestone, MILESTONE_FIELDS),
    )


def save_target(
    actor,
    project: Project,
    target: Target | None,
    *,
    year: int,
    indicator: str,
    target_value: float,
    track_id: int | None = None,
    tier_id: int | None = None,
    label: str = "",
    manual_value: float | None = None,
) -> Target:
    """Create or update a yearly target, for a year the project covers."""
    if not project.start_date.year <= year <= project.end_date.year:
        raise ProjectError(
            _(
                "%(year)d is outside the project (%(start)d to %(end)d).",
                year=year,
                start=project.start_date.year,
                end=project.end_date.year,
            )
        )
    if indicator not in INDICATORS:
        raise ProjectError(_("Unknown indicator “%(indicator)s”.", indicator=indicator))
    if indicator == "custom" and not label.strip():
        raise ProjectError(_("A custom indicator needs a name."))
    if target_value is None or target_value <= 0:
        raise ProjectError(_("The target must be a number above zero."))
    if manual_value is not None and manual_value < 0:
        raise ProjectError(_("The actual value cannot be negative."))
    before = snapshot(target, TARGET_FIELDS) if target else None
    target = target or Target(project=project)
    target.year, target.indicator, target.target_value = year, indicator, target_value
    target.track_id = track_id if indicator == "certified" else None
    target.tier_id = tier_id if indicator == "certified" else None
    target.label = label.strip()
    target.manual_value = manual_value if indicator == "custom" else None
    db.session.add(target)
    db.session.flush()
    record(
        actor,
        "target",
        target.id,
        "update" if before else "create",
        label=f"{project.code} {year} {indicator}",
        before=before,
        after=snapshot(target, TARGET_FIELDS),
    )
    return target


def delete_target(actor, target: Target) -> None:
    record(
        actor,
        "target",
        target.id,
        "delete",
        label=f"{target.project.code} {target.year} {target.indicator}",
        before=snapshot(target, TARGET_FIELDS),
    )
    db.session.delete(target)


# Cohorts ------------------------------------------------------------------------------------


def visible_cohorts(user: User) -> list[Cohort]:
    """The cohorts this user may see: a coordinator's administration's, or all."""
    query = sa.select(Cohort).options(sa.orm.joinedload(Cohort.administration)).order_by(Cohort.start_date.desc())
    if not (policy.is_staff(user) or user.role == Role.TRAINER):
        query = query.where(Cohort.administration_id == user.administration_id)
    return list(db.session.scalars(query))


def cohorts_of(user: User) -> list[Cohort]:
    """The cohorts this person is a member of, latest first, in one query (their page lists them)."""
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id)
            .order_by(Cohort.start_date.desc(), Cohort.name)
        )
    )


def save_cohort(
    actor,
    cohort: Cohort | None,
    *,
    name: str,
    administration: Administration,
    start_date: date,
    end_date: date,
    course_list: list[Course],
    project: Project | None,
) -> Cohort:
    """Create or update a cohort of one administration."""
    if not name.strip():
        raise ProjectError(_("A cohort needs a name."))
    if end_date < start_date:
        raise ProjectError(_("The end date is before the start date."))
    if not course_list:
        raise ProjectError(_("Choose at least one course."))
    if project is not None and administration not in project.administrations:
        raise ProjectError(
            _(
                "%(administration)s is not a beneficiary of project %(code)s.",
                administration=administration.name,
                code=project.code,
            )
        )
    if cohort is not None and cohort.administration_id != administration.id:
        raise ProjectError(_("A cohort stays with its administration."))
    before = snapshot(cohort, COHORT_FIELDS) if cohort else None
    cohort = cohort or Cohort(created_by_id=actor.id)
    cohort.name, cohort.administration, cohort.project = " ".join(name.split()), administration, project
    cohort.start_date, cohort.end_date, cohort.courses = start_date, end_date, course_list
    db.session.add(cohort)
    db.session.flush()
    record(
        actor,
        "cohort",
        cohort.id,
        "update" if before else "create",
        label=cohort.name,
        before=before,
        after=snapshot(cohort, COHORT_FIELDS),
    )
    return cohort


def member_ids(cohort: Cohort) -> sa.Select:
    """The ids of a cohort's officers, as a select to use inside another query."""
    return sa.select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)


def course_ids(cohort: Cohort) -> sa.Select:
    """The ids of a cohort's courses, as a select to use inside another query."""
    return sa.select(cohort_courses.c.course_id).where(cohort_courses.c.cohort_id == cohort.id)


def members(cohort: Cohort) -> list[CohortMember]:
    return list(
        db.session.scalars(
            sa.select(CohortMember)
            .where(CohortMember.cohort_id == cohort.id)
            .join(User, User.id == CohortMember.user_id)
            .options(sa.orm.contains_eager(CohortMember.user))
            .order_by(User.full_name)
        )
    )


def _enrol_member(cohort: Cohort, user: User) -> None:
    """Open the cohort's courses to the officer: enrol where the prerequisites are met."""
    for course in cohort.courses:
        view = courses.course_by_id(course.id)
        if courses.enrolment_for(user, view) is None and not courses.requirements_for(user, view):
            courses.enrol(user, view)


def add_member(actor, cohort: Cohort, user: User) -> bool:
    """Add an officer of the cohort's administration; False if already a member."""
    if user.administration_id != cohort.administration_id:
        raise ProjectError(_("%(email)s belongs to another administration.", email=user.email))
    exists = db.session.scalar(
        sa.select(CohortMember.id).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    )
    if exists:
        return False
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
    _enrol_member(cohort, user)
    db.session.flush()
    record(actor, "cohort", cohort.id, "add", label=f"{cohort.name}: {user.email}", after={"user_id": user.id})
    return True


def courses_waiting(cohort: Cohort, user: User) -> list[Course]:
    """The cohort's courses the member is not enrolled in: their prerequisites are not complete yet."""
    return [course for course in cohort.courses if courses.enrolment_for(user, course) is None]


def officer_by_email(cohort: Cohort, email: str) -> User | None:
    """The officer of the cohort's administration with this address, or None.

    None too when the address belongs to someone elsewhere: what a cohort's manager may learn of
    an address is whether it is one of their administration's officers, nothing more. An invalid
    address raises AccountError, as in every other way in.
    """
    user = accounts.find_user(accounts.normalise_email(email))
    if user is None or user.administration_id != cohort.administration_id:
        return None
    return user


def member(cohort: Cohort, user_id: int) -> User | None:
    """The officer with this id if they are a member of the cohort (and of its administration), else None."""
    return db.session.scalar(
        sa.select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            User.id == user_id,
            User.administration_id == cohort.administration_id,
        )
    )


def remove_member(actor, cohort: Cohort, user: User) -> None:
    """Take a member out of the cohort; their enrolments and progress stay theirs."""
    db.session.execute(
        sa.delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    )
    record(actor, "cohort", cohort.id, "remove", label=f"{cohort.name}: {user.email}", before={"user_id": user.id})


@dataclass
class MemberImport:
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    created: list[User] = field(default_factory=list)
    planned: int = 0  # lines that pass (every one, when there is no problem)


def import_members(actor, cohort: Cohort, data: bytes, *, check_only: bool = False) -> MemberImport:
    """Add officers from a CSV (email, and full_name for officers without an account yet): all or nothing.

    Existing accounts must belong to the cohort's administration; new ones are created in it
    and invited. `check_only`: check every line, write nothing (`planned` says how many lines pass).
    """
    result = MemberImport()
    rows, result.problems = read_rows(data, ("email",), ("full_name",))
    if result.problems and not rows:
        return result
    addresses: list[tuple[int, dict, str]] = []
    for line, row in rows:
        try:
            addresses.append((line, row, accounts.normalise_email(row.get("email", ""))))
        except accounts.AccountError as error:
            result.problems.append(Problem(line, str(error)))
    emails = {email for _line, _row, email in addresses}
    found = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    seen: dict[str, int] = {}
    plan: list[tuple[User | None, str, str]] = []
    administration = cohort.administration.name
    for line, row, email in addresses:
        if email in seen:
            result.problems.append(
                Problem(line, _("%(email)s is also on line %(line)d.", email=email, line=seen[email]))
            )
            continue
        seen[email] = line
        user = found.get(email)
        # Someone of another administration reads as no officer of this one: the file learns only
        # whether an address is one of its officers (and, to invite, whether it is free).
        elsewhere = user is not None and user.administration_id != cohort.administration_id
        name = names.clean(row.get("full_name", ""))
        if user is None or elsewhere:
            if not name:
                message = _(
                    "%(email)s is not an officer of %(administration)s: give a full_name to invite a new officer.",
                    email=email,
                    administration=administration,
                )
            elif elsewhere:
                message = _("%(email)s cannot be invited: the address is already in use.", email=email)
            elif refused := names.name_problem(name):
                message = refused
            else:
                plan.append((None, email, name))
                continue
            result.problems.append(Problem(line, message))
        else:
            plan.append((user, email, name))
    if not rows and not result.problems:
        result.problems.append(Problem(1, _("The file holds no officers.")))
    if result.problems:
        result.problems.sort(key=lambda problem: problem.line)
        return result
    result.planned = len(plan)
    if check_only:
        return result
    for user, email, name in plan:
        if user is None:
            user = accounts.create_account(
                email=email, full_name=name, role=Role.LEARNER, administration=cohort.administration
            )
            result.created.append(user)
        result.added += add_member(actor, cohort, user)
    return result


def import_members_kept_file(cohort_id: int, sha256: str, actor_id: int) -> str:
    """The job of a large cohort import: the file (kept in the Store when it was checked) is checked again and its
    officers added (new ones created and invited) in one transaction, or none; returns what was done."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise downloads.Refused(_("The cohort no longer exists: nothing was imported."))
    data = downloads.open_import(sha256)
    result = import_members(db.session.get(User, actor_id), cohort, data)
    if result.problems:
        db.session.rollback()
        lines = [_("Line %(line)d: %(message)s", line=p.line, message=p.message) for p in result.problems[:20]]
        raise downloads.Refused(_("Nothing was imported. %(problems)s", problems=" ".join(lines)))
    for user in result.created:
        accounts.send_invitation(user)  # in the job's transaction: sent once the accounts are committed
    db.session.commit()
    return members_added_message(result.added, len(result.created))


def members_added_message(added: int, invited: int) -> str:
    """“12 officers added. 3 new accounts invited.” (the page's flash, and a large import's outcome)."""
    message = ngettext("%(num)d officer added.", "%(num)d officers added.", added)
    if invited:
        message += " " + ngettext("%(num)d new account invited.", "%(num)d new accounts invited.", invited)
    return message
