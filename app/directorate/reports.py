"""The dashboards' tables, shared by the pages, the CSV/XLSX/PDF exports and the command line."""

from __future__ import annotations

from datetime import date

from app.directorate import figures
from app.reports.tables import Table

STATUS_LABELS = {
    "on track": "On track",
    "at risk": "At risk",
    "late": "Late",
    "not started": "Not started",
    "closed": "Closed",
    "suspended": "Suspended",
}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def projects_table(states: list[figures.ProjectState]) -> Table:
    return Table(
        key="projects",
        title="Projects",
        columns=[
            "Code",
            "Title",
            "Beneficiaries",
            "Start",
            "End",
            "Status",
            "Time elapsed %",
            "Targets reached %",
            "Overdue milestones",
        ],
        rows=[
            [
                s.project.code,
                s.project.title,
                ", ".join(a.code for a in s.project.administrations),
                s.project.start_date,
                s.project.end_date,
                STATUS_LABELS[s.status],
                _pct(s.elapsed),
                _pct(s.progress),
                s.overdue,
            ]
            for s in states
        ],
        numeric={6, 7, 8},
    )


def activity_table(dimension: str, filters: figures.Filters) -> Table:
    names = {"region": "WCO region", "administration": "Administration", "track": "Track", "tier": "Tier"}
    return Table(
        key=f"by-{dimension}",
        title=f"Enrolments, completions and certificates by {names[dimension].lower()}",
        columns=[names[dimension], "Enrolments", "Completions", "Certificates"],
        rows=[list(row) for row in figures.activity_by(dimension, filters)],
        numeric={1, 2, 3},
    )


def trend_table(filters: figures.Filters, today: date) -> Table:
    return Table(
        key="trend",
        title="By month",
        columns=["Month", "Enrolments", "Completions", "Certificates"],
        rows=[list(row) for row in figures.monthly_trend(filters, today)],
        numeric={1, 2, 3},
    )


def overview_tables(filters: figures.Filters, today: date, states: list | None = None) -> list[Table]:
    """Every table of the directorate overview (pass `states` when they are already computed)."""
    return [
        projects_table(states if states is not None else figures.project_states(today)),
        *(activity_table(dimension, filters) for dimension in figures.DIMENSIONS),
        trend_table(filters, today),
    ]


def target_label(target) -> str:
    if target.indicator == "custom":
        return target.label
    if target.indicator == "certified":
        scope = " · ".join(
            filter(None, [target.track.title if target.track else "", target.tier.title if target.tier else ""])
        )
        return f"Officers certified{f' ({scope})' if scope else ''}"
    return {"enrolled": "Officers enrolled", "workshops": "Workshops held", "trained": "Officers trained in workshops"}[
        target.indicator
    ]


def project_tables(
    state: figures.ProjectState, cohorts: list, progress: dict, workshops: list | None = None
) -> list[Table]:
    """The tables of a project's page and report."""
    project = state.project
    return [
        Table(
            key="targets",
            title="Targets and actuals by year",
            columns=["Year", "Indicator", "Target", "Actual", "Reached %"],
            rows=[
                [
                    t.target.year,
                    target_label(t.target),
                    t.target.target_value,
                    t.actual,
                    round(100 * min(t.actual / t.target.target_value, 9.99), 1),
                ]
                for t in state.targets
            ],
            numeric={0, 2, 3, 4},
        ),
        Table(
            key="milestones",
            title="Milestones",
            columns=["Due", "Milestone", "Status", "Completed on", "Evidence"],
            rows=[
                [
                    m.due_date,
                    m.title,
                    m.status.replace("_", " "),
                    m.completed_on,
                    m.evidence_url or m.evidence_filename or (m.evidence_note[:80] if m.evidence_note else None),
                ]
                for m in project.milestones
            ],
        ),
        Table(
            key="cohorts",
            title="Cohorts",
            columns=["Cohort", "Administration", "Start", "End", "Officers", "Enrolments", "Completions"],
            rows=[
                [c.name, c.administration.code, c.start_date, c.end_date, *progress.get(c.id, (0, 0, 0))]
                for c in cohorts
            ],
            numeric={4, 5, 6},
        ),
        Table(
            key="workshops",
            title="Workshops",
            columns=["Workshop", "Kind", "From", "To", "Registered", "Attended", "Certificates of attendance"],
            rows=[[w.title, w.kind_label, w.start_date, w.end_date, r, a, c] for w, r, a, c in workshops or []],
            numeric={4, 5, 6},
        ),
    ]
