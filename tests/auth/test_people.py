"""Managing people: invitations, deactivation, who sees whom."""

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from tests.helpers import post_form


def test_deactivation_ends_open_sessions(app, client, auth, make_user, make_administration):
    """When a coordinator deactivates an officer, does the officer's open session stop working?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    officer = make_user(Role.LEARNER, kenya)
    officer_client = app.test_client()
    type(auth)(officer_client).login(officer.email)
    assert officer_client.get("/account").status_code == 200

    auth.login(coordinator.email)
    response = post_form(client, f"/people/{officer.id}", f"/people/{officer.id}/deactivate")
    assert response.status_code == 302
    assert officer_client.get("/account").status_code == 302  # sent to the login page
    assert "incorrect" in type(auth)(app.test_client()).login(officer.email).get_data(as_text=True)

    post_form(client, f"/people/{officer.id}", f"/people/{officer.id}/reactivate")
    assert type(auth)(app.test_client()).login(officer.email).status_code == 302


def test_coordinator_cannot_deactivate_another_administrations_officer(client, auth, make_user, make_administration):
    """Can a coordinator deactivate an officer of another administration? (No: 403, nothing changes.)"""
    coordinator = make_user(Role.COORDINATOR, make_administration("KE"))
    foreign = make_user(Role.LEARNER, make_administration("SN"))
    auth.login(coordinator.email)
    response = post_form(client, "/account", f"/people/{foreign.id}/deactivate")
    assert response.status_code == 403
    with client.application.app_context():
        assert db.session.get(User, foreign.id).active


def test_people_page_shows_a_coordinator_only_their_administration(client, auth, make_user, make_administration):
    """Does a coordinator's people page list their own officers and nobody else's?"""
    kenya, senegal = make_administration("KE"), make_administration("SN")
    coordinator = make_user(Role.COORDINATOR, kenya)
    make_user(Role.LEARNER, kenya, full_name="Kenyan Officer")
    make_user(Role.LEARNER, senegal, full_name="Senegalese Officer")
    auth.login(coordinator.email)
    page = client.get("/people").get_data(as_text=True)
    assert "Kenyan Officer" in page and "Senegalese Officer" not in page
    # Asking for the other administration by its id shows nobody of it.
    page = client.get(f"/people?administration={senegal.id}").get_data(as_text=True)
    assert "Senegalese Officer" not in page


def test_learner_cannot_open_people_pages(client, auth, make_user):
    """Is the people page forbidden to learners?"""
    auth.login(make_user(Role.LEARNER).email)
    assert client.get("/people").status_code == 403
    assert client.get("/people/import").status_code == 403


def test_coordinator_can_only_invite_learners_into_their_administration(client, auth, make_user, make_administration):
    """Can a coordinator create an admin, or an account in another administration? (No.)"""
    kenya, senegal = make_administration("KE"), make_administration("SN")
    coordinator = make_user(Role.COORDINATOR, kenya)
    auth.login(coordinator.email)
    page = post_form(client, "/people/new", email="x@example.org", full_name="X", administration=kenya.id, role="admin")
    assert page.status_code == 200  # the form again, with the error
    page = post_form(
        client, "/people/new", email="y@example.org", full_name="Y", administration=senegal.id, role="learner"
    )
    assert page.status_code == 200
    with client.application.app_context():
        emails = set(db.session.scalars(sa.select(User.email)))
    assert "x@example.org" not in emails and "y@example.org" not in emails


def test_admin_manages_administrations(client, auth, make_user, make_administration):
    """Can an admin add an administration, with its ISO code checked and its region required?"""
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None))
    auth.login(admin.email)
    page = post_form(client, "/administrations/new", code="ZZ", name="Nowhere", region="europe")
    assert "not an ISO 3166 country code" in page.get_data(as_text=True)
    page = post_form(client, "/administrations/new", code="ke", name="Kenya", region="")
    assert "belongs to a WCO region" in page.get_data(as_text=True)
    response = post_form(client, "/administrations/new", code="ke", name="Kenya", region="east-southern-africa")
    assert response.status_code == 302
    assert "Kenya" in client.get("/administrations").get_data(as_text=True)
