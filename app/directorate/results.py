"""The results framework's rule: an indicator's progress, its traffic light, and a project's status.

The rule, as the project page states it:
- progress = (current − baseline) / (target − baseline): 0 at the baseline, 1 (100 %) at the
  target, whichever way is better (a lower-is-better indicator has its target below its baseline,
  so a fall is progress);
- expected progress by a day is read off a line from the baseline (0 on the baseline date)
  through each year's milestone (its progress, on the last day of its year) to the target (1 on
  the target date); with no milestones this is the share of the time elapsed; before the baseline
  date nothing is expected, after the target date everything is;
- on track when progress ≥ X × expected, at risk when progress ≥ Y × expected, else off track
  (X and Y are the directorate's thresholds, `ResultsSettings`);
- an indicator entered by hand with no value in the last reporting period (`period_days` up to the
  day) has "no recent value": nothing is guessed; one whose target equals its baseline (refused
  at entry, possibly stored before) "cannot be measured".

A project's status follows from its indicators and overdue milestones (`project_status`):
off track when an indicator is off track or a milestone is more than `figures.LATE_DAYS` days
overdue; at risk when an indicator is at risk or has no recent value, or a milestone is overdue;
on track when every indicator is on track; "not measured" without indicators.

`judge` is pure (numbers and dates in, a Light out) and tested with Hypothesis; the functions
around it read the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.directorate import results_counts
from app.directorate.figures import LATE_DAYS
from app.directorate.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    Project,
    Result,
    ResultsSettings,
)
from app.extensions import db

#: A light's statuses, in order from best to worst (the page's words for each).
STATUSES = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "off_track": _l("Off track"),
    "no_recent_value": _l("No recent value"),
    "not_measurable": _l("Cannot be measured"),
    "not_measured": _l("Not measured"),
}


@dataclass(frozen=True)
class Thresholds:
    """The directorate's thresholds: on track at ≥ on_track × expected, at risk at ≥ at_risk × expected."""

    on_track: float = 0.9
    at_risk: float = 0.6
    period_days: int = 365


@dataclass(frozen=True)
class Light:
    """An indicator's traffic light on a day: its status, progress and expected progress (0–1), and why."""

    status: str
    progress: float | None
    expected: float | None
    reason: str


def thresholds() -> Thresholds:
    """The thresholds the directorate set (the defaults until a director saves them)."""
    row = db.session.get(ResultsSettings, 1)
    if row is None:
        return Thresholds()
    return Thresholds(row.on_track, row.at_risk, row.period_days)


# The pure rule ---------------------------------------------------------------------------------


def share(baseline: float, target: float, value: float) -> float | None:
    """How far `value` has moved from the baseline towards the target (1 at the target); None when they are equal."""
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def expected_share(
    baseline_date: date, target_date: date, on: date, milestones: dict[int, float], baseline: float, target: float
) -> float:
    """The progress expected by `on`: a line from (baseline date, 0) through each milestone to (target date, 1)."""
    if on <= baseline_date:
        return 0.0
    if on >= target_date:
        return 1.0
    points = [(baseline_date, 0.0)]
    for year in sorted(milestones):
        day = date(year, 12, 31)
        part = share(baseline, target, milestones[year])
        if part is not None and baseline_date < day < target_date:
            points.append((day, part))
    points.append((target_date, 1.0))
    for (start, low), (end, high) in zip(points, points[1:], strict=False):
        if start <= on <= end:
            span = (end - start).days
            return low + (high - low) * (on - start).days / span if span else high
    return 1.0  # pragma: no cover - the points cover baseline date to target date


def judge(
    *,
    baseline: float,
    target: float,
    baseline_date: date,
    target_date: date,
    current: float | None,
    on: date,
    milestones: dict[int, float] | None = None,
    limits: Thresholds = Thresholds(),
) -> Light:
    """The light of an indicator with these figures on `on`: pure, no database (see the module's rule)."""
    if target == baseline:
        return Light(
            "not_measurable",
            None,
            None,
            str(_l("The target equals the baseline: there is no range to measure progress along.")),
        )
    expected = expected_share(baseline_date, target_date, on, milestones or {}, baseline, target)
    if current is None:
        return Light(
            "no_recent_value",
            None,
            expected,
            str(_l("No value measured in the last %(days)d days: enter one to see a light.", days=limits.period_days)),
        )
    progress = share(baseline, target, current)
    words = {"progress": round(100 * progress), "expected": round(100 * expected)}
    if progress >= limits.on_track * expected:
        return Light(
            "on_track",
            progress,
            expected,
            str(_l("%(progress)d %% of the way to the target, %(expected)d %% expected by now.", **words)),
        )
    if progress >= limits.at_risk * expected:
        return Light(
            "at_risk",
            progress,
            expected,
            str(_l("%(progress)d %% of the way to the target, behind the %(expected)d %% expected by now.", **words)),
        )
    return Light(
        "off_track",
        progress,
        expected,
        str(_l("%(progress)d %% of the way to the target, far behind the %(expected)d %% expected by now.", **words)),
    )


# Over the database ------------------------------------------------------------------------------


def latest_value(ind: Indicator, on: date) -> IndicatorValue | None:
    """The latest value measured on or before `on` (the last entered wins on the same day)."""
    return db.session.scalar(
        sa.select(IndicatorValue)
        .where(IndicatorValue.indicator_id == ind.id, IndicatorValue.measured_on <= on)
        .order_by(IndicatorValue.measured_on.desc(), IndicatorValue.id.desc())
        .limit(1)
    )


def current_value(ind: Indicator, on: date) -> float | None:
    """The indicator's value on `on`: counted by the platform, or the latest value entered on or before it."""
    if ind.source == "platform":
        return ind.baseline_value + results_counts.count(ind, on)
    value = latest_value(ind, on)
    return None if value is None else value.value


def progress(ind: Indicator, current: float | None, on: date) -> float | None:
    """Progress of `current` from the baseline to the target (1 = reached); None without a value or a range.

    `on` is part of the API for callers that pass a day: progress itself does not depend on it.
    """
    if current is None:
        return None
    return share(ind.baseline_value, ind.target_value, current)


def recent_value(ind: Indicator, on: date, limits: Thresholds) -> float | None:
    """The current value if it is recent enough to judge by: a manual one measured within the reporting period."""
    if ind.source == "platform":
        return current_value(ind, on)
    value = latest_value(ind, on)
    if value is None or value.measured_on < on - timedelta(days=limits.period_days):
        return None
    return value.value


def light(ind: Indicator, on: date, limits: Thresholds | None = None) -> Light:
    """The indicator's traffic light on `on`, by the stated rule."""
    limits = limits or thresholds()
    return judge(
        baseline=ind.baseline_value,
        target=ind.target_value,
        baseline_date=ind.baseline_date,
        target_date=ind.target_date,
        current=recent_value(ind, on, limits),
        on=on,
        milestones={m.year: m.value for m in ind.milestones},
        limits=limits,
    )


def chain(project: Project) -> list[Result]:
    """The project's results, top down: the impact first, then outcomes and outputs, each in its order."""
    return list(
        db.session.scalars(
            sa.select(Result)
            .where(Result.project_id == project.id)
            .order_by(Result.parent_id.is_not(None), Result.position, Result.id)
        )
    )


def indicators_of(project: Project) -> list[Indicator]:
    return list(
        db.session.scalars(
            sa.select(Indicator)
            .join(Result, Result.id == Indicator.result_id)
            .where(Result.project_id == project.id)
            .order_by(Result.id, Indicator.position, Indicator.id)
        )
    )


@dataclass(frozen=True)
class ProjectLight:
    """A project's status by the stated rule, with the counts it rests on."""

    status: str
    reason: str
    counts: dict[str, int]
    overdue_milestones: int


def project_status(project: Project, on: date, lights: dict[int, Light] | None = None) -> ProjectLight:
    """The project's status on `on` from its indicators' lights and its overdue milestones (the module's rule)."""
    limits = thresholds()
    if lights is None:
        lights = {ind.id: light(ind, on, limits) for ind in indicators_of(project)}
    counts = {status: 0 for status in STATUSES}
    for each in lights.values():
        counts[each.status] += 1
    overdue = list(
        db.session.scalars(
            sa.select(Milestone.due_date).where(
                Milestone.project_id == project.id,
                Milestone.due_date < on,
                Milestone.status.not_in(("done", "cancelled")),
            )
        )
    )
    late = [d for d in overdue if (on - d).days > LATE_DAYS]
    if counts["off_track"] or late:
        status = "off_track"
        reason = _l(
            "Indicators off track: %(off)d; milestones more than %(days)d days overdue: %(late)d.",
            off=counts["off_track"],
            late=len(late),
            days=LATE_DAYS,
        )
    elif counts["at_risk"] or counts["no_recent_value"] or overdue:
        status = "at_risk"
        reason = _l(
            "Indicators at risk: %(risk)d; with no recent value: %(stale)d; milestones overdue: %(overdue)d.",
            risk=counts["at_risk"],
            stale=counts["no_recent_value"],
            overdue=len(overdue),
        )
    elif counts["on_track"]:
        status = "on_track"
        reason = _l("Every indicator is on track and no milestone is overdue.")
    else:
        status = "not_measured"
        reason = _l("The project has no indicator to judge by yet.")
    return ProjectLight(status, str(reason), counts, len(overdue))


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator as the project page shows it: the indicator, its current value and its light."""

    indicator: Indicator
    current: float | None
    light: Light


@dataclass(frozen=True)
class ResultRow:
    """A result of the chain with its depth (0 impact, 1 outcome, 2 output) and its indicators' rows."""

    result: Result
    depth: int
    indicators: list[IndicatorRow]


def chain_rows(project: Project, on: date) -> tuple[list[ResultRow], ProjectLight]:
    """The results chain in reading order (impact, each outcome followed by its outputs) with every light,
    and the project's status from them: what the project page and the donor report show for `on`."""
    limits = thresholds()
    results = chain(project)
    children: dict[int | None, list[Result]] = {}
    for result in results:
        children.setdefault(result.parent_id, []).append(result)
    lights: dict[int, Light] = {}
    rows: list[ResultRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for result in sorted(children.get(parent_id, []), key=lambda r: (r.position, r.id)):
            indicator_rows = []
            for ind in result.indicators:
                lights[ind.id] = light(ind, on, limits)
                indicator_rows.append(IndicatorRow(ind, current_value(ind, on), lights[ind.id]))
            rows.append(ResultRow(result, depth, indicator_rows))
            walk(result.id, depth + 1)

    walk(None, 0)
    return rows, project_status(project, on, lights)
