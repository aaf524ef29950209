"""The donor report of a project for a reporting period: a logframe workbook (XLSX) and a progress report (PDF).

Both are read as of the period's report day (`Period.as_of`: its last day, or today while it
runs) from `results.chain_rows`, the function the project page shows its chain with: the
figures of a running period's report are the page's figures. Headers and words are in the
requester's language (French headers for a French reader); numbers stay numbers.

The logframe sheet is also the layout `values_import` reads back: its "Ref." column names each
indicator, and the value, date, source, evidence link and comment columns carry a new value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.certificates.rendering import confined_url_fetcher
from app.directorate import narratives, reports, results, risks
from app.directorate.models import Indicator, Project
from app.directorate.periods import Period
from app.directorate.results_forms import LEVEL_NAMES, UNIT_NAMES
from app.reports import charts
from app.reports.tables import Table, to_xlsx

#: The logframe sheet's columns by key: the import finds them by these headers, in English or French.
COLUMNS = {
    "ref": _l("Ref."),
    "level": _l("Level"),
    "statement": _l("Result"),
    "indicator": _l("Indicator"),
    "unit": _l("Unit"),
    "baseline": _l("Baseline"),
    "baseline_date": _l("Baseline date"),
    "target": _l("Target"),
    "target_date": _l("Target date"),
    "current": _l("Current value"),
    "measured_on": _l("Measured on"),
    "progress": _l("Progress %"),
    "expected": _l("Expected %"),
    "light": _l("Light"),
    "means": _l("Means of verification"),
    "source": _l("Source of the value"),
    "evidence_url": _l("Evidence link"),
    "comment": _l("Comment"),
}
LOGFRAME_SHEET = _l("Logical framework")
MILESTONE_HEADER = _l("Milestone %(year)d")


def ref(indicator: Indicator) -> str:
    """The indicator's reference in the workbook ("IND-12"): what an import finds it by."""
    return f"IND-{indicator.id}"


def percent(share: float | None) -> int | None:
    """A share as the project page writes it: a whole percentage (None stays None)."""
    return None if share is None else round(100 * share)


@dataclass(frozen=True)
class LogframeRow:
    """One indicator of the logframe, with the figures of the report day."""

    ref: str
    level: str
    statement: str
    indicator: Indicator
    current: float | None
    measured_on: date | None
    progress: int | None
    expected: int | None
    light: results.Light
    source: str
    evidence_url: str | None
    comment: str


@dataclass(frozen=True)
class DonorReport:
    """What both files of the donor report show."""

    project: Project
    period: Period
    as_of: date
    rows: list[LogframeRow]
    chain: list[results.ResultRow]
    project_light: results.ProjectLight
    years: list[int]


def build(project: Project, period: Period, today: date) -> DonorReport:
    """The report's figures for the period: the chain and lights of `results.chain_rows` on the report day."""
    as_of = period.as_of(today)
    chain, project_light = results.chain_rows(project, as_of)
    rows: list[LogframeRow] = []
    years: set[int] = set()
    for result_row in chain:
        for item in result_row.indicators:
            ind = item.indicator
            years.update(m.year for m in ind.milestones)
            latest = results.latest_value(ind, as_of) if ind.source == "manual" else None
            rows.append(
                LogframeRow(
                    ref=ref(ind),
                    level=str(LEVEL_NAMES[result_row.result.level]),
                    statement=result_row.result.statement,
                    indicator=ind,
                    current=item.current,
                    measured_on=latest.measured_on if latest else None,
                    progress=percent(item.light.progress),
                    expected=percent(item.light.expected),
                    light=item.light,
                    source=latest.source
                    if latest
                    else _("Counted by the platform")
                    if ind.source == "platform"
                    else "",
                    evidence_url=latest.evidence_url if latest else None,
                    comment=latest.comment if latest else "",
                )
            )
    return DonorReport(project, period, as_of, rows, chain, project_light, sorted(years))


def logframe_table(report: DonorReport) -> Table:
    """The logframe: one row per indicator, a column per milestone year."""
    head = ["ref", "level", "statement", "indicator", "unit", "baseline", "baseline_date"]
    tail = [
        "target",
        "target_date",
        "current",
        "measured_on",
        "progress",
        "expected",
        "light",
        "means",
        "source",
        "evidence_url",
        "comment",
    ]
    columns = [COLUMNS[k] for k in head]
    columns += [_("Milestone %(year)d", year=year) for year in report.years]
    columns += [COLUMNS[k] for k in tail]
    numeric = {5} | set(range(7, 7 + len(report.years)))
    numeric |= {7 + len(report.years) + i for i in (0, 2, 4, 5)}
    rows = []
    for row in report.rows:
        ind = row.indicator
        milestones = {m.year: m.value for m in ind.milestones}
        rows.append(
            [
                row.ref,
                row.level,
                row.statement,
                ind.name,
                str(UNIT_NAMES.get(ind.unit, ind.unit)),
                ind.baseline_value,
                ind.baseline_date,
                *(milestones.get(year) for year in report.years),
                ind.target_value,
                ind.target_date,
                row.current,
                row.measured_on,
                row.progress,
                row.expected,
                str(results.STATUSES[row.light.status]),
                ind.means_of_verification,
                row.source,
                row.evidence_url,
                row.comment,
            ]
        )
    return Table(
        key="logframe",
        title=_(
            "Logical framework of %(code)s, period %(period)s, as of %(day)s",
            code=report.project.code,
            period=report.period.key,
            day=report.as_of.isoformat(),
        ),
        sheet=str(LOGFRAME_SHEET),
        columns=columns,
        rows=rows,
        numeric=numeric,
    )


def risk_table(project: Project) -> Table:
    return Table(
        key="risks",
        title=_("Risk register of %(code)s", code=project.code),
        sheet=_("Risk register"),
        columns=[
            _("Risk"),
            _("Likelihood (1–5)"),
            _("Impact (1–5)"),
            _("Risk level"),
            _("Band"),
            _("Mitigation"),
            _("Owner"),
            _("Next review"),
            _("Closed on"),
        ],
        rows=[
            [
                r.description,
                r.likelihood,
                r.impact,
                r.level,
                risks.band(r.level)[1],
                r.mitigation,
                r.owner,
                r.review_on,
                r.closed_on,
            ]
            for r in risks.register(project)
        ],
        numeric={1, 2, 3},
    )


def milestone_table(project: Project) -> Table:
    return Table(
        key="milestones",
        title=_("Milestones of %(code)s", code=project.code),
        sheet=_("Project milestones"),
        columns=[_("Due"), _("Milestone"), _("Status"), _("Completed on")],
        rows=[
            [m.due_date, m.title, str(reports.MILESTONE_LABELS.get(m.status, m.status)), m.completed_on]
            for m in project.milestones
        ],
    )


def narrative_table(project: Project, period: Period) -> Table:
    written = narratives.narrative_for(project, period)
    return Table(
        key="narrative",
        title=_("Narrative of %(code)s for %(period)s", code=project.code, period=period.key),
        sheet=_("Narrative"),
        columns=[_("Section"), _("Text")],
        rows=[[str(heading), getattr(written, key) if written else ""] for key, heading in narratives.SECTIONS.items()],
    )


def workbook(report: DonorReport) -> bytes:
    """The donor report as XLSX: the logframe, the risk register, the milestones and the narrative."""
    return to_xlsx(
        [
            logframe_table(report),
            risk_table(report.project),
            milestone_table(report.project),
            narrative_table(report.project, report.period),
        ]
    )


def history_chart(ind: Indicator, as_of: date) -> Markup:
    """The indicator over the years: its value at each year's end (up to the report day) beside the plan
    (the baseline, each year's milestone and the target)."""
    years = list(range(ind.baseline_date.year, ind.target_date.year + 1))
    planned = {ind.baseline_date.year: ind.baseline_value, **{m.year: m.value for m in ind.milestones}}
    planned[ind.target_date.year] = ind.target_value
    measured = []
    for year in years:
        day = min(date(year, 12, 31), as_of)
        measured.append(results.current_value(ind, day) if year <= as_of.year else None)
    return charts.line_chart(
        [str(y) for y in years],
        {_("Measured"): measured, _("Planned"): [planned.get(y) for y in years]},
        title=ind.name,
        width=520,
        height=180,
    )


def pdf(report: DonorReport) -> bytes:
    """The progress report as PDF (WeasyPrint; it loads nothing from anywhere)."""
    from weasyprint import HTML

    project = report.project
    html = render_template(
        "directorate/donor_report_pdf.html",
        report=report,
        project=project,
        light_labels=results.STATUSES,
        limits=results.thresholds(),
        charts={row.indicator.id: history_chart(row.indicator, report.as_of) for row in report.rows},
        risks=risks.register(project),
        band=risks.band,
        milestone_labels=reports.MILESTONE_LABELS,
        narrative=narratives.narrative_for(project, report.period),
        sections=narratives.SECTIONS,
        unit_names=UNIT_NAMES,
        level_names=LEVEL_NAMES,
    )
    return HTML(string=html, url_fetcher=confined_url_fetcher()).write_pdf()


def file_name(report: DonorReport, fmt: str) -> str:
    return f"{report.project.code}-{report.period.key}-donor-report.{fmt}"
