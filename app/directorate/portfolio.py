"""The multi-year view of the results portfolio: every project's indicators by year, and how many are on track.

Each indicator's value at the end of each year (up to today) is read by the rule of the project
page (`results.current_value`: the platform's count, or the latest value entered on or before
the day), and its light today by `results.light`: the portfolio's figures are the pages' figures.
Filters: a WCO region (a beneficiary there), a partner, a PMM dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.api import Administration, Region
from app.directorate import results
from app.directorate.models import Indicator, IndicatorValue, Project, Result, project_administrations
from app.directorate.results_forms import LEVEL_NAMES, UNIT_NAMES
from app.extensions import db
from app.reports.tables import Table

#: The years shown at most, the latest ones (a portfolio's projects span a few years each).
MOST_YEARS = 8
#: The statuses the portfolio summary counts, in order.
SUMMARY = ("on_track", "at_risk", "off_track", "no_recent_value", "not_measurable")


@dataclass(frozen=True)
class Filters:
    region: Region | None = None
    partner: str | None = None
    pmm_dimension: str | None = None


@dataclass(frozen=True)
class Row:
    project: Project
    level: str
    indicator: Indicator
    by_year: dict[int, float | None]
    light: results.Light


@dataclass
class Portfolio:
    rows: list[Row]
    years: list[int]
    counts: dict[str, int] = field(default_factory=dict)


def partners() -> list[str]:
    """Every partner a project names, in order."""
    return list(
        db.session.scalars(sa.select(Project.partner).where(Project.partner != "").distinct().order_by(Project.partner))
    )


def pmm_dimensions() -> list[str]:
    """Every PMM dimension an indicator serves, in order."""
    return list(
        db.session.scalars(
            sa.select(Indicator.pmm_dimension)
            .where(Indicator.pmm_dimension.is_not(None))
            .distinct()
            .order_by(Indicator.pmm_dimension)
        )
    )


def _indicators(filters: Filters) -> list[tuple[Project, Result, Indicator]]:
    query = (
        sa.select(Project, Result, Indicator)
        .join(Result, Result.project_id == Project.id)
        .join(Indicator, Indicator.result_id == Result.id)
        .order_by(
            Project.code, Result.parent_id.is_not(None), Result.level, Result.position, Indicator.position, Indicator.id
        )
    )
    if filters.region is not None:
        beneficiary_there = (
            sa.select(project_administrations.c.project_id)
            .join(Administration, Administration.id == project_administrations.c.administration_id)
            .where(Administration.region == filters.region)
        )
        query = query.where(Project.id.in_(beneficiary_there))
    if filters.partner:
        query = query.where(Project.partner == filters.partner)
    if filters.pmm_dimension:
        query = query.where(Indicator.pmm_dimension == filters.pmm_dimension)
    return [tuple(row) for row in db.session.execute(query).all()]


def build(filters: Filters, today: date) -> Portfolio:
    """The portfolio under the filters: a row per indicator with its value at each year's end, and the summary."""
    found = _indicators(filters)
    if not found:
        return Portfolio([], [], dict.fromkeys(SUMMARY, 0))
    first = min(ind.baseline_date.year for _p, _r, ind in found)
    years = list(range(max(first, today.year - MOST_YEARS + 1), today.year + 1))
    # Values entered by people: one statement for all, read per year here (the latest on or before the day).
    manual_ids = [ind.id for _p, _r, ind in found if ind.source == "manual"]
    entered: dict[int, list[IndicatorValue]] = {}
    for value in db.session.scalars(
        sa.select(IndicatorValue)
        .where(IndicatorValue.indicator_id.in_(manual_ids))
        .order_by(IndicatorValue.measured_on, IndicatorValue.id)
    ):
        entered.setdefault(value.indicator_id, []).append(value)
    limits = results.thresholds()
    rows, counts = [], dict.fromkeys(SUMMARY, 0)
    for project, result, ind in found:
        by_year: dict[int, float | None] = {}
        for year in years:
            day = min(date(year, 12, 31), today)
            if day < ind.baseline_date:
                by_year[year] = None
            elif ind.source == "platform":
                by_year[year] = results.current_value(ind, day)
            else:
                known = [v.value for v in entered.get(ind.id, []) if v.measured_on <= day]
                by_year[year] = known[-1] if known else None
        light = results.light(ind, today, limits)
        counts[light.status] = counts.get(light.status, 0) + 1
        rows.append(Row(project, str(LEVEL_NAMES[result.level]), ind, by_year, light))
    return Portfolio(rows, years, counts)


def summary(filters: Filters, today: date) -> dict[str, int]:
    """How many of the indicators under the filters are on track, at risk, off track, without a recent value."""
    limits = results.thresholds()
    counts = dict.fromkeys(SUMMARY, 0)
    for _project, _result, ind in _indicators(filters):
        status = results.light(ind, today, limits).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def table(portfolio: Portfolio) -> Table:
    """The portfolio as a table (page download): a column per year."""
    return Table(
        key="indicators-by-year",
        title=_("Indicators by year"),
        sheet=_("Indicators by year"),
        columns=[
            _("Project"),
            _("Level"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            *(str(year) for year in portfolio.years),
            _("Target"),
            _("Target date"),
            _("Light"),
        ],
        rows=[
            [
                row.project.code,
                row.level,
                row.indicator.name,
                str(UNIT_NAMES.get(row.indicator.unit, row.indicator.unit)),
                row.indicator.baseline_value,
                *(row.by_year[year] for year in portfolio.years),
                row.indicator.target_value,
                row.indicator.target_date,
                str(results.STATUSES[row.light.status]),
            ]
            for row in portfolio.rows
        ],
        numeric={4, *range(5, 6 + len(portfolio.years))},
    )
