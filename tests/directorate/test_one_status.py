"""A project has one status: the overview's card, the Projects table and its export, the project page, its
report and the period page all show the value `results.status_of` gives (a property over generated portfolios)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.auth.models import User
from app.directorate import results, results_services
from app.directorate.models import Milestone, Project, Target
from app.extensions import db

TODAY = date.today()

#: One project of a generated portfolio: its lifecycle, yearly custom targets (value, reached share), milestones
#: (days overdue, or negative: not due yet) and a manual indicator's value (None: no indicator; -1: no value).
project_plan = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["active", "active", "active", "suspended", "closed"]),
        "starts_in": st.sampled_from([-400, -30, 30]),
        "targets": st.lists(
            st.tuples(st.integers(1, 50), st.sampled_from([0.0, 0.3, 0.6, 1.0]), st.sampled_from([-1, 0])),
            max_size=2,
        ),
        "milestones": st.lists(st.sampled_from([-20, 10, 90]), max_size=2),
        "indicator": st.sampled_from([None, -1, 0.0, 0.5, 1.0]),
    }
)


def _build(app, director_id: int, plans: list[dict], batch: int) -> list[str]:
    """Projects made from the plans (their targets, milestones and indicators as a director enters them)."""
    codes = []
    with app.app_context():
        director = db.session.get(User, director_id)
        for n, plan in enumerate(plans):
            start = TODAY + timedelta(days=plan["starts_in"])
            project = Project(
                code=f"GEN-{batch}-{n}",
                title=f"Generated {batch}-{n}",
                start_date=start,
                end_date=start + timedelta(days=3 * 365),
                status=plan["status"],
            )
            db.session.add(project)
            db.session.flush()
            for value, reached, year_offset in plan["targets"]:
                db.session.add(
                    Target(
                        project_id=project.id,
                        year=TODAY.year + year_offset,
                        indicator="custom",
                        label="Policy notes",
                        target_value=value,
                        manual_value=round(value * reached),
                    )
                )
            for overdue in plan["milestones"]:
                db.session.add(
                    Milestone(
                        project_id=project.id, title="M", due_date=TODAY - timedelta(days=overdue), status="planned"
                    )
                )
            if plan["indicator"] is not None:
                impact = results_services.save_result(
                    director, project, None, level="impact", statement="Trade is faster", parent=None
                )
                indicator = results_services.save_indicator(
                    director,
                    impact,
                    None,
                    name="Share selected by a model",
                    unit="percent",
                    direction="higher",
                    baseline_value=0,
                    baseline_date=TODAY - timedelta(days=365),
                    target_value=100,
                    target_date=TODAY + timedelta(days=365),
                    milestones={},
                    means_of_verification="Annual report",
                )
                if plan["indicator"] >= 0:
                    results_services.add_value(
                        director, indicator, value=100 * plan["indicator"], measured_on=TODAY, source="Annual report"
                    )
            codes.append(project.code)
        db.session.commit()
    return codes


def _shown(client, code: str) -> dict[str, str]:
    """The status each place shows for the project, as its reader reads it."""
    overview = client.get("/directorate").get_data(as_text=True)
    card = overview[overview.index(f'href="/projects/{code}"') :]
    export = client.get("/directorate?format=csv&table=projects").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(export)))
    page = client.get(f"/projects/{code}").get_data(as_text=True)
    period = client.get(f"/projects/{code}/periods/{TODAY.year}").get_data(as_text=True)

    def badge(text: str) -> str:
        return html.unescape(re.search(r"data-status>([^<]*)<", text).group(1)).strip()

    return {
        "overview card": badge(card),
        "projects export": next(r["Status"] for r in rows if r["Code"] == code),
        "project page": badge(page),
        "period page": badge(period),
    }


def test_every_place_shows_one_status_for_every_project(app, client, auth, project, make_user):
    """Do the overview's card, the Projects export, the project page and the period page agree, project by project?"""
    auth.login(project["director"].email)
    batches = iter(range(1000))

    # No shrinking: each example is a few pages over a real database, and the failing portfolio is small already.
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(st.lists(project_plan, min_size=1, max_size=3))
    def check(plans):
        _build(app, project["director"].id, plans, next(batches))
        with app.app_context():
            states = {s.project.code: s.light for s in results.project_states(TODAY)}
            chains = {
                p.code: results.chain_rows(p, TODAY)[1] for p in db.session.scalars(sa.select(Project))
            }  # the period page's and donor reports' own read
        for code, light in states.items():
            assert (chains[code].status, chains[code].lifecycle) == (light.status, light.lifecycle), code
            with app.test_request_context():
                words = light.words
            shown = _shown(client, code)
            assert set(shown.values()) == {words}, (code, shown)
            if light.lifecycle == "closed":
                assert "Off track" not in words

    check()


def test_the_demo_disagreement_is_gone(app, client, auth, project):
    """Does a project whose targets trail but whose indicators are on track show one status, the same everywhere?"""
    auth.login(project["director"].email)
    plan = {"status": "active", "starts_in": -400, "targets": [(40, 0.0, -1)], "milestones": [], "indicator": 1.0}
    (code,) = _build(app, project["director"].id, [plan], 0)
    shown = _shown(client, code)
    assert set(shown.values()) == {"Off track"}, shown  # last year's target was missed: off track everywhere
    # The overview's tables are kept for every reader: each reads the one status in their own language.
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    assert "Hors trajectoire" in client.get("/directorate?format=csv&table=projects", headers=french).data.decode()
    card = client.get("/directorate", headers=french).get_data(as_text=True)
    assert re.search(rf'href="/projects/{code}".*?data-status>Hors trajectoire<', card, re.S)
    assert "Off track" in client.get("/directorate?format=csv&table=projects").data.decode()
