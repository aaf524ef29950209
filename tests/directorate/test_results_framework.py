"""The results framework's pages: the chain, indicators and their bad input, values with evidence, risks, thresholds."""

import io
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.courses.models import Course, Enrolment
from app.directorate import results, results_counts
from app.directorate.models import Indicator, IndicatorValue, Project, Result, Risk
from app.extensions import db
from tests.helpers import YEAR1, YEAR2, YEAR3, csrf_token, post_form


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _result(app, level: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Result.id).where(Result.level == level))


@pytest.fixture
def chain(app, client, auth, project):
    """KE-DATA with an impact, an outcome and an output entered through the forms, the director logged in."""
    auth.login(project["director"].email)
    base = f"/projects/{project['code']}/results/new"
    assert post_form(client, base, level="impact", parent="0", statement="Trade is faster and safer").status_code == 302
    impact = _result(app, "impact")
    post_form(client, base, level="outcome", parent=str(impact), statement="Risk management uses data")
    outcome = _result(app, "outcome")
    post_form(client, base, level="output", parent=str(outcome), statement="Analysts trained")
    return {**project, "impact": impact, "outcome": outcome, "output": _result(app, "output")}


INDICATOR = {
    "name": "Share of declarations selected by a risk model",
    "unit": "percent",
    "direction": "higher",
    "baseline_value": "10",
    "baseline_date": f"{YEAR1}-01-01",
    "target_value": "60",
    "target_date": f"{YEAR3}-12-31",
    "milestones": f"{YEAR1}: 20\n{YEAR2}: 40",
    "means_of_verification": "Customs annual report",
    "source": "manual",
    "figure": "",
    "track": "0",
    "tier": "0",
}


def test_the_chain_shows_on_the_project_page_in_order(client, chain):
    """Does the project page show the impact, then its outcome, then its output, with the rule in words?"""
    page = client.get("/projects/KE-DATA").get_data(as_text=True)
    assert (
        page.index("Trade is faster and safer")
        < page.index("Risk management uses data")
        < page.index("Analysts trained")
    )
    assert "The project has no indicator or target due to judge by yet." in page
    assert "Progress = (current value − baseline)" in page


def test_a_second_impact_and_an_orphan_output_are_refused(app, client, chain):
    """Is a second impact, or an output that serves no outcome, refused with a message and nothing saved?"""
    before = _count(app, Result)
    page = post_form(client, "/projects/KE-DATA/results/new", level="impact", parent="0", statement="Another")
    assert "already has an impact" in page.get_data(as_text=True)
    page = post_form(
        client, "/projects/KE-DATA/results/new", level="output", parent=str(chain["impact"]), statement="X"
    )
    assert "An output serves an outcome" in page.get_data(as_text=True)
    assert _count(app, Result) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target_value": "10"}, "The target equals the baseline (10)"),
        ({"baseline_value": ""}, "Give the baseline"),
        ({"target_value": "120"}, "The target must be between 0 and 100 for this unit (120 given)"),
        ({"milestones": f"{YEAR1}: 20\n{YEAR3 + 2}: 50"}, f"The milestone for {YEAR3 + 2} falls after the target date"),
        ({"milestones": "twenty"}, "Milestones, line 1"),
        ({"direction": "lower"}, "Lower is better, so the target must be below the baseline"),
        ({"source": "platform", "figure": "enrolled"}, "choose the unit “officers”"),
    ],
    ids=["zero-width", "no-baseline", "out-of-range", "milestone-after-target", "bad-milestone", "wrong-way", "unit"],
)
def test_bad_indicators_are_refused_with_a_message(app, client, chain, change, message):
    """Are a zero-width range, a missing baseline, an out-of-range value or a late milestone refused, unsaved?"""
    path = f"/projects/KE-DATA/results/{chain['outcome']}/indicators/new"
    page = post_form(client, path, **{**INDICATOR, **change})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _count(app, Indicator) == 0


def _add_indicator(app, client, chain, **change) -> int:
    path = f"/projects/KE-DATA/results/{chain['outcome']}/indicators/new"
    assert post_form(client, path, **{**INDICATOR, **change}).status_code == 302
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Indicator.id)))


def test_a_value_with_evidence_turns_the_light(app, client, chain):
    """Does an indicator with no value say so, and a value with a file and a link change its light, kept in history?"""
    indicator_id = _add_indicator(app, client, chain)
    page = client.get("/projects/KE-DATA").get_data(as_text=True)
    assert "No recent value" in page
    history = f"/projects/KE-DATA/indicators/{indicator_id}"
    value_path = f"{history}/values/new"
    response = client.post(
        value_path,
        data={
            "csrf_token": csrf_token(client, value_path),
            "value": "45",
            "measured_on": (date.today() - timedelta(days=3)).isoformat(),
            "source": "Risk management unit statistics",
            "comment": "Model live in two ports",
            "evidence_url": "https://example.org/report",
            "evidence_file": (io.BytesIO(b"selection rates by port"), "rates.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location.endswith(history)
    page = client.get(history).get_data(as_text=True)
    assert "Risk management unit statistics" in page and "rates.csv" in page
    with app.app_context():
        ind = db.session.get(Indicator, indicator_id)
        light = results.light(ind, date.today())
        row = db.session.scalar(sa.select(IndicatorValue))
    # 45 from 10 towards 60 is 70 %; this year (the second of three) between 20 % and 60 % is expected, on the way
    # from last year's milestone (20) to this year's (40): on track whatever the day.
    assert 0.2 <= light.expected <= 0.6
    assert light.status == "on_track" and light.progress == pytest.approx(0.7)
    download = client.get(f"/indicator-values/{row.id}/evidence")
    assert download.data == b"selection rates by port"
    download.close()
    assert "On track" in client.get("/projects/KE-DATA").get_data(as_text=True)
    # A second value is added, the first kept: three quarters of the progress expected today is "at risk" (between
    # 60 % and 90 % of it), whatever the day.
    behind = 10 + 50 * light.expected * 0.75
    post_form(client, value_path, value=f"{behind:.4f}", measured_on=date.today().isoformat(), source="Statistics")
    assert _count(app, IndicatorValue) == 2
    with app.app_context():
        assert results.light(db.session.get(Indicator, indicator_id), date.today()).status == "at_risk"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": "140"}, "The value must be between 0 and 100"),
        ({"value": ""}, "Give the value measured"),
        ({"source": ""}, "Say where the value comes from"),
        ({"measured_on": f"{YEAR3 + 4}-01-01"}, "cannot be measured in the future"),
        ({"evidence_url": "ftp://x"}, "The evidence link must start with https:// or http://."),
    ],
    ids=["out-of-range", "no-value", "no-source", "future", "bad-link"],
)
def test_bad_values_are_refused(app, client, chain, change, message):
    """Is a value outside its unit's range, without a source or dated in the future refused, nothing saved?"""
    indicator_id = _add_indicator(app, client, chain)
    path = f"/projects/KE-DATA/indicators/{indicator_id}/values/new"
    data = {"value": "40", "measured_on": f"{YEAR1}-06-01", "source": "Report", **change}
    page = post_form(client, path, **data)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _count(app, IndicatorValue) == 0


def test_a_platform_indicator_counts_and_breaks_down_with_small_groups_hidden(app, client, chain, make_user):
    """Does a platform indicator count the beneficiaries' enrolled officers, and hide groups under five by sex?"""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        course_id = course.id
    sexes = ["female"] * 6 + ["male"] * 2 + [None] * 5
    for sex in sexes:
        user = make_user(administration=chain["kenya"], sex=sex)
        with app.app_context():
            db.session.add(Enrolment(user_id=user.id, course_id=course_id, enrolled_at=datetime(YEAR1, 3, 1)))
            db.session.commit()
    indicator_id = _add_indicator(
        app,
        client,
        chain,
        name="Officers enrolled",
        unit="officers",
        baseline_value="0",
        target_value="40",
        milestones="",
        source="platform",
        figure="enrolled",
    )
    with app.app_context():
        ind = db.session.get(Indicator, indicator_id)
        assert results.current_value(ind, date.today()) == 13
        by_sex = dict(results_counts.breakdown(ind, date.today(), "sex"))
        by_administration = results_counts.breakdown(ind, date.today(), "administration")
    # Two men would be told apart: hidden, and the next smallest group (five not recorded) with them.
    assert by_sex == {"Female": 6, "Male": None, "Not recorded": None}
    assert sum(n for _group, n in by_administration) == 13
    page = client.get(f"/projects/KE-DATA/indicators/{indicator_id}").get_data(as_text=True)
    assert "fewer than 5" in page and "By sex" in page
    assert "Enter a value" not in page


def test_risks_are_added_shown_overdue_and_closed(app, client, chain):
    """Can the director add a risk whose review is overdue, see it on the project and the overview, then close it?"""
    post_form(
        client,
        "/projects/KE-DATA/risks/new",
        description="Data owners do not share declarations",
        likelihood="4",
        impact="5",
        mitigation="Memorandum with the IT directorate",
        owner="Project lead",
        review_on=f"{YEAR1}-09-30",
    )
    with app.app_context():
        risk = db.session.scalar(sa.select(Risk))
        assert (risk.level, risk.closed_on) == (20, None)
    register = client.get("/projects/KE-DATA/risks").get_data(as_text=True)
    assert "20 · Critical" in register and "review overdue" in register
    assert "Reviews overdue: 1" in client.get("/projects/KE-DATA").get_data(as_text=True)
    assert "Data owners do not share declarations" in client.get("/directorate").get_data(as_text=True)
    page = post_form(
        client,
        f"/projects/KE-DATA/risks/{risk.id}",
        description="Data owners do not share declarations",
        likelihood="4",
        impact="5",
        review_on=f"{YEAR1}-09-30",
        close="1",
    )
    assert page.status_code == 302
    with app.app_context():
        assert db.session.get(Risk, risk.id).closed_on == date.today()
    assert "Reviews overdue: 0" in client.get("/projects/KE-DATA").get_data(as_text=True)


def test_a_risk_rated_beyond_five_is_refused(app, client, chain):
    """Is a likelihood of 6 refused with a message and nothing saved?"""
    page = post_form(
        client, "/projects/KE-DATA/risks/new", description="X", likelihood="6", impact="2", review_on=f"{YEAR3}-01-01"
    )
    assert "rated from 1 to 5" in page.get_data(as_text=True)
    assert _count(app, Risk) == 0


def test_the_director_sets_the_thresholds_and_the_lights_follow(app, client, chain):
    """When the director raises "on track" to 100 %, does an indicator slightly behind turn at risk?"""
    indicator_id = _add_indicator(app, client, chain, milestones="")
    path = f"/projects/KE-DATA/indicators/{indicator_id}/values/new"
    with app.app_context():
        ind = db.session.get(Indicator, indicator_id)
        expected = results.light(ind, date.today()).expected
    # A value at 95 % of the expected progress: on track at 90 %, at risk at 100 %.
    value = 10 + 50 * expected * 0.95
    post_form(client, path, value=f"{value:.4f}", measured_on=date.today().isoformat(), source="Report")
    with app.app_context():
        assert results.light(db.session.get(Indicator, indicator_id), date.today()).status == "on_track"
    assert (
        post_form(client, "/directorate/thresholds", on_track="100", at_risk="60", period_days="365").status_code == 302
    )
    with app.app_context():
        assert results.light(db.session.get(Indicator, indicator_id), date.today()).status == "at_risk"
    page = post_form(client, "/directorate/thresholds", on_track="50", at_risk="70", period_days="365")
    assert "“At risk” must be below “on track”" in page.get_data(as_text=True)


def test_learners_and_coordinators_cannot_reach_the_framework(app, client, auth, chain, make_user):
    """Are the chain's forms, an indicator's history, the risks and the thresholds closed to a coordinator?"""
    coordinator = make_user(Role.COORDINATOR, chain["kenya"])
    auth.logout()
    auth.login(coordinator.email)
    for path in (
        "/projects/KE-DATA/results/new",
        f"/projects/KE-DATA/results/{chain['outcome']}/indicators/new",
        "/projects/KE-DATA/risks",
        "/projects/KE-DATA/risks/new",
        "/directorate/thresholds",
    ):
        assert client.get(path).status_code == 403, path
    with app.app_context():
        assert db.session.scalar(sa.select(Project.code)) == "KE-DATA"
        assert db.session.get(User, coordinator.id).sex is None
