"""What a platform-counted indicator counts, and its breakdowns: the same rows grouped five ways.

A platform indicator counts officers (each once) of the project's beneficiary administrations in
the rows of one figure (definitions.py: enrolled, completed, certified, trained) that happened
after its baseline date and up to the day, added to its baseline:
- enrolled and completed: in one of the project's courses;
- certified: any course certificate (as a project's targets count them);
- trained: at one of the project's workshops;
- and, when the indicator names them, only courses of its track and tier (a workshop has none).

A breakdown groups the same officers by administration, WCO region, track, tier or sex. By
administration, region and sex its parts add up to the count; an officer counted in two tracks
(or tiers) counts once in each. A breakdown by sex shows no group of fewer than
`SMALLEST_GROUP` people: such a group, and the next smallest so that it cannot be worked out
from the total, reads "fewer than 5".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.api import Administration, User
from app.courses.api import Course, Tier, Track
from app.directorate import definitions
from app.directorate.models import Indicator, Result, project_administrations, project_courses
from app.extensions import db

SMALLEST_GROUP = 5
BREAKDOWNS = {
    "administration": _l("By administration"),
    "region": _l("By WCO region"),
    "track": _l("By track"),
    "tier": _l("By tier"),
    "sex": _l("By sex"),
}
SEXES = {
    "female": _l("Female"),
    "male": _l("Male"),
    "prefer_not_to_say": _l("Prefer not to say"),
    None: _l("Not recorded"),
}


def _officers(ind: Indicator, on: date, *columns) -> sa.Select:
    """(officer id, *columns) for every row the indicator counts up to `on` (several rows per officer possible)."""
    rows = definitions.rows(ind.figure)
    project_id = sa.select(Result.project_id).where(Result.id == ind.result_id).scalar_subquery()
    query = (
        sa.select(rows.c.user_id, *columns)
        .select_from(rows)
        .join(User, User.id == rows.c.user_id)
        .join(Administration, Administration.id == User.administration_id)
        .join(
            project_administrations,
            sa.and_(
                project_administrations.c.administration_id == User.administration_id,
                project_administrations.c.project_id == project_id,
            ),
        )
        .outerjoin(Course, Course.id == rows.c.course_id)
        .outerjoin(Track, Track.id == Course.track_id)
        .outerjoin(Tier, Tier.id == Course.tier_id)
        .where(
            rows.c.at >= datetime.combine(ind.baseline_date + timedelta(days=1), datetime.min.time()),
            rows.c.at < datetime.combine(on + timedelta(days=1), datetime.min.time()),
        )
    )
    if ind.figure in ("enrolled", "completed"):
        query = query.join(
            project_courses,
            sa.and_(project_courses.c.project_id == project_id, project_courses.c.course_id == rows.c.course_id),
        )
    elif ind.figure == "trained":
        query = query.where(rows.c.project_id == project_id)
    if ind.track_id is not None:
        query = query.where(Course.track_id == ind.track_id)
    if ind.tier_id is not None:
        query = query.where(Course.tier_id == ind.tier_id)
    return query


def count_statement(ind: Indicator, on: date) -> sa.Select:
    """The statement counting the officers of `count` (several can be asked in one SELECT, as the overview does)."""
    if on <= ind.baseline_date:
        return sa.select(sa.literal(0))
    found = _officers(ind, on).subquery()
    return sa.select(sa.func.count(sa.distinct(found.c.user_id)))


def count(ind: Indicator, on: date) -> int:
    """Officers the platform indicator counts from the day after its baseline date up to `on`, each once."""
    return db.session.scalar(count_statement(ind, on)) or 0


def _columns(dimension: str):
    return {
        "administration": (Administration.name,),
        "region": (Administration.region,),
        "track": (Track.title,),
        "tier": (Tier.title,),
        "sex": (User.sex,),
    }[dimension]


def breakdown(ind: Indicator, on: date, dimension: str) -> list[tuple[str, int | None]]:
    """[(group, officers)] of a platform indicator by one dimension; None for a suppressed group (by sex)."""
    if on <= ind.baseline_date:
        return []
    (column,) = _columns(dimension)
    found = _officers(ind, on, column.label("key")).subquery()
    groups = db.session.execute(
        sa.select(found.c.key, sa.func.count(sa.distinct(found.c.user_id))).group_by(found.c.key).order_by(found.c.key)
    ).all()
    rows = [(_label(dimension, key), n) for key, n in groups]
    return suppress_small(rows) if dimension == "sex" else rows


def _label(dimension: str, key) -> str:
    if dimension == "sex":
        return str(SEXES.get(key, key))
    if dimension == "region":
        return key.label if key is not None else str(_l("No region (WCO Secretariat)"))
    return key if key is not None else str(_l("No track or tier (workshops)"))


def suppress_small(rows: list[tuple[str, int]]) -> list[tuple[str, int | None]]:
    """Hide every group of fewer than SMALLEST_GROUP people; when only one is hidden, hide the next smallest too.

    With the total shown, a single hidden group could be worked out by subtraction.
    """
    hidden = {i for i, (_group, n) in enumerate(rows) if n < SMALLEST_GROUP}
    if len(hidden) == 1 and len(rows) > 1:
        others = sorted((n, i) for i, (_group, n) in enumerate(rows) if i not in hidden)
        hidden.add(others[0][1])
    return [(group, None if i in hidden else n) for i, (group, n) in enumerate(rows)]
