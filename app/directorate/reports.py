"""The dashboards' tables, shared by the pages, the CSV/XLSX/PDF exports and the command line."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.api import AuditEntry
from app.certificates.api import Certificate
from app.common import kept
from app.courses.api import Enrolment
from app.directorate import definitions, figures, results, risks
from app.directorate.models import Cohort
from app.extensions import db
from app.reports import charts
from app.reports.tables import Table

# Titles, headers and labels are lazy: the overview's tables are kept by a worker for every
# language, and each page or export reads them in its own.
MILESTONE_LABELS = {"planned": _l("Planned"), "in_progress": _l("In progress"), "done": _l("Done")}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def projects_table(states: list[results.ProjectState]) -> Table:
    return Table(
        key="projects",
        title=_l("Projects"),
        columns=[
            _l("Code"),
            _l("Title"),
            _l("Beneficiaries"),
            _l("Start date"),
            _l("End date"),
            _l("Status"),
            _l("Time elapsed %"),
            _l("Targets reached %"),
            _l("Overdue milestones"),
        ],
        rows=[
            [
                s.project.code,
                s.project.title,
                ", ".join(a.code for a in s.project.administrations),
                s.project.start_date,
                s.project.end_date,
                # Lazy: the table is kept for every language (the status's one wording, results.ProjectLight.words).
                LazyString(lambda light=s.light: light.words),
                _pct(s.elapsed),
                _pct(s.progress),
                s.overdue,
            ]
            for s in states
        ],
        numeric={6, 7, 8},
    )


def _headings(keys) -> list[str]:
    return [definitions.FIGURES[key].heading for key in keys]


def totals_table(totals: dict[str, int]) -> Table:
    """Each figure's total under the filters: what every breakdown and "By month" add up to."""
    return Table(
        key="totals",
        title=_l("Totals"),
        columns=[_l("Figure"), _l("Total")],
        rows=[[definitions.FIGURES[key].heading, n] for key, n in totals.items()],
        numeric={1},
    )


DIMENSION_NAMES = {
    "region": _l("WCO region"),
    "administration": _l("Administration"),
    "track": _l("Track"),
    "tier": _l("Tier"),
}
ACTIVITY_TITLES = {
    "region": _l("Enrolments, completions and certificates by WCO region"),
    "administration": _l("Enrolments, completions and certificates by administration"),
    "track": _l("Enrolments, completions and certificates by track"),
    "tier": _l("Enrolments, completions and certificates by tier"),
}
ACTIVITY_SHEETS = {
    "region": _l("By WCO region"),
    "administration": _l("By administration"),
    "track": _l("By track"),
    "tier": _l("By tier"),
}


def activity_table(dimension: str, filters: figures.Filters, today: date | None = None) -> Table:
    rows = figures.activity_by(dimension, filters, today)
    keys = figures.shown(filters, dimension)
    return Table(
        key=f"by-{dimension}",
        title=ACTIVITY_TITLES[dimension],
        sheet=ACTIVITY_SHEETS[dimension],
        columns=[DIMENSION_NAMES[dimension], *_headings(keys)],
        rows=[list(row) for row in rows],
        numeric=set(range(1, len(keys) + 1)),
    )


def trend_table(filters: figures.Filters, today: date) -> Table:
    keys = figures.shown(filters, "month")
    return Table(
        key="trend",
        title=_l("By month"),
        columns=[_l("Month"), *_headings(keys)],
        rows=[list(row) for row in figures.monthly_trend(filters, today)],
        numeric=set(range(1, len(keys) + 1)),
    )


def overview_tables(filters: figures.Filters, today: date, states: list | None = None) -> list[Table]:
    """Every table of the directorate overview, each narrowed by the same filters.

    Pass `states` when they are already computed (for the projects the filters cover).
    """
    if states is None:
        states = results.project_states(today, figures.projects_matching(filters))
    return [
        projects_table(states),
        totals_table(figures.totals(filters, today)),
        *(activity_table(dimension, filters, today) for dimension in figures.DIMENSIONS),
        trend_table(filters, today),
    ]


def coordinator_tables(officers: list[tuple], courses: list[tuple]) -> list[Table]:
    """The tables of a coordinator's page (and its downloads), from figures.officers_of and figures.courses_of."""
    officer_keys = (*definitions.LEARNING, "trained")
    return [
        Table(
            key="officers",
            title=_l("Officers"),
            columns=[_l("Name"), _l("Email"), *_headings(officer_keys)],
            rows=[[u.full_name, u.email, *counts] for u, *counts in officers],
            numeric=set(range(2, 2 + len(officer_keys))),
        ),
        Table(
            key="courses",
            title=_l("Courses"),
            columns=[_l("Course"), *_headings(definitions.LEARNING)],
            rows=[[course.title, *counts] for course, *counts in courses],
            numeric=set(range(1, 1 + len(definitions.LEARNING))),
        ),
    ]


@dataclass(frozen=True)
class Overview:
    """The directorate overview's figures, as plain values a worker may keep."""

    tables: list[Table]
    #: Each figure's total under the filters, by key (definitions.FIGURES).
    totals: dict[str, int]
    #: Each project's card: .project (code, title, administrations, dates), .light (its status), .elapsed,
    #: .progress, .overdue.
    states: list[SimpleNamespace]
    active: int
    computed_at: datetime


def _change_marks() -> tuple:
    """What moves when the figures do: the newest enrolment, certificate and audited edit (one statement a request).

    Projects, milestones, targets, cohorts and certificate revocations are audited; a completion
    issues a certificate. What is left (a login, a completion without a certificate) waits at
    most DIRECTORATE_FIGURES_SECONDS.
    """
    if "directorate_marks" not in g:
        g.directorate_marks = (
            str(db.engine.url),
            *db.session.execute(
                sa.select(
                    sa.select(sa.func.max(Enrolment.id)).scalar_subquery(),
                    sa.select(sa.func.max(Certificate.id)).scalar_subquery(),
                    sa.select(sa.func.max(AuditEntry.id)).scalar_subquery(),
                )
            ).one(),
        )
    return g.directorate_marks


#: How the directorate's kept figures and pages go stale: something moved, or time passed.
CHANGED = kept.Mark("an enrolment, a certificate or an audited edit is newer (one cheap statement)", _change_marks)
IN_TIME = kept.TimeLimit(
    "DIRECTORATE_FIGURES_SECONDS pass (0 keeps nothing)",
    lambda: current_app.config.get("DIRECTORATE_FIGURES_SECONDS", 0),
)
FIGURES = kept.Store(
    "directorate figures",
    holds="the overview's figures (about a second of SQL at size L)",
    keyed_by="the filters and the day",
    stale=(CHANGED, IN_TIME),
    bound=64,
    owner="app/directorate/reports.py",
)
PAGES = kept.Store(
    "directorate pages",
    holds="page shells: the overview and project pages, the same for everyone allowed to see them",
    keyed_by="page, query string and the figures' time (overview) or project and day, language",
    stale=(CHANGED, IN_TIME),
    bound=64,
    owner="app/directorate/reports.py",
    pages=("overview", "project"),
)


def _compute(filters: figures.Filters, today: date) -> Overview:
    if filters.inverted:
        return Overview(tables=[], totals={}, states=[], active=0, computed_at=datetime.now(UTC))
    states = results.project_states(today, figures.projects_matching(filters))
    cards = [
        SimpleNamespace(
            project=SimpleNamespace(
                code=s.project.code,
                title=s.project.title,
                start_date=s.project.start_date,
                end_date=s.project.end_date,
                administrations=[SimpleNamespace(code=a.code, name=a.name) for a in s.project.administrations],
            ),
            light=s.light,
            elapsed=s.elapsed,
            progress=s.progress,
            overdue=s.overdue,
        )
        for s in states
    ]
    tables = overview_tables(filters, today, states)
    totals = dict(zip(definitions.FIGURES, (row[1] for row in tables[1].rows), strict=True))
    return Overview(
        tables=tables,
        totals=totals,
        states=cards,
        active=totals["active"],
        computed_at=datetime.now(UTC),
    )


def overview(filters: figures.Filters, today: date) -> Overview:
    """The overview's figures, reused by this worker for DIRECTORATE_FIGURES_SECONDS while nothing moved.

    At size L they take about a second of SQL (every enrolment and certificate grouped five ways);
    the page is the same for everyone allowed to see it, so a worker keeps the last few, by filters.
    """
    return FIGURES.get_or_make((dataclasses.astuple(filters), today), lambda: _compute(filters, today))


def target_label(target) -> str:
    if target.indicator == "custom":
        return target.label
    if target.indicator == "certified":
        scope = " · ".join(
            filter(None, [target.track.title if target.track else "", target.tier.title if target.tier else ""])
        )
        return _("Officers certified (%(scope)s)", scope=scope) if scope else _("Officers certified")
    return {
        "enrolled": _("Officers enrolled"),
        "workshops": _("Workshops held"),
        "trained": _("Officers trained in workshops"),
    }[target.indicator]


def project_tables(
    state: results.ProjectState, cohorts: list, progress: dict, workshops: list | None = None
) -> list[Table]:
    """The tables of a project's page and report."""
    project = state.project
    return [
        Table(
            key="targets",
            title=_l("Targets and actuals by year"),
            columns=[_l("Year"), _l("Indicator"), _l("Target"), _l("Actual"), _l("Reached %")],
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
            title=_l("Milestones"),
            columns=[_l("Due"), _l("Milestone"), _l("Status"), _l("Completed on"), _l("Evidence")],
            rows=[
                [
                    m.due_date,
                    m.title,
                    MILESTONE_LABELS.get(m.status, m.status),
                    m.completed_on,
                    m.evidence_url or m.evidence_filename or (m.evidence_note[:80] if m.evidence_note else None),
                ]
                for m in project.milestones
            ],
        ),
        Table(
            key="cohorts",
            title=_l("Cohorts"),
            columns=[
                _l("Cohort"),
                _l("Administration"),
                _l("Start date"),
                _l("End date"),
                _l("Officers"),
                _l("Enrolments"),
                _l("Completions"),
            ],
            rows=[
                [c.name, c.administration.code, c.start_date, c.end_date, *progress.get(c.id, (0, 0, 0))]
                for c in cohorts
            ],
            numeric={4, 5, 6},
        ),
        Table(
            key="workshops",
            title=_l("Workshops"),
            columns=[
                _l("Workshop"),
                _l("Kind"),
                _l("From"),
                _l("To"),
                _l("Registered"),
                _l("Attended"),
                _l("Certificates of attendance"),
            ],
            rows=[[w.title, w.kind_label, w.start_date, w.end_date, r, a, c] for w, r, a, c in workshops or []],
            numeric={4, 5, 6},
        ),
    ]


def project_report(project, today: date) -> dict:
    """Everything a project's report shows: its state, cohorts with their progress, tables and milestone
    timeline. A plain function (no request): the project page, its PDF and XLSX downloads and
    `flask reports project` all build the report here."""
    (state,) = results.project_states(today, [project.id])
    cohorts = list(
        db.session.scalars(
            sa.select(Cohort)
            .where(Cohort.project_id == project.id)
            .options(sa.orm.joinedload(Cohort.administration))
            .order_by(Cohort.start_date)
        )
    )
    progress = figures.cohort_progress([c.id for c in cohorts])
    tables = project_tables(state, cohorts, progress, figures.workshop_rows(project.id))
    timeline = charts.timeline(
        [charts.TimelineItem(m.title, m.due_date, m.status == "done", m.completed_on) for m in project.milestones],
        start=project.start_date,
        end=project.end_date,
        today=today,
        title=_("Milestones of %(code)s", code=project.code),
    )
    chain, _lights = results.chain_and_lights(project, today)
    # One status, the overview's batched rule: the chain's own read agrees (tests/directorate/test_one_status.py).
    project_light = state.light
    return {
        "project": project,
        "state": state,
        # The results framework (results.py): the chain with each indicator's light, the status they give.
        "chain": chain,
        "project_light": project_light,
        "limits": results.thresholds(),
        "light_labels": results.STATUSES,
        "open_risks": [r for r in risks.register(project) if r.closed_on is None],
        "overdue_risks": [risk for _code, risk in risks.overdue_reviews(today, [project.id])],
        "cohorts": cohorts,
        "progress": progress,
        "tables": tables,
        "timeline": timeline,
        "today": today,
        "target_meanings": definitions.TARGETS,
    }
