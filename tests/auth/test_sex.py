"""A person's optional sex: set by themselves, by the directorate or by a CSV column; hidden from everyone else."""

import sqlalchemy as sa

from app.auth.models import Role, User
from app.extensions import db
from app.people.importing import import_users
from tests.helpers import post_form


def _sex(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).sex


def test_a_person_records_and_withdraws_their_sex(app, client, auth, make_user):
    """Can an officer record "prefer not to say" on their account page, then take the answer back?"""
    officer = make_user()
    auth.login(officer.email)
    assert "only ever counted in groups of at least five" in client.get("/account").get_data(as_text=True)
    assert post_form(client, "/account", "/account/sex", sex="prefer_not_to_say").status_code == 302
    assert _sex(app, officer.id) == "prefer_not_to_say"
    post_form(client, "/account", "/account/sex", sex="")
    assert _sex(app, officer.id) is None


def test_staff_set_it_but_a_coordinator_neither_sees_nor_sets_it(app, client, auth, make_user, make_administration):
    """May the directorate set an officer's sex, while the officer's coordinator sees no trace of it?"""
    kenya = make_administration("KE")
    officer = make_user(administration=kenya, sex="female")
    coordinator = make_user(Role.COORDINATOR, kenya)
    director = make_user(Role.DIRECTORATE, make_administration("WCO", region=None))
    auth.login(coordinator.email)
    page = client.get(f"/people/{officer.id}").get_data(as_text=True)
    assert "Sex" not in page and "Female" not in page
    assert client.post(f"/people/{officer.id}/sex", data={"sex": "male"}).status_code in (400, 403)
    auth.logout()
    auth.login(director.email)
    page = client.get(f"/people/{officer.id}")
    assert '<option selected value="female">' in page.get_data(as_text=True)
    post_form(client, f"/people/{officer.id}", f"/people/{officer.id}/sex", sex="male")
    assert _sex(app, officer.id) == "male"


def test_the_import_reads_an_optional_sex_column_and_names_a_bad_value_by_line(app, make_administration):
    """Does the CSV import keep a sex column, refusing an unknown value with its line and importing nothing?"""
    make_administration("KE")
    header = "email,full_name,administration,role,sex\n"
    with app.app_context():
        result = import_users((header + "a@example.org,Amina Odhiambo,KE,learner,F\n").encode(), None)
        assert [(p.line, "Unknown sex" in p.message) for p in result.problems] == [(2, True)]
        db.session.rollback()
        result = import_users(
            (
                header + "a@example.org,Amina Odhiambo,KE,learner,female\nb@example.org,Awa Ndiaye,KE,learner,\n"
            ).encode(),
            None,
        )
        assert result.ok
        db.session.commit()
        assert dict(db.session.execute(sa.select(User.email, User.sex)).all()) == {
            "a@example.org": "female",
            "b@example.org": None,
        }
