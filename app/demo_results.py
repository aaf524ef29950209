"""The demo projects' results frameworks: a chain, baselines from the year before each project, two years of
values, risks and narratives, dated over each project's life, so a newcomer sees what a real portfolio looks like.

Idempotent: a project that already has a results chain is left as it is. Values, risks and narratives
dated after today are not added (the story stops where the calendar is).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.services import find_user
from app.directorate import narratives, periods, results_services
from app.directorate.api import Project, Result
from app.extensions import db

PMM = {
    "trade": "Trade facilitation",
    "revenue": "Revenue collection",
    "enforcement": "Enforcement and security",
    "development": "Organizational development",
}

# Each result: (level, statement, [indicator]); each indicator a dict for save_indicator plus "values":
# [(day, value, source)]. Outcomes hold their outputs under "outputs".
CHAINS = {
    "ESA-DATA-2025": {
        "impact": (
            "Kenya's Customs targets risky consignments with data, so compliant trade moves faster.",
            [
                dict(
                    name="Average release time of compliant consignments (hours)",
                    unit="number",
                    direction="lower",
                    baseline_value=72,
                    baseline_date=date(2024, 12, 31),
                    target_value=36,
                    target_date=date(2027, 12, 31),
                    milestones={2025: 60, 2026: 48},
                    means_of_verification="Time release study (WCO TRS method), yearly",
                    pmm_dimension=PMM["trade"],
                    values=[
                        (date(2025, 6, 30), 69, "Time release study, mid-2025"),
                        (date(2025, 12, 31), 61, "Time release study 2025"),
                        (date(2026, 6, 30), 55, "Time release study, mid-2026"),
                    ],
                ),
            ],
        ),
        "outcomes": [
            (
                "Risk management selects consignments with data-driven indicators.",
                [
                    dict(
                        name="Inspections that find an irregularity (hit rate)",
                        unit="percent",
                        direction="higher",
                        baseline_value=8,
                        baseline_date=date(2024, 12, 31),
                        target_value=20,
                        target_date=date(2027, 12, 31),
                        milestones={2025: 11, 2026: 15},
                        means_of_verification="Risk management unit's monthly enforcement statistics",
                        pmm_dimension=PMM["enforcement"],
                        values=[
                            (date(2025, 3, 31), 8.4, "Enforcement statistics Q1 2025"),
                            (date(2025, 9, 30), 10.2, "Enforcement statistics Q3 2025"),
                            (date(2026, 3, 31), 12.9, "Enforcement statistics Q1 2026"),
                            (date(2026, 9, 30), 14.6, "Enforcement statistics Q3 2026"),
                        ],
                    ),
                ],
                [
                    (
                        "Data specialists trained and certified on the academy.",
                        [
                            dict(
                                name="Officers enrolled in the project's courses",
                                unit="officers",
                                direction="higher",
                                baseline_value=0,
                                baseline_date=date(2024, 12, 31),
                                target_value=8,
                                target_date=date(2027, 12, 31),
                                milestones={2025: 3, 2026: 6},
                                means_of_verification="Counted by the academy",
                                source="platform",
                                figure="enrolled",
                                pmm_dimension=PMM["development"],
                            ),
                        ],
                    ),
                    (
                        "Risk indicators piloted in two customs offices.",
                        [
                            dict(
                                name="Risk indicators running in production",
                                unit="number",
                                direction="higher",
                                baseline_value=0,
                                baseline_date=date(2024, 12, 31),
                                target_value=8,
                                target_date=date(2027, 12, 31),
                                milestones={2025: 2, 2026: 5},
                                means_of_verification="Risk engine configuration, checked on mission",
                                pmm_dimension=PMM["enforcement"],
                                values=[
                                    (date(2025, 11, 15), 2, "Mission report, November 2025"),
                                    (date(2026, 5, 20), 3, "Mission report, May 2026"),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
        "risks": [
            (
                "Staff turnover in the risk management unit takes trained analysts away.",
                3,
                4,
                "Train a second cohort; document every indicator in the unit's handbook.",
                "KRA head of risk management",
                -20,
                None,
            ),
            (
                "Declaration extracts are delayed by the IT system's migration.",
                2,
                3,
                "Agree a monthly extract with the ICT directorate before the migration starts.",
                "Project lead",
                60,
                None,
            ),
            (
                "Access to the sandbox is not approved by the data protection officer.",
                2,
                5,
                "Anonymise the extract and present the data protection impact assessment.",
                "Project lead",
                None,
                date(2025, 4, 30),
            ),
        ],
        "narratives": {
            "2025": dict(
                summary="A year of foundations: the diagnostic, the first data technique workshop and the first two "
                "risk indicators in production.",
                progress="Eight officers enrolled in the foundation course; the hit rate rose from 8 % to 10 %.",
                challenges="The sandbox waited four months for data protection approval; anonymising the extract "
                "unblocked it.",
                next_steps="Run the risk indicator pilot in two offices; a second cohort in January.",
            ),
            "this": dict(
                summary="The pilot runs in two offices and release times keep falling, a little behind plan.",
                progress="Three risk indicators in production; the hit rate reached 14.6 % in September.",
                challenges="Two trained analysts left the unit; the review of this risk is overdue.",
                next_steps="Train a second cohort and add five indicators before the final evaluation.",
            ),
        },
    },
    "WCA-STATS-2026": {
        "impact": (
            "Senegal publishes reliable Customs statistics that guide trade policy.",
            [
                dict(
                    name="Quarterly statistics releases published on time",
                    unit="number",
                    direction="higher",
                    baseline_value=0,
                    baseline_date=date(2025, 12, 31),
                    target_value=12,
                    target_date=date(2028, 12, 31),
                    milestones={2026: 2, 2027: 6},
                    means_of_verification="Releases on the Customs website",
                    pmm_dimension=PMM["development"],
                    values=[(date(2026, 7, 31), 1, "Customs website, July 2026")],
                ),
            ],
        ),
        "outcomes": [
            (
                "Trade statistics are reconciled with partners' mirror data.",
                [
                    dict(
                        name="Gap with mirror statistics",
                        unit="percent",
                        direction="lower",
                        baseline_value=18,
                        baseline_date=date(2025, 12, 31),
                        target_value=5,
                        target_date=date(2028, 12, 31),
                        milestones={2026: 15, 2027: 10},
                        means_of_verification="Mirror analysis of the statistics unit",
                        pmm_dimension=PMM["revenue"],
                        values=[(date(2026, 6, 30), 16.5, "Mirror analysis, first half of 2026")],
                    ),
                ],
                [
                    (
                        "Statisticians trained in data governance.",
                        [
                            dict(
                                name="Officers who completed a project course",
                                unit="officers",
                                direction="higher",
                                baseline_value=0,
                                baseline_date=date(2025, 12, 31),
                                target_value=5,
                                target_date=date(2028, 12, 31),
                                milestones={2026: 2, 2027: 4},
                                means_of_verification="Counted by the academy",
                                source="platform",
                                figure="completed",
                                pmm_dimension=PMM["development"],
                            ),
                        ],
                    ),
                ],
            ),
        ],
        "risks": [
            (
                "The head statistician retires in 2027 before a successor is trained.",
                4,
                3,
                "Pair a successor with her from the first release.",
                "Director of statistics",
                30,
                None,
            ),
            (
                "Partners' mirror data arrive late.",
                3,
                2,
                "Use the UN Comtrade extract as a fallback.",
                "Statistics unit",
                90,
                None,
            ),
        ],
        "narratives": {
            "this": dict(
                summary="A first year of diagnostic and a first quarterly release, one behind the plan.",
                progress="The diagnostic is done; the gap with mirror data fell from 18 % to 16.5 %.",
                challenges="The second release waits for the October data cleaning.",
                next_steps="Publish the second and third releases; train the successor of the head statistician.",
            ),
        },
    },
    "AP-ML-2024": {
        "impact": (
            "Fiji and Peru target high-risk shipments with a supervised model.",
            [
                dict(
                    name="Seizures per 1,000 inspections",
                    unit="number",
                    direction="higher",
                    baseline_value=4,
                    baseline_date=date(2023, 12, 31),
                    target_value=9,
                    target_date=date(2026, 12, 31),
                    milestones={2024: 5, 2025: 7},
                    means_of_verification="Enforcement statistics of both administrations",
                    pmm_dimension=PMM["enforcement"],
                    values=[
                        (date(2024, 12, 31), 4.4, "Enforcement statistics 2024"),
                        (date(2025, 6, 30), 5.1, "Enforcement statistics, mid-2025"),
                        (date(2025, 12, 31), 5.6, "Enforcement statistics 2025"),
                        (date(2026, 6, 30), 6.0, "Enforcement statistics, mid-2026"),
                    ],
                ),
            ],
        ),
        "outcomes": [
            (
                "The model scores declarations in live operations.",
                [
                    dict(
                        name="Declarations scored by the model",
                        unit="percent",
                        direction="higher",
                        baseline_value=0,
                        baseline_date=date(2023, 12, 31),
                        target_value=80,
                        target_date=date(2026, 12, 31),
                        milestones={2024: 10, 2025: 40},
                        means_of_verification="Scoring logs of the targeting system",
                        pmm_dimension=PMM["trade"],
                        values=[
                            (date(2024, 12, 31), 5, "Scoring logs 2024"),
                            (date(2025, 9, 30), 31, "Scoring logs, September 2025"),
                            (date(2026, 3, 31), 52, "Scoring logs, March 2026"),
                            (date(2026, 9, 30), 66, "Scoring logs, September 2026"),
                        ],
                    ),
                ],
                [
                    (
                        "Analysts able to train and evaluate a model.",
                        [
                            dict(
                                name="Officers certified",
                                unit="officers",
                                direction="higher",
                                baseline_value=0,
                                baseline_date=date(2023, 12, 31),
                                target_value=5,
                                target_date=date(2026, 12, 31),
                                milestones={2025: 2},
                                means_of_verification="Counted by the academy",
                                source="platform",
                                figure="certified",
                                pmm_dimension=PMM["development"],
                            ),
                        ],
                    ),
                ],
            ),
        ],
        "risks": [
            (
                "The model drifts as trade patterns change.",
                3,
                3,
                "Retrain every quarter; watch the hit rate monthly.",
                "Targeting centre",
                -5,
                None,
            ),
            (
                "The data-sharing agreement with Peru is not signed.",
                3,
                5,
                "Escalate to the directors general.",
                "Project lead",
                None,
                date(2025, 2, 28),
            ),
        ],
        "narratives": {
            "2024": dict(
                summary="The sandbox is ready and the first model is trained on anonymised declarations.",
                progress="The sandbox dataset was prepared on time; 5 % of declarations scored in a dry run.",
                challenges="The data-sharing agreement with Peru took longer than planned.",
                next_steps="Evaluate the model on live data in both administrations.",
            ),
            "2025": dict(
                summary="The model scores a third of declarations; seizures rise more slowly than planned.",
                progress="31 % of declarations scored by September; seizures per 1,000 inspections at 5.6.",
                challenges="The live evaluation slipped: the milestone is overdue.",
                next_steps="Score every declaration of the pilot ports; retrain on 2025 data.",
            ),
            "this": dict(
                summary="The project's last year: two thirds of declarations scored, seizures still behind target.",
                progress="66 % of declarations scored in September.",
                challenges="Model drift after the tariff change of March; quarterly retraining started.",
                next_steps="Hand over the model and its monitoring to both targeting centres.",
            ),
        },
    },
}


def load(today: date | None = None) -> None:
    """Give each demo project its results chain, values, risks and narratives, unless it has a chain."""
    today = today or date.today()
    director = find_user("directorate@academy.test")
    for code, story in CHAINS.items():
        project = db.session.scalar(sa.select(Project).where(Project.code == code))
        if project is None or db.session.scalar(sa.select(Result.id).where(Result.project_id == project.id)):
            continue
        _chain(director, project, story, today)
        for description, likelihood, impact, mitigation, owner, review_in, closed_on in story["risks"]:
            review_on = today + timedelta(days=review_in) if review_in is not None else closed_on
            results_services.save_risk(
                director,
                project,
                None,
                description=description,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                owner=owner,
                review_on=review_on,
                closed_on=closed_on,
            )
        for key, sections in story["narratives"].items():
            period = periods.current(today) if key == "this" else periods.parse(key)
            if period.has_begun(today):
                narratives.save_narrative(director, project, period, **sections)
    db.session.flush()


def _chain(director, project, story, today: date) -> None:
    statement, indicators = story["impact"]
    impact = results_services.save_result(director, project, None, level="impact", statement=statement, parent=None)
    _indicators(director, impact, indicators, today)
    for statement, indicators, outputs in story["outcomes"]:
        outcome = results_services.save_result(
            director, project, None, level="outcome", statement=statement, parent=impact
        )
        _indicators(director, outcome, indicators, today)
        for output_statement, output_indicators in outputs:
            output = results_services.save_result(
                director, project, None, level="output", statement=output_statement, parent=outcome
            )
            _indicators(director, output, output_indicators, today)


def _indicators(director, result, specs: list[dict], today: date) -> None:
    for spec in specs:
        spec = dict(spec)
        values = spec.pop("values", [])
        indicator = results_services.save_indicator(director, result, None, **spec)
        for day, value, source in values:
            if day <= today:
                results_services.add_value(
                    director, indicator, value=value, measured_on=day, source=source, today=today
                )
