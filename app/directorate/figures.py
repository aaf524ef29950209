"""Dashboard figures, each from a SQL aggregate: a fixed number of statements whatever the data size.

The project status rule (shown on the page):
- before its start date a project is "not started", and a closed or suspended one says so;
- otherwise compare progress (targets reached so far: the sum of min(actual, target) over the
  sum of targets of the years begun) with time elapsed (share of the project's days gone by);
- "late" when a milestone is more than 60 days overdue, or progress trails time by more than
  25 points;
- "at risk" when a milestone is overdue, or progress trails time by more than 10 points;
- "on track" otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.models import Administration, Region, User
from app.certificates.models import Certificate
from app.courses.models import Course, Enrolment, Tier, Track
from app.directorate.models import Milestone, Project, Target, project_administrations, project_courses
from app.extensions import db

LATE_DAYS = 60
LATE_GAP, RISK_GAP = 0.25, 0.10


@dataclass
class Filters:
    """What the overview is narrowed to; `administration_ids` also scopes a coordinator."""

    start: date | None = None
    end: date | None = None
    region: Region | None = None
    administration_id: int | None = None
    track_id: int | None = None

    def users(self, query, user_column):
        """Narrow a query to the officers the filters cover."""
        if self.region is None and self.administration_id is None:
            return query
        query = query.join(User, User.id == user_column).join(
            Administration, Administration.id == User.administration_id
        )
        if self.region is not None:
            query = query.where(Administration.region == self.region)
        if self.administration_id is not None:
            query = query.where(Administration.id == self.administration_id)
        return query

    def period(self, query, column):
        if self.start:
            query = query.where(column >= datetime.combine(self.start, datetime.min.time()))
        if self.end:
            query = query.where(column < datetime.combine(self.end + timedelta(days=1), datetime.min.time()))
        return query


# Projects -----------------------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    actual: float


@dataclass
class ProjectState:
    project: Project
    status: str  # not started, on track, at risk, late, closed, suspended
    elapsed: float  # 0..1
    progress: float | None  # 0..1, None without targets due yet
    overdue: int
    targets: list[TargetProgress] = field(default_factory=list)


def _year(column):
    return sa.cast(sa.extract("year", column), sa.Integer)


def target_actuals(project_ids: list[int]) -> dict[int, list[TargetProgress]]:
    """Every target of these projects with its actual, from two GROUP BY queries."""
    if not project_ids:
        return {}
    targets = list(
        db.session.scalars(sa.select(Target).where(Target.project_id.in_(project_ids)).order_by(Target.year, Target.id))
    )
    # Start from the beneficiary administrations, then their officers, then their enrolments and
    # certificates: SQLite otherwise walks every enrolment of each covered course, or every valid
    # certificate (0.95 s instead of 49 ms for all projects at size L in the benchmark). Writing
    # the joins in that order is not enough, SQLite chooses its own: `+ 0` and `|| ''` keep it
    # from using the course and status indexes, which leaves the officers' indexes as the way in.
    enrolled = {
        (p, y): n
        for p, y, n in db.session.execute(
            sa.select(
                project_administrations.c.project_id,
                _year(Enrolment.enrolled_at),
                sa.func.count(sa.distinct(Enrolment.user_id)),
            )
            .select_from(project_administrations)
            .join(User, User.administration_id == project_administrations.c.administration_id)
            .join(Enrolment, Enrolment.user_id == User.id)
            .join(
                project_courses,
                sa.and_(
                    project_courses.c.project_id == project_administrations.c.project_id,
                    project_courses.c.course_id == Enrolment.course_id + 0,
                ),
            )
            .where(project_administrations.c.project_id.in_(project_ids))
            .group_by(project_administrations.c.project_id, _year(Enrolment.enrolled_at))
        )
    }
    certified: dict[tuple, int] = defaultdict(int)
    for p, y, track, tier, n in db.session.execute(
        sa.select(
            project_administrations.c.project_id,
            _year(Certificate.issued_at),
            Course.track_id,
            Course.tier_id,
            sa.func.count(sa.distinct(Certificate.user_id)),
        )
        .select_from(project_administrations)
        .join(User, User.administration_id == project_administrations.c.administration_id)
        .join(Certificate, Certificate.user_id == User.id)
        .join(Course, Course.id == Certificate.course_id)
        .where(
            project_administrations.c.project_id.in_(project_ids),
            Certificate.status.concat("") == "valid",
            Certificate.kind.concat("") == "course",
        )
        .group_by(project_administrations.c.project_id, _year(Certificate.issued_at), Course.track_id, Course.tier_id)
    ):
        certified[(p, y, track, tier)] += n
    workshops, trained = _workshop_counts(project_ids)
    result: dict[int, list[TargetProgress]] = defaultdict(list)
    for target in targets:
        if target.indicator == "enrolled":
            actual = enrolled.get((target.project_id, target.year), 0)
        elif target.indicator == "certified":
            actual = sum(
                n
                for (p, y, track, tier), n in certified.items()
                if p == target.project_id
                and y == target.year
                and target.track_id in (None, track)
                and target.tier_id in (None, tier)
            )
        elif target.indicator == "workshops":
            actual = workshops.get((target.project_id, target.year), 0)
        elif target.indicator == "trained":
            actual = trained.get((target.project_id, target.year), 0)
        else:
            actual = target.manual_value or 0
        result[target.project_id].append(TargetProgress(target, float(actual)))
    return result


def _workshop_counts(project_ids: list[int]) -> tuple[dict, dict]:
    """Workshops held (ended, not cancelled) and officers trained (present at a session), per project and year."""
    from app.workshops.models import Attendance, Workshop, WorkshopSession

    today = date.today()
    held = dict(
        ((p, y), n)
        for p, y, n in db.session.execute(
            sa.select(Workshop.project_id, _year(Workshop.end_date), sa.func.count())
            .where(Workshop.project_id.in_(project_ids), Workshop.cancelled.is_(False), Workshop.end_date < today)
            .group_by(Workshop.project_id, _year(Workshop.end_date))
        )
    )
    trained = dict(
        ((p, y), n)
        for p, y, n in db.session.execute(
            sa.select(
                Workshop.project_id, _year(WorkshopSession.starts_at), sa.func.count(sa.distinct(Attendance.user_id))
            )
            .join(WorkshopSession, WorkshopSession.workshop_id == Workshop.id)
            .join(Attendance, Attendance.session_id == WorkshopSession.id)
            .where(Workshop.project_id.in_(project_ids), Attendance.present.is_(True))
            .group_by(Workshop.project_id, _year(WorkshopSession.starts_at))
        )
    )
    return held, trained


def project_states(today: date, project_ids: list[int] | None = None) -> list[ProjectState]:
    """Every project (or those given) with its computed status; four queries in all."""
    query = (
        sa.select(Project)
        .options(sa.orm.selectinload(Project.administrations))
        .order_by(Project.start_date, Project.code)
    )
    if project_ids is not None:
        query = query.where(Project.id.in_(project_ids))
    projects = list(db.session.scalars(query))
    ids = [p.id for p in projects]
    overdue = defaultdict(list)
    if ids:
        for project_id, due in db.session.execute(
            sa.select(Milestone.project_id, Milestone.due_date).where(
                Milestone.project_id.in_(ids),
                Milestone.due_date < today,
                Milestone.status.not_in(("done", "cancelled")),
            )
        ):
            overdue[project_id].append(due)
    actuals = target_actuals(ids)
    states = []
    for project in projects:
        span = max((project.end_date - project.start_date).days, 1)
        elapsed = min(max((today - project.start_date).days / span, 0.0), 1.0)
        due = [t for t in actuals.get(project.id, []) if t.target.year <= today.year]
        goal = sum(t.target.target_value for t in due)
        progress = sum(min(t.actual, t.target.target_value) for t in due) / goal if goal else None
        late = overdue.get(project.id, [])
        if project.status in ("closed", "suspended"):
            status = project.status
        elif today < project.start_date:
            status = "not started"
        else:
            gap = elapsed - progress if progress is not None else 0.0
            if any((today - d).days > LATE_DAYS for d in late) or gap > LATE_GAP:
                status = "late"
            elif late or gap > RISK_GAP:
                status = "at risk"
            else:
                status = "on track"
        states.append(ProjectState(project, status, elapsed, progress, len(late), actuals.get(project.id, [])))
    return states


# Learning activity ----------------------------------------------------------------------------

DIMENSIONS = ("region", "administration", "track", "tier")


def _dimension_columns(dimension: str):
    return {
        "region": (Administration.region,),
        "administration": (Administration.code, Administration.name),
        "track": (Track.title,),
        "tier": (Tier.rank, Tier.title),
    }[dimension]


def activity_by(dimension: str, filters: Filters) -> list[tuple]:
    """(label, enrolments, completions, certificates) per region, administration, track or tier: two queries."""
    columns = _dimension_columns(dimension)

    def base(query, user_column, course_column):
        query = (
            query.join(User, User.id == user_column)
            .join(Administration, Administration.id == User.administration_id)
            .join(Course, Course.id == course_column)
            .join(Track, Track.id == Course.track_id)
            .join(Tier, Tier.id == Course.tier_id)
        )
        if filters.region is not None:
            query = query.where(Administration.region == filters.region)
        if filters.administration_id is not None:
            query = query.where(Administration.id == filters.administration_id)
        if filters.track_id is not None:
            query = query.where(Course.track_id == filters.track_id)
        return query.group_by(*columns)

    enrolments = base(
        filters.period(
            sa.select(*columns, sa.func.count(Enrolment.id), sa.func.count(Enrolment.completed_at)).select_from(
                Enrolment
            ),
            Enrolment.enrolled_at,
        ),
        Enrolment.user_id,
        Enrolment.course_id,
    )
    certificates = base(
        filters.period(
            sa.select(*columns, sa.func.count(Certificate.id))
            .select_from(Certificate)
            .where(Certificate.status == "valid", Certificate.kind == "course"),
            Certificate.issued_at,
        ),
        Certificate.user_id,
        Certificate.course_id,
    )
    rows: dict[tuple, list] = {}
    for *key, enrolled, completed in db.session.execute(enrolments):
        rows[tuple(key)] = [enrolled, completed, 0]
    for *key, issued in db.session.execute(certificates):
        rows.setdefault(tuple(key), [0, 0, 0])[2] = issued
    result = []
    for key, (enrolled, completed, issued) in sorted(rows.items(), key=lambda item: [str(k) for k in item[0]]):
        if dimension == "region":
            label = Region(key[0]).label if key[0] else "WCO Secretariat"
        elif dimension == "administration":
            label = f"{key[1]} ({key[0]})"
        elif dimension == "tier":
            label = key[1]
        else:
            label = key[0]
        result.append((label, enrolled, completed, issued))
    return result


def monthly_trend(filters: Filters, today: date, months: int = 12) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM, enrolments, completions, certificates) for the last `months` months: three queries."""
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = datetime.combine(first, datetime.min.time())

    def per_month(column, *where):
        year, month = sa.extract("year", column), sa.extract("month", column)
        query = filters.users(sa.select(year, month, sa.func.count()).where(column >= since, *where), _user_of(column))
        if filters.track_id is not None:
            query = query.join(Course, Course.id == _course_of(column)).where(Course.track_id == filters.track_id)
        return {(int(y), int(m)): n for y, m, n in db.session.execute(query.group_by(year, month))}

    enrolled = per_month(Enrolment.enrolled_at)
    completed = per_month(Enrolment.completed_at)
    issued = per_month(Certificate.issued_at, Certificate.status == "valid", Certificate.kind == "course")
    rows, cursor = [], first
    while cursor <= today:
        key = (cursor.year, cursor.month)
        rows.append((f"{cursor:%Y-%m}", enrolled.get(key, 0), completed.get(key, 0), issued.get(key, 0)))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return rows


def _user_of(column):
    return Enrolment.user_id if column.class_ is Enrolment else Certificate.user_id


def _course_of(column):
    return Enrolment.course_id if column.class_ is Enrolment else Certificate.course_id


def active_officers(filters: Filters, today: date, days: int = 30) -> int:
    """Officers who logged in during the last `days` days."""
    since = datetime.combine(today - timedelta(days=days), datetime.min.time())
    query = sa.select(sa.func.count()).select_from(User).where(User.last_login_at >= since, User.active.is_(True))
    if filters.region is not None or filters.administration_id is not None:
        query = query.join(Administration, Administration.id == User.administration_id)
        if filters.region is not None:
            query = query.where(Administration.region == filters.region)
        if filters.administration_id is not None:
            query = query.where(Administration.id == filters.administration_id)
    return db.session.scalar(query)


# One administration (the coordinator's page) ---------------------------------------------------


def officers_of(administration_id: int) -> list[tuple]:
    """(user, enrolments, completions, certificates) for every officer of an administration: two queries."""
    learning = (
        sa.select(
            Enrolment.user_id,
            sa.func.count(Enrolment.id).label("enrolled"),
            sa.func.count(Enrolment.completed_at).label("completed"),
        )
        .group_by(Enrolment.user_id)
        .subquery()
    )
    certificates = (
        sa.select(Certificate.user_id, sa.func.count(Certificate.id).label("issued"))
        .where(Certificate.status == "valid")
        .group_by(Certificate.user_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            User,
            sa.func.coalesce(learning.c.enrolled, 0),
            sa.func.coalesce(learning.c.completed, 0),
            sa.func.coalesce(certificates.c.issued, 0),
        )
        .outerjoin(learning, learning.c.user_id == User.id)
        .outerjoin(certificates, certificates.c.user_id == User.id)
        .where(User.administration_id == administration_id)
        .order_by(User.full_name)
    )
    return [tuple(row) for row in rows]


def courses_of(administration_id: int) -> list[tuple]:
    """(course, enrolled, completed) for the officers of an administration: one query."""
    rows = db.session.execute(
        sa.select(Course, sa.func.count(Enrolment.id), sa.func.count(Enrolment.completed_at))
        .join(Enrolment, Enrolment.course_id == Course.id)
        .join(User, User.id == Enrolment.user_id)
        .where(User.administration_id == administration_id)
        .group_by(Course.id)
        .order_by(Course.title)
    )
    return [tuple(row) for row in rows]


def officers_behind(administration_id: int, course_id: int, completed: bool) -> list[User]:
    """The officers behind a figure of the coordinator's page: enrolled in (or completed) a course."""
    query = (
        sa.select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(User.administration_id == administration_id, Enrolment.course_id == course_id)
        .order_by(User.full_name)
    )
    if completed:
        query = query.where(Enrolment.completed_at.is_not(None))
    return list(db.session.scalars(query))


def cohort_progress(cohort_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(members, enrolments in the cohort's courses, completions) per cohort: one query each kind."""
    from app.directorate.models import CohortMember, cohort_courses

    if not cohort_ids:
        return {}
    members = dict(
        db.session.execute(
            sa.select(CohortMember.cohort_id, sa.func.count())
            .where(CohortMember.cohort_id.in_(cohort_ids))
            .group_by(CohortMember.cohort_id)
        ).all()
    )
    learning = {
        cohort_id: (enrolled, completed)
        for cohort_id, enrolled, completed in db.session.execute(
            sa.select(CohortMember.cohort_id, sa.func.count(Enrolment.id), sa.func.count(Enrolment.completed_at))
            .join(cohort_courses, cohort_courses.c.cohort_id == CohortMember.cohort_id)
            .join(
                Enrolment,
                sa.and_(Enrolment.user_id == CohortMember.user_id, Enrolment.course_id == cohort_courses.c.course_id),
            )
            .where(CohortMember.cohort_id.in_(cohort_ids))
            .group_by(CohortMember.cohort_id)
        )
    }
    return {cid: (members.get(cid, 0), *learning.get(cid, (0, 0))) for cid in cohort_ids}


def workshop_rows(project_id: int) -> list[tuple]:
    """(workshop, registered, attended, certificates of attendance) for a project's workshops: four queries."""
    from app.workshops.models import Attendance, Registration, Workshop, WorkshopSession

    workshops = list(
        db.session.scalars(sa.select(Workshop).where(Workshop.project_id == project_id).order_by(Workshop.start_date))
    )
    ids = [w.id for w in workshops]
    if not ids:
        return []
    registered = dict(
        db.session.execute(
            sa.select(Registration.workshop_id, sa.func.count())
            .where(Registration.workshop_id.in_(ids), Registration.status == "registered")
            .group_by(Registration.workshop_id)
        ).all()
    )
    attended = dict(
        db.session.execute(
            sa.select(WorkshopSession.workshop_id, sa.func.count(sa.distinct(Attendance.user_id)))
            .join(Attendance, Attendance.session_id == WorkshopSession.id)
            .where(WorkshopSession.workshop_id.in_(ids), Attendance.present.is_(True))
            .group_by(WorkshopSession.workshop_id)
        ).all()
    )
    keys = {f"workshop/{i}": i for i in ids}
    certified = {
        keys[k]: n
        for k, n in db.session.execute(
            sa.select(Certificate.achievement_key, sa.func.count())
            .where(Certificate.achievement_key.in_(keys), Certificate.status == "valid")
            .group_by(Certificate.achievement_key)
        )
    }
    return [(w, registered.get(w.id, 0), attended.get(w.id, 0), certified.get(w.id, 0)) for w in workshops]
