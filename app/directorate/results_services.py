"""The results framework's write side: results, indicators with their milestones, values, risks, thresholds.

Services only flush; the request or command commits. Every problem is a ResultsError naming it
(the field it is about in `field`, for the form); nothing is written when one is raised.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.audit.services import record, snapshot
from app.common import storage
from app.common.time import utcnow
from app.directorate.models import (
    DIRECTIONS,
    INDICATOR_SOURCES,
    PARENT_LEVEL,
    PLATFORM_FIGURES,
    RESULT_LEVELS,
    UNITS,
    Indicator,
    IndicatorMilestone,
    IndicatorValue,
    Project,
    Result,
    ResultsSettings,
    Risk,
)
from app.extensions import db

RESULT_FIELDS = ["level", "parent_id", "position", "statement"]
INDICATOR_FIELDS = [
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "means_of_verification",
    "pmm_dimension",
    "pmm_outcome",
    "source",
    "figure",
    "track_id",
    "tier_id",
]
VALUE_FIELDS = ["value", "measured_on", "source", "comment", "evidence_url", "evidence_filename"]
RISK_FIELDS = ["description", "likelihood", "impact", "mitigation", "owner", "review_on", "closed_on"]


class ResultsError(ValueError):
    """Input that cannot be saved; the message says what is wrong, `field` which field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# Results ---------------------------------------------------------------------------------------


def save_result(
    actor, project: Project, result: Result | None, *, level: str, statement: str, parent: Result | None
) -> Result:
    """Create or update a link of the results chain: one impact per project, outputs under outcomes under it."""
    statement = " ".join(statement.split())
    if not statement:
        raise ResultsError(_("A result needs a statement."), "statement")
    if level not in RESULT_LEVELS:
        raise ResultsError(_("Unknown level “%(level)s”.", level=level), "level")
    if level == "impact":
        parent = None
        other = db.session.scalar(sa.select(Result.id).where(Result.project_id == project.id, Result.level == "impact"))
        if other is not None and (result is None or other != result.id):
            raise ResultsError(_("The project already has an impact: edit it instead."), "level")
    else:
        wanted = PARENT_LEVEL[level]
        if parent is None or parent.project_id != project.id or parent.level != wanted:
            raise ResultsError(
                _("An outcome serves the impact: add the impact first.")
                if level == "outcome"
                else _("An output serves an outcome: choose the outcome it serves."),
                "parent",
            )
    if result is not None and result.level != level and (result.children or result.level == "impact"):
        raise ResultsError(_("A result with results under it keeps its level."), "level")
    before = snapshot(result, RESULT_FIELDS) if result else None
    if result is None:
        siblings = db.session.scalar(
            sa.select(sa.func.count(Result.id)).where(
                Result.project_id == project.id,
                Result.parent_id == parent.id if parent else Result.parent_id.is_(None),
            )
        )
        result = Result(project_id=project.id, position=siblings or 0)
    result.level, result.statement, result.parent = level, statement, parent
    db.session.add(result)
    db.session.flush()
    record(
        actor,
        "result",
        result.id,
        "update" if before else "create",
        label=f"{project.code}: {statement[:80]}",
        before=before,
        after=snapshot(result, RESULT_FIELDS),
    )
    return result


# Indicators ------------------------------------------------------------------------------------


def check_in_range(unit: str, value: float, what: str, field: str) -> None:
    """Refuse a value outside its unit's range (a percentage 0–100, a count not below zero)."""
    low, high = UNITS.get(unit, (None, None))
    if low is not None and value < low or high is not None and value > high:
        if high is None:
            message = _(
                "%(what)s must be %(low)g or more for this unit (%(value)g given).", what=what, low=low, value=value
            )
        else:
            message = _(
                "%(what)s must be between %(low)g and %(high)g for this unit (%(value)g given).",
                what=what,
                low=low,
                high=high,
                value=value,
            )
        raise ResultsError(message, field)


def save_indicator(
    actor,
    result: Result,
    indicator: Indicator | None,
    *,
    name: str,
    unit: str,
    direction: str,
    baseline_value: float | None,
    baseline_date: date | None,
    target_value: float | None,
    target_date: date | None,
    milestones: dict[int, float] | None = None,
    means_of_verification: str = "",
    pmm_dimension: str = "",
    pmm_outcome: str = "",
    source: str = "manual",
    figure: str | None = None,
    track_id: int | None = None,
    tier_id: int | None = None,
) -> Indicator:
    """Create or update an indicator and its yearly milestones, after checking its range, dates and unit."""
    name = " ".join(name.split())
    milestones = milestones or {}
    if not name:
        raise ResultsError(_("An indicator needs a name."), "name")
    if unit not in UNITS:
        raise ResultsError(_("Unknown unit “%(unit)s”.", unit=unit), "unit")
    if direction not in DIRECTIONS:
        raise ResultsError(_("Unknown direction “%(direction)s”.", direction=direction), "direction")
    if baseline_value is None:
        raise ResultsError(_("Give the baseline: the value before the project acted."), "baseline_value")
    if baseline_date is None:
        raise ResultsError(_("Give the baseline's date: the day the baseline was measured."), "baseline_date")
    if target_value is None:
        raise ResultsError(_("Give the target value."), "target_value")
    if target_date is None:
        raise ResultsError(_("Give the target's date."), "target_date")
    check_in_range(unit, baseline_value, _("The baseline"), "baseline_value")
    check_in_range(unit, target_value, _("The target"), "target_value")
    if target_value == baseline_value:
        raise ResultsError(
            _("The target equals the baseline (%(value)g): there would be no progress to measure.", value=target_value),
            "target_value",
        )
    if direction == "higher" and target_value < baseline_value:
        raise ResultsError(_("Higher is better, so the target must be above the baseline."), "target_value")
    if direction == "lower" and target_value > baseline_value:
        raise ResultsError(_("Lower is better, so the target must be below the baseline."), "target_value")
    if target_date <= baseline_date:
        raise ResultsError(_("The target's date must come after the baseline's date."), "target_date")
    for year, value in sorted(milestones.items()):
        if year > target_date.year:
            raise ResultsError(
                _(
                    "The milestone for %(year)d falls after the target date (%(date)s).",
                    year=year,
                    date=format_date(target_date),
                ),
                "milestones",
            )
        if year < baseline_date.year:
            raise ResultsError(
                _(
                    "The milestone for %(year)d falls before the baseline's year (%(base)d).",
                    year=year,
                    base=baseline_date.year,
                ),
                "milestones",
            )
        check_in_range(unit, value, _("The milestone for %(year)d", year=year), "milestones")
    if source not in INDICATOR_SOURCES:
        raise ResultsError(_("Unknown source “%(source)s”.", source=source), "source")
    if source == "platform":
        if figure not in PLATFORM_FIGURES:
            raise ResultsError(_("Choose what the platform counts for this indicator."), "figure")
        if unit != "officers":
            raise ResultsError(_("The platform counts officers: choose the unit “officers”."), "unit")
    else:
        figure, track_id, tier_id = None, None, None
    before = snapshot(indicator, INDICATOR_FIELDS) if indicator else None
    if indicator is None:
        indicator = Indicator(result=result, position=len(result.indicators))
    indicator.name, indicator.unit, indicator.direction = name, unit, direction
    indicator.baseline_value, indicator.baseline_date = baseline_value, baseline_date
    indicator.target_value, indicator.target_date = target_value, target_date
    indicator.means_of_verification = means_of_verification.strip()
    indicator.pmm_dimension, indicator.pmm_outcome = pmm_dimension.strip() or None, pmm_outcome.strip() or None
    indicator.source, indicator.figure, indicator.track_id, indicator.tier_id = source, figure, track_id, tier_id
    kept = {m.year: m for m in indicator.milestones}
    for year, milestone in kept.items():
        if year not in milestones:
            indicator.milestones.remove(milestone)
    for year, value in milestones.items():
        if year in kept:
            kept[year].value = value
        else:
            indicator.milestones.append(IndicatorMilestone(year=year, value=value))
    db.session.add(indicator)
    db.session.flush()
    after = snapshot(indicator, INDICATOR_FIELDS)
    after["milestones"] = {str(y): v for y, v in sorted(milestones.items())}
    if before is not None:
        before["milestones"] = {str(y): v for y, v in sorted(kept_values(kept).items())}
    record(
        actor,
        "indicator",
        indicator.id,
        "update" if before else "create",
        label=indicator.name[:120],
        before=before,
        after=after,
    )
    return indicator


def kept_values(kept: dict[int, IndicatorMilestone]) -> dict[int, float]:
    return {year: m.value for year, m in kept.items()}


def add_value(
    actor,
    indicator: Indicator,
    *,
    value: float | None,
    measured_on: date | None,
    source: str,
    comment: str = "",
    evidence_url: str | None = None,
    evidence: tuple[str, bytes] | None = None,
    today: date | None = None,
) -> IndicatorValue:
    """Keep a measured value of a manual indicator with its date, source and evidence (a link and/or a file)."""
    today = today or date.today()
    if indicator.source == "platform":
        raise ResultsError(_("The platform counts this indicator: there is no value to enter."), "value")
    if value is None:
        raise ResultsError(_("Give the value measured."), "value")
    check_in_range(indicator.unit, value, _("The value"), "value")
    if measured_on is None:
        raise ResultsError(_("Give the day the value was measured."), "measured_on")
    if measured_on > today:
        raise ResultsError(
            _("The value cannot be measured in the future (%(day)s).", day=format_date(measured_on)), "measured_on"
        )
    if measured_on < indicator.baseline_date:
        raise ResultsError(
            _("The value is dated before the baseline (%(day)s).", day=format_date(indicator.baseline_date)),
            "measured_on",
        )
    source = " ".join(source.split())
    if not source:
        raise ResultsError(_("Say where the value comes from (its source)."), "source")
    if evidence_url and not evidence_url.startswith(("https://", "http://")):
        raise ResultsError(_("The evidence link must start with https:// or http://."), "evidence_url")
    row = IndicatorValue(
        indicator=indicator,
        value=value,
        measured_on=measured_on,
        source=source,
        comment=comment.strip(),
        evidence_url=evidence_url or None,
        entered_by_id=getattr(actor, "id", None),
        entered_at=utcnow(),
    )
    if evidence is not None:
        try:
            row.evidence_filename, row.evidence_sha256 = storage.store("evidence", *evidence)
        except storage.UploadError as error:
            raise ResultsError(_("Evidence: %(problem)s", problem=error), "evidence_file") from error
    db.session.add(row)
    db.session.flush()
    record(actor, "indicator", indicator.id, "value", label=indicator.name[:120], after=snapshot(row, VALUE_FIELDS))
    return row


# Risks -----------------------------------------------------------------------------------------


def save_risk(
    actor,
    project: Project,
    risk: Risk | None,
    *,
    description: str,
    likelihood: int | None,
    impact: int | None,
    mitigation: str,
    owner: str,
    review_on: date | None,
    closed_on: date | None = None,
) -> Risk:
    """Create or update a risk of the project (likelihood and impact 1–5, a review date)."""
    description = description.strip()
    if not description:
        raise ResultsError(_("Describe the risk."), "description")
    for value, field in ((likelihood, "likelihood"), (impact, "impact")):
        if value is None or not 1 <= value <= 5:
            raise ResultsError(_("Likelihood and impact are each rated from 1 to 5."), field)
    if review_on is None:
        raise ResultsError(_("Give the date of the next review."), "review_on")
    if closed_on is not None and closed_on < project.start_date:
        raise ResultsError(_("The risk cannot close before the project starts."), "closed_on")
    before = snapshot(risk, RISK_FIELDS) if risk else None
    risk = risk or Risk(project_id=project.id)
    risk.description, risk.likelihood, risk.impact = description, likelihood, impact
    risk.mitigation, risk.owner, risk.review_on, risk.closed_on = (
        mitigation.strip(),
        owner.strip(),
        review_on,
        closed_on,
    )
    db.session.add(risk)
    db.session.flush()
    action = "close" if closed_on and not (before and before.get("closed_on")) and before else None
    record(
        actor,
        "risk",
        risk.id,
        action or ("update" if before else "create"),
        label=f"{project.code}: {description[:80]}",
        before=before,
        after=snapshot(risk, RISK_FIELDS),
    )
    return risk


# Thresholds ------------------------------------------------------------------------------------


def save_thresholds(actor, *, on_track: float, at_risk: float, period_days: int) -> ResultsSettings:
    """Set the traffic lights' thresholds (shares of the expected progress) and the reporting period."""
    if not 0 < on_track <= 1:
        raise ResultsError(_("“On track” is a share of the expected progress above 0 % and at most 100 %."), "on_track")
    if not 0 <= at_risk < on_track:
        raise ResultsError(_("“At risk” must be below “on track”."), "at_risk")
    if not 1 <= period_days <= 3660:
        raise ResultsError(_("The reporting period is from 1 to 3,660 days."), "period_days")
    row = db.session.get(ResultsSettings, 1) or ResultsSettings(id=1)
    before = snapshot(row, ["on_track", "at_risk", "period_days"]) if row.updated_at else None
    row.on_track, row.at_risk, row.period_days, row.updated_at = on_track, at_risk, period_days, utcnow()
    db.session.add(row)
    db.session.flush()
    record(
        actor,
        "thresholds",
        1,
        "update",
        label="results",
        before=before,
        after=snapshot(row, ["on_track", "at_risk", "period_days"]),
    )
    return row
