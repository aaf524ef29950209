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

A project's status is defined here, once (`status_of`), and every page, export and report shows it
(`ProjectLight.words`): the overview's cards and Projects table, the project page and its PDF and
XLSX, `flask reports project`, the period page, donor reports and the portfolio. Each yearly Target
due (its year begun) is judged like a platform indicator, from 0 at the start of its year to its
value on 31 December, with the same thresholds (`target_light`). Off track when an indicator or a
Target is off track or a milestone is more than `LATE_DAYS` days overdue; at risk when one is at
risk or has no recent value, or a milestone is overdue; on track when every one is on track; "not
measured" with nothing due to judge by. Not started, suspended and closed are the project's
lifecycle, shown beside the status; a closed project is no longer judged.

`judge` is pure (numbers and dates in, a Light out) and tested with Hypothesis; the functions
around it read the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.directorate import figures, results_counts
from app.directorate.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    Project,
    Result,
    ResultsSettings,
)
from app.extensions import db

#: A milestone more than this many days overdue puts its project off track.
LATE_DAYS = 60

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


#: A project's place in its life, shown beside its status (a closed project is no longer judged).
LIFECYCLE = {
    "not_started": _l("Not started"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed"),
}


@dataclass(frozen=True)
class ProjectLight:
    """A project's status by the stated rule, with the counts it rests on: THE status of a project.

    `counts` are its indicators' lights, `target_counts` its due yearly Targets' lights (judged by
    the same rule), `lifecycle` None, "not_started", "suspended" or "closed".
    """

    status: str
    reason: str
    counts: dict[str, int]
    overdue_milestones: int
    target_counts: dict[str, int] = field(default_factory=dict)
    lifecycle: str | None = None

    @property
    def words(self) -> str:
        """The status as every page, export and report writes it, in the reader's language."""
        if self.lifecycle == "closed":
            return str(LIFECYCLE["closed"])
        text = str(STATUSES[self.status])
        return f"{text} · {LIFECYCLE[self.lifecycle]}" if self.lifecycle else text

    @property
    def css(self) -> str:
        """The class a page colours the status by."""
        return "status-closed" if self.lifecycle == "closed" else "status-" + self.status.replace("_", "-")


def lifecycle_of(project: Project, on: date) -> str | None:
    """Closed or suspended as the directorate set it; "not_started" before the start date; else None."""
    if project.status in ("closed", "suspended"):
        return project.status
    return "not_started" if on < project.start_date else None


def target_light(target_value: float, actual: float, year: int, on: date, limits: Thresholds) -> Light:
    """A yearly Target judged like a platform indicator: from 0 on 1 January of its year to its value
    on 31 December of its year, with the same thresholds (the progress expected is the share of its year gone)."""
    return judge(
        baseline=0.0,
        target=target_value,
        baseline_date=date(year, 1, 1),
        target_date=date(year, 12, 31),
        current=actual,
        on=on,
        limits=limits,
    )


def target_lights(targets, on: date, limits: Thresholds) -> list[Light]:
    """The lights of the Targets due by `on` (those of the years begun), from figures.target_actuals' rows."""
    return [
        target_light(t.target.target_value, t.actual, t.target.year, on, limits)
        for t in targets
        if t.target.year <= on.year
    ]


def status_of(
    lights: list[Light], targets: list[Light], overdue: list[date], on: date, lifecycle: str | None = None
) -> ProjectLight:
    """The one rule for a project's status (pure): its indicators' and due Targets' lights and its overdue milestones.

    Off track when an indicator or a Target is off track, or a milestone is more than LATE_DAYS overdue;
    at risk when one is at risk or has no recent value, or a milestone is overdue; on track when every
    one is on track; "not measured" with nothing to judge by. A closed project is no longer judged.
    """
    counts = {status: 0 for status in STATUSES}
    for each in lights:
        counts[each.status] += 1
    target_counts = {status: 0 for status in STATUSES}
    for each in targets:
        target_counts[each.status] += 1
    both = {key: counts[key] + target_counts[key] for key in STATUSES}
    if lifecycle == "closed":
        reason = _l("The project is closed: it is no longer judged.")
        return ProjectLight("not_measured", reason, counts, len(overdue), target_counts, lifecycle)
    late = [d for d in overdue if (on - d).days > LATE_DAYS]
    if both["off_track"] or late:
        status = "off_track"
        reason = _l(
            "Indicators off track: %(off)d; targets off track: %(targets)d; "
            "milestones more than %(days)d days overdue: %(late)d.",
            off=counts["off_track"],
            targets=target_counts["off_track"],
            late=len(late),
            days=LATE_DAYS,
        )
    elif both["at_risk"] or both["no_recent_value"] or overdue:
        status = "at_risk"
        reason = _l(
            "Indicators at risk: %(risk)d; with no recent value: %(stale)d; targets at risk: %(targets)d; "
            "milestones overdue: %(overdue)d.",
            risk=counts["at_risk"],
            stale=counts["no_recent_value"],
            targets=target_counts["at_risk"],
            overdue=len(overdue),
        )
    elif both["on_track"]:
        status = "on_track"
        reason = _l("Every indicator and target due is on track and no milestone is overdue.")
    else:
        status = "not_measured"
        reason = _l("The project has no indicator or target due to judge by yet.")
    return ProjectLight(status, reason, counts, len(overdue), target_counts, lifecycle)


def _overdue(project_ids: list[int], on: date) -> dict[int, list[date]]:
    """{project id: due dates of its milestones overdue on `on`}: one statement."""
    found: dict[int, list[date]] = defaultdict(list)
    if project_ids:
        for project_id, due in db.session.execute(
            sa.select(Milestone.project_id, Milestone.due_date).where(
                Milestone.project_id.in_(project_ids),
                Milestone.due_date < on,
                Milestone.status.not_in(("done", "cancelled")),
            )
        ):
            found[project_id].append(due)
    return found


def project_status(project: Project, on: date, lights: dict[int, Light] | None = None) -> ProjectLight:
    """The project's status on `on` (the rule of `status_of`), reading what `lights` does not give."""
    limits = thresholds()
    if lights is None:
        lights = {ind.id: light(ind, on, limits) for ind in indicators_of(project)}
    targets = figures.target_actuals([project.id]).get(project.id, [])
    return status_of(
        list(lights.values()),
        target_lights(targets, on, limits),
        _overdue([project.id], on).get(project.id, []),
        on,
        lifecycle_of(project, on),
    )


def batch_lights(project_ids: list[int], on: date, limits: Thresholds) -> dict[int, list[Light]]:
    """{project id: its indicators' lights on `on`}, the same as `light` gives one by one, in a fixed number
    of statements: the indicators with their milestones, the manual values, and every platform count in one."""
    if not project_ids:
        return {}
    pairs = db.session.execute(
        sa.select(Indicator, Result.project_id)
        .join(Result, Result.id == Indicator.result_id)
        .where(Result.project_id.in_(project_ids))
        .options(sa.orm.selectinload(Indicator.milestones))
        .order_by(Indicator.id)
    ).all()
    manual = [ind.id for ind, _p in pairs if ind.source != "platform"]
    platform = [ind for ind, _p in pairs if ind.source == "platform"]
    latest: dict[int, IndicatorValue] = {}
    if manual:
        for value in db.session.scalars(
            sa.select(IndicatorValue)
            .where(IndicatorValue.indicator_id.in_(manual), IndicatorValue.measured_on <= on)
            .order_by(IndicatorValue.measured_on, IndicatorValue.id)
        ):
            latest[value.indicator_id] = value  # the last measured (the last entered on the same day) wins
    counted: dict[int, int] = {}
    if platform:
        values = db.session.execute(
            sa.select(*(results_counts.count_statement(ind, on).scalar_subquery() for ind in platform))
        ).one()
        counted = {ind.id: n or 0 for ind, n in zip(platform, values, strict=True)}
    found: dict[int, list[Light]] = defaultdict(list)
    for ind, project_id in pairs:
        if ind.source == "platform":
            current = ind.baseline_value + counted[ind.id]
        else:
            value = latest.get(ind.id)
            recent = value is not None and value.measured_on >= on - timedelta(days=limits.period_days)
            current = value.value if recent else None
        found[project_id].append(
            judge(
                baseline=ind.baseline_value,
                target=ind.target_value,
                baseline_date=ind.baseline_date,
                target_date=ind.target_date,
                current=current,
                on=on,
                milestones={m.year: m.value for m in ind.milestones},
                limits=limits,
            )
        )
    return found


@dataclass
class ProjectState:
    """A project with its status (`light`, the one definition) and the figures its card and table show."""

    project: Project
    light: ProjectLight
    elapsed: float  # 0..1, share of the project's days gone by
    progress: float | None  # 0..1, share of the due targets reached; None without targets due yet
    overdue: int
    targets: list[figures.TargetProgress] = field(default_factory=list)


def project_states(today: date, project_ids: list[int] | None = None) -> list[ProjectState]:
    """Every project (or those given) with its status by `status_of`: a fixed number of statements, however
    many projects (the lights are read in a batch, see `batch_lights`)."""
    query = (
        sa.select(Project)
        .options(sa.orm.selectinload(Project.administrations))
        .order_by(Project.start_date, Project.code)
    )
    if project_ids is not None:
        query = query.where(Project.id.in_(project_ids))
    projects = list(db.session.scalars(query))
    ids = [p.id for p in projects]
    limits = thresholds()
    overdue = _overdue(ids, today)
    actuals = figures.target_actuals(ids)
    lights = batch_lights(ids, today, limits)
    states = []
    for project in projects:
        span = max((project.end_date - project.start_date).days, 1)
        elapsed = min(max((today - project.start_date).days / span, 0.0), 1.0)
        targets = actuals.get(project.id, [])
        due = [t for t in targets if t.target.year <= today.year]
        goal = sum(t.target.target_value for t in due)
        progress = sum(min(t.actual, t.target.target_value) for t in due) / goal if goal else None
        late = overdue.get(project.id, [])
        light_ = status_of(
            lights.get(project.id, []), target_lights(targets, today, limits), late, today, lifecycle_of(project, today)
        )
        states.append(ProjectState(project, light_, elapsed, progress, len(late), targets))
    return states


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
    and the project's status from them: what the donor report shows for `on`."""
    rows, lights = chain_and_lights(project, on)
    return rows, project_status(project, on, lights)


def chain_and_lights(project: Project, on: date) -> tuple[list[ResultRow], dict[int, Light]]:
    """The results chain in reading order with every indicator's light by indicator id (the project page, whose
    status comes with the overview's batched rule, needs no more)."""
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
    return rows, lights
