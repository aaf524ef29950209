"""The multi-year view: every project's indicators by year, filtered, with the portfolio summary."""

from datetime import date

import sqlalchemy as sa

from app.auth.models import Region, User
from app.directorate import results_services, services
from app.directorate.models import Project
from app.extensions import db
from tests.helpers import YEAR1, YEAR2, YEAR3


def _second_project(app, framework, make_administration):
    """SN-STATS, a Senegalese project of another partner, with one indicator on a PMM dimension and no value."""
    senegal = make_administration("SN", "Douanes sénégalaises", Region.WEST_CENTRAL_AFRICA)
    with app.app_context():
        director = db.session.get(User, framework["director"].id)
        project = services.save_project(
            director,
            None,
            code="sn-stats",
            title="Statistics",
            partner="Other partner",
            start_date=date(YEAR2, 1, 1),
            end_date=date(YEAR3 + 1, 12, 31),
            status="active",
            objectives="",
            lead=director,
            administrations=[db.session.get(type(senegal), senegal.id)],
            course_list=[],
        )
        impact = results_services.save_result(director, project, None, level="impact", statement="Stats", parent=None)
        results_services.save_indicator(
            director,
            impact,
            None,
            name="Quarterly releases",
            unit="number",
            direction="higher",
            baseline_value=0,
            baseline_date=date(YEAR1, 12, 31),
            target_value=12,
            target_date=date(YEAR3 + 1, 12, 31),
            pmm_dimension="Trade facilitation",
        )
        db.session.commit()


def test_every_indicator_by_year_with_the_summary(app, client, auth, framework, make_administration):
    """Does the view list both projects' indicators with their yearly values, count their lights, and filter?"""
    _second_project(app, framework, make_administration)
    auth.login(framework["director"].email)
    overview = client.get("/directorate").get_data(as_text=True)
    assert 'href="/directorate/indicators"' in overview
    page = client.get("/directorate/indicators").get_data(as_text=True)
    for name in ("Declarations selected by a model", "Officers enrolled", "Quarterly releases"):
        assert name in page
    assert f'<th scope="col" class="num">{YEAR1}</th>' in page
    assert ">18<" in page  # the manual indicator's value at the end of YEAR1
    summary = page[page.index('id="portfolio-summary"') : page.index("</dl>", page.index('id="portfolio-summary"'))]
    assert 'No recent value</dt><dd class="num">1<' in summary  # Quarterly releases has no value yet
    assert 'Indicators</dt><dd class="num">3<' in summary
    by_region = client.get("/directorate/indicators?region=west-central-africa").get_data(as_text=True)
    assert "Quarterly releases" in by_region and "Officers enrolled" not in by_region
    by_partner = client.get("/directorate/indicators?partner=A+partner").get_data(as_text=True)
    assert "Quarterly releases" not in by_partner and "Officers enrolled" in by_partner
    by_pmm = client.get("/directorate/indicators?pmm=Trade+facilitation").get_data(as_text=True)
    assert "Quarterly releases" in by_pmm and "Declarations selected" not in by_pmm
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 2


def test_the_portfolio_downloads_as_xlsx(client, auth, framework):
    """Does the view download as an XLSX sheet named in full?"""
    auth.login(framework["director"].email)
    response = client.get("/directorate/indicators?format=xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_a_coordinator_may_not_see_the_portfolio(client, auth, framework, make_user):
    """Is the portfolio the directorate's only?"""
    from app.auth.models import Role

    auth.login(make_user(Role.COORDINATOR, framework["kenya"], email="c@kra.go.ke").email)
    assert client.get("/directorate/indicators").status_code == 403
