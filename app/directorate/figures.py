"""Dashboard figures, each from a SQL aggregate: a fixed number of statements whatever the data size.

A project's status is not here: it has one definition, `results.status_of` (see results.py).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.auth.api import Administration, Region, User
from app.certificates.api import Certificate
from app.courses.api import Course, Enrolment, Tier, Track
from app.directorate import definitions
from app.directorate.models import Project, Target, project_administrations, project_courses
from app.extensions import db
from app.workshops.api import Attendance, Registration, Workshop, WorkshopSession


@dataclass
class Filters:
    """What a page is narrowed to; `administration_id` also scopes a coordinator."""

    start: date | None = None
    end: date | None = None
    region: Region | None = None
    administration_id: int | None = None
    track_id: int | None = None

    @property
    def inverted(self) -> bool:
        """A period that ends before it starts holds no day: the page says so instead of showing zeros."""
        return self.start is not None and self.end is not None and self.end < self.start

    def period(self, query, column):
        """Narrow a query to the rows whose `column` falls in the period (both days included)."""
        if self.start:
            query = query.where(column >= datetime.combine(self.start, datetime.min.time()))
        if self.end and self.end < date.max:  # no day follows date.max: the period is open-ended
            query = query.where(column < datetime.combine(self.end + timedelta(days=1), datetime.min.time()))
        return query


# Projects -----------------------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    actual: float


def _year(column):
    return sa.cast(sa.extract("year", column), sa.Integer)


def target_actuals(project_ids: list[int]) -> dict[int, list[TargetProgress]]:
    """Every target of these projects with its actual: one query per kind of indicator.

    A target names its rows in words (see definitions.py), and its actual counts exactly those:
    - officers enrolled: officers of a beneficiary administration enrolled in one of the project's
      courses during the year (each officer once);
    - officers certified: officers of a beneficiary administration issued a valid course
      certificate (of the target's track and tier, when it names them) during the year, each once;
    - officers trained in workshops: officers present at a session of one of the project's
      workshops, their first session attended during the year, each once;
    - workshops held: the project's workshops not cancelled that ended during the year, before today;
    - a custom indicator: the value entered by hand.
    """
    if not project_ids:
        return {}
    targets = list(
        db.session.scalars(sa.select(Target).where(Target.project_id.in_(project_ids)).order_by(Target.year, Target.id))
    )
    ids = [t.id for t in targets]
    actual: dict[int, float] = {}
    if ids:
        actual.update(_officers_per_target(ids, "enrolled"))
        actual.update(_officers_per_target(ids, "certified"))
        actual.update(_officers_per_target(ids, "trained"))
        actual.update(_workshops_per_target(ids))
    result: dict[int, list[TargetProgress]] = defaultdict(list)
    for target in targets:
        value = target.manual_value or 0 if target.indicator == "custom" else actual.get(target.id, 0)
        result[target.project_id].append(TargetProgress(target, float(value)))
    return result


def _officers_per_target(target_ids: list[int], indicator: str) -> dict[int, int]:
    """{target id: officers} for the targets of one indicator, counted from the figure's own rows."""
    rows = definitions.rows(indicator)
    query = (
        sa.select(Target.id, sa.func.count(sa.distinct(rows.c.user_id)))
        .select_from(Target)
        .join(project_administrations, project_administrations.c.project_id == Target.project_id)
        .join(User, User.administration_id == project_administrations.c.administration_id)
        .join(rows, rows.c.user_id == User.id)
        .where(Target.id.in_(target_ids), Target.indicator == indicator, _year(rows.c.at) == Target.year)
        .group_by(Target.id)
    )
    if indicator == "enrolled":
        query = query.join(
            project_courses,
            # `+ 0`: SQLite would otherwise walk every enrolment of each project course (see definitions.rows).
            sa.and_(
                project_courses.c.project_id == Target.project_id, project_courses.c.course_id == rows.c.course_id + 0
            ),
        )
    elif indicator == "certified":
        query = query.join(Course, Course.id == rows.c.course_id).where(
            sa.or_(Target.track_id.is_(None), Target.track_id == Course.track_id),
            sa.or_(Target.tier_id.is_(None), Target.tier_id == Course.tier_id),
        )
    elif indicator == "trained":
        query = query.where(rows.c.project_id == Target.project_id)
    return dict(db.session.execute(query).all())


def _workshops_per_target(target_ids: list[int]) -> dict[int, int]:
    """{target id: workshops held} for "workshops held" targets: not cancelled, ended in the year, before today."""
    return dict(
        db.session.execute(
            sa.select(Target.id, sa.func.count(Workshop.id))
            .join(Workshop, Workshop.project_id == Target.project_id)
            .where(
                Target.id.in_(target_ids),
                Target.indicator == "workshops",
                Workshop.cancelled.is_(False),
                Workshop.end_date < date.today(),
                _year(Workshop.end_date) == Target.year,
            )
            .group_by(Target.id)
        ).all()
    )


def projects_matching(filters: Filters) -> list[int] | None:
    """The projects the filters cover (None: every project).

    A region or an administration keeps the projects with a beneficiary there, a track those with
    one of its courses, a period those running during some of it.
    """
    if not (filters.region or filters.administration_id or filters.track_id or filters.start or filters.end):
        return None
    query = sa.select(Project.id)
    if filters.region is not None or filters.administration_id is not None:
        query = query.join(project_administrations, project_administrations.c.project_id == Project.id).join(
            Administration, Administration.id == project_administrations.c.administration_id
        )
        if filters.region is not None:
            query = query.where(Administration.region == filters.region)
        if filters.administration_id is not None:
            query = query.where(Administration.id == filters.administration_id)
    if filters.track_id is not None:
        query = (
            query.join(project_courses, project_courses.c.project_id == Project.id)
            .join(Course, Course.id == project_courses.c.course_id)
            .where(Course.track_id == filters.track_id)
        )
    if filters.start is not None:
        query = query.where(Project.end_date >= filters.start)
    if filters.end is not None:
        query = query.where(Project.start_date <= filters.end)
    return list(db.session.scalars(query.distinct()))


# Learning activity ----------------------------------------------------------------------------

DIMENSIONS = ("region", "administration", "track", "tier")


def _dimension_columns(dimension: str):
    return {
        "region": (Administration.region,),
        "administration": (Administration.code, Administration.name),
        "track": (Track.title,),
        "tier": (Tier.rank, Tier.title),
    }[dimension]


def counts(key: str, filters: Filters, today: date, *columns, by_month: bool = False) -> sa.Select:
    """The query counting a figure's rows under the filters, grouped by `columns` (none: the total).

    The one place a figure meets the filters: period on the moment it counts by, region and
    administration of the officer, track of the course (a workshop has none, so a track leaves
    workshops out).
    """
    rows = definitions.rows(key)
    if by_month:
        columns = (*columns, _year(rows.c.at), sa.cast(sa.extract("month", rows.c.at), sa.Integer))
    count = (
        sa.func.count(sa.distinct(rows.c.user_id)) if definitions.FIGURES[key].distinct_officers else sa.func.count()
    )
    query = (
        sa.select(*columns, count)
        .select_from(rows)
        .join(User, User.id == rows.c.user_id)
        .join(Administration, Administration.id == User.administration_id)
        .outerjoin(Course, Course.id == rows.c.course_id)
        .outerjoin(Track, Track.id == Course.track_id)
        .outerjoin(Tier, Tier.id == Course.tier_id)
    )
    if filters.region is not None:
        query = query.where(Administration.region == filters.region)
    if filters.administration_id is not None:
        query = query.where(Administration.id == filters.administration_id)
    if filters.track_id is not None:
        query = query.where(Course.track_id == filters.track_id)
    query = filters.period(query, rows.c.at)
    if key == "active" and filters.start is None and filters.end is None:
        query = query.where(
            rows.c.at >= datetime.combine(today - timedelta(days=definitions.ACTIVE_DAYS), datetime.min.time())
        )
    return query.group_by(*columns) if columns else query


def totals(filters: Filters, today: date) -> dict[str, int]:
    """Every figure's total under the filters: one statement."""
    keys = list(definitions.FIGURES)
    values = db.session.execute(sa.select(*(counts(key, filters, today).scalar_subquery() for key in keys))).one()
    return dict(zip(keys, values, strict=True))


def _grouped(key: str, filters: Filters, today: date, columns, by_month: bool = False) -> dict[tuple, int]:
    query = counts(key, filters, today, *columns, by_month=by_month)
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(query)}


def shown(filters: Filters, dimension: str) -> tuple[str, ...]:
    """The figures a breakdown shows: workshops belong to no track or tier, nor to a track's filter."""
    if dimension in ("track", "tier", "course") or filters.track_id is not None:
        return definitions.LEARNING
    return (*definitions.LEARNING, "trained")


def activity_by(dimension: str, filters: Filters, today: date | None = None) -> list[tuple]:
    """(label, enrolments, completions, certificates[, trained]) per region, administration, track or tier."""
    today = today or date.today()
    columns = _dimension_columns(dimension)
    keys = shown(filters, dimension)
    found = [_grouped(key, filters, today, columns) for key in keys]
    result = []
    for key in sorted(set().union(*found), key=lambda k: [str(part) for part in k]):
        if dimension == "region":
            label = Region(key[0]).label if key[0] else "WCO Secretariat"
        elif dimension == "administration":
            label = f"{key[1]} ({key[0]})"
        elif dimension == "tier":
            label = key[1]
        else:
            label = key[0]
        result.append((label, *(figure.get(key, 0) for figure in found)))
    return result


def months_of(filters: Filters, today: date) -> list[date]:
    """The first day of each month "By month" shows: the period's months, or the twelve up to its end (today)."""
    last = filters.end or max(today, filters.start or today)
    cursor = date(last.year, last.month, 1)
    first = date(filters.start.year, filters.start.month, 1) if filters.start else None
    months = [cursor]
    while (cursor > first) if first else len(months) < 12:
        cursor = (cursor - timedelta(days=1)).replace(day=1)
        months.append(cursor)
    return months[::-1]


def monthly_trend(filters: Filters, today: date) -> list[tuple]:
    """(YYYY-MM, enrolments, completions, certificates[, trained]) per month of the period: one query per figure.

    Within the period's first and last months only the period's days count, so the months add up
    to the period's totals. Without a period, the last twelve months are shown.
    """
    months = months_of(filters, today)
    if filters.start is None:
        filters = dataclasses.replace(filters, start=months[0])
    keys = shown(filters, "month")
    found = []
    for key in keys:
        found.append(_grouped(key, filters, today, (), by_month=True))
    return [(f"{m:%Y-%m}", *(figure.get((m.year, m.month), 0) for figure in found)) for m in months]


# One administration (the coordinator's page) ---------------------------------------------------


def officers_of(administration_id: int, filters: Filters | None = None, today: date | None = None) -> list[tuple]:
    """(user, enrolments, completions, certificates, trained) for every officer of an administration.

    The same figures as the overview's, narrowed to the administration: one query per figure.
    """
    filters = dataclasses.replace(filters or Filters(), administration_id=administration_id, region=None)
    today = today or date.today()
    keys = (*definitions.LEARNING, "trained")
    found = [_grouped(key, filters, today, (User.id,)) for key in keys]
    users = db.session.scalars(
        sa.select(User).where(User.administration_id == administration_id).order_by(User.full_name)
    )
    return [(user, *(figure.get((user.id,), 0) for figure in found)) for user in users]


def courses_of(administration_id: int, filters: Filters | None = None, today: date | None = None) -> list[tuple]:
    """(course, enrolments, completions, certificates) for the officers of an administration."""
    filters = dataclasses.replace(filters or Filters(), administration_id=administration_id, region=None)
    today = today or date.today()
    found = [_grouped(key, filters, today, (Course.id,)) for key in definitions.LEARNING]
    ids = set().union(*found)
    if not ids:
        return []
    courses = db.session.scalars(sa.select(Course).where(Course.id.in_([i for (i,) in ids])).order_by(Course.title))
    return [(course, *(figure.get((course.id,), 0) for figure in found)) for course in courses]


def officers_behind(
    administration_id: int, course_id: int, key: str, filters: Filters | None = None, today: date | None = None
) -> list[User]:
    """The officers behind a figure of the coordinator's page: the rows of `key` for one course."""
    filters = dataclasses.replace(filters or Filters(), administration_id=administration_id, region=None)
    counted = counts(key, filters, today or date.today(), User.id).where(Course.id == course_id)
    ids = [user_id for user_id, _n in db.session.execute(counted)]
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.full_name)))


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
