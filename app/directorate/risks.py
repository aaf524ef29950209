"""A project's risk register: levels and bands, open risks, overdue reviews.

A risk's level is likelihood × impact (1–25), in bands the register states: low 1–4, medium 5–9,
high 10–16, critical 20–25. A review is overdue when an open risk's review date has passed.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.directorate.models import Project, Risk
from app.extensions import db

#: (band, lowest level, highest level, its words): every level 1–25 falls in one.
BANDS = (
    ("low", 1, 4, _l("Low")),
    ("medium", 5, 9, _l("Medium")),
    ("high", 10, 16, _l("High")),
    ("critical", 20, 25, _l("Critical")),
)


def band(level: int) -> tuple[str, str]:
    """(key, words) of the band a level falls in."""
    for key, low, high, words in BANDS:
        if low <= level <= high:
            return key, str(words)
    raise ValueError(level)


def register(project: Project) -> list[Risk]:
    """The project's risks: open ones first, the highest level first, then the closed ones."""
    return list(
        db.session.scalars(
            sa.select(Risk)
            .where(Risk.project_id == project.id)
            .order_by(Risk.closed_on.is_not(None), (Risk.likelihood * Risk.impact).desc(), Risk.review_on)
        )
    )


def overdue_reviews(on: date, project_ids: list[int] | None = None) -> list[tuple[str, Risk]]:
    """[(project code, risk)] of open risks whose review date passed before `on`, the oldest review first."""
    query = (
        sa.select(Project.code, Risk)
        .join(Project, Project.id == Risk.project_id)
        .where(Risk.closed_on.is_(None), Risk.review_on < on)
        .order_by(Risk.review_on, Project.code)
    )
    if project_ids is not None:
        query = query.where(Risk.project_id.in_(project_ids))
    return [(code, risk) for code, risk in db.session.execute(query).all()]
