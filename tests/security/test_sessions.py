"""Sessions that end: logging out ends the session on the server (a copied cookie stops working), "log out
everywhere" ends every device's, and what a logged-in person was sent is not kept by shared caches."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User, UserSession
from app.extensions import db
from tests.helpers import PASSWORD, AuthActions, post_form


def _logged_in_client(app, email: str, *, remember: bool = True):
    client = app.test_client()
    response = AuthActions(client).login(email, **({"remember": "y"} if remember else {}))
    assert response.status_code == 302
    return client


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _is_logged_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def _replay(app, **cookies: str):
    """A fresh browser holding only these copied cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


@pytest.mark.parametrize("copied", ["session", "remember_token"])
def test_a_copied_cookie_stops_working_after_logout(app, make_user, copied):
    """After logging out, does replaying the old session cookie (or the remember-me cookie) get the login page?"""
    user = make_user()
    client = _logged_in_client(app, user.email)
    cookie = _cookie(client, copied)
    assert _is_logged_in(_replay(app, **{copied: cookie}))  # the copy works while the session is open
    AuthActions(client).logout()
    assert not _is_logged_in(client)
    assert not _is_logged_in(_replay(app, **{copied: cookie}))


def test_logout_deletes_the_remember_me_cookie_in_the_browser(app, make_user):
    """Does logging out also tell the browser to drop its remember-me cookie?"""
    client = _logged_in_client(app, make_user().email)
    response = AuthActions(client).logout()
    assert any(h.startswith("remember_token=;") for h in response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is None


def test_logging_out_on_one_device_keeps_the_others(app, make_user):
    """When an officer logs out on the office computer, is their phone still logged in?"""
    user = make_user()
    office, phone = _logged_in_client(app, user.email), _logged_in_client(app, user.email)
    AuthActions(office).logout()
    assert not _is_logged_in(office)
    assert _is_logged_in(phone)


def test_log_out_everywhere_ends_every_session(app, make_user):
    """Does "Log out everywhere" on the account page end this session, the others and their remember-me cookies?"""
    user = make_user()
    office, phone = _logged_in_client(app, user.email), _logged_in_client(app, user.email)
    copied = _cookie(phone, "remember_token")
    page = office.get("/account").get_data(as_text=True)
    assert "Log out everywhere" in page and "logged in on 2 devices" in page
    response = post_form(office, "/account", "/account/log-out-everywhere")
    assert response.status_code == 302
    assert not _is_logged_in(office)
    assert not _is_logged_in(phone)
    assert not _is_logged_in(_replay(app, remember_token=copied))
    assert _is_logged_in(_logged_in_client(app, user.email))  # the password still works


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, make_user):
    """After a password change, does this browser stay logged in while the other devices are logged out?"""
    user = make_user()
    here, there = _logged_in_client(app, user.email), _logged_in_client(app, user.email)
    new = "another-long-passphrase"
    response = post_form(here, "/account", current=PASSWORD, password=new, confirm=new)
    assert response.status_code == 302
    assert _is_logged_in(here)
    assert not _is_logged_in(there)


def test_deactivation_ends_every_session_and_remember_me_cookie(app, make_user, make_administration):
    """When an administrator deactivates someone, do their sessions and remember-me cookies stop working at once?"""
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None))
    officer = make_user()
    officers = _logged_in_client(app, officer.email)
    copied = _cookie(officers, "remember_token")
    admins = _logged_in_client(app, admin.email)
    response = post_form(admins, f"/people/{officer.id}", f"/people/{officer.id}/deactivate")
    assert response.status_code == 302
    assert not _is_logged_in(officers)
    assert not _is_logged_in(_replay(app, remember_token=copied))


def test_sessions_are_kept_as_hashes_and_pruned_at_login(app, make_user):
    """Is the key a cookie carries never stored as such, and are ended sessions cleared at the next login?"""
    user = make_user()
    for _ in range(3):
        AuthActions(_logged_in_client(app, user.email)).logout()
    client = _logged_in_client(app, user.email)
    with app.app_context():
        rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()
        assert [row.ended_at for row in rows] == [None]  # the three ended ones went at this login
        key = _cookie(client, "remember_token")
        assert rows[0].key_hash not in key and len(rows[0].key_hash) == 64


def test_a_person_keeps_a_bounded_number_of_sessions(app, make_user, monkeypatch):
    """When someone logs in on more browsers than the academy keeps (20; 3 here), does the oldest session end and
    the newest ones stay?"""
    from app.auth import sessions

    monkeypatch.setattr(sessions, "MOST_OPEN", 3)
    user = make_user()
    browsers = [_logged_in_client(app, user.email) for _ in range(4)]
    assert [_is_logged_in(client) for client in browsers] == [False, True, True, True]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(UserSession.user_id == user.id)) == 3


def test_private_pages_are_not_stored_and_downloads_are_private(app, make_user, make_administration):
    """Are pages sent to a logged-in person marked no-store, login-gated downloads private, and public pages
    left to caches when nobody is logged in?"""
    kenya = make_administration("KE")
    coordinator = make_user(Role.COORDINATOR, kenya)
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/").headers.get("Cache-Control", "")
    client = _logged_in_client(app, coordinator.email)
    for path in ("/", "/account", "/coordinator", "/catalogue"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    export = client.get("/coordinator?format=csv&table=officers")
    assert export.status_code == 200 and export.headers["Content-Disposition"].startswith("attachment")
    assert "private" in export.headers["Cache-Control"] and "public" not in export.headers["Cache-Control"]


def test_a_notebook_download_is_never_public(app, client, auth, ready_learner):
    """Is a lesson's notebook (kept an hour by the browser) marked private, so no shared proxy keeps it?"""
    from app.courses.models import Attachment

    with app.app_context():
        attachment = db.session.scalars(sa.select(Attachment)).first()
        assert attachment is not None
        path = f"/attachments/{attachment.id}/{attachment.filename}"
    auth.login(db_email(app, ready_learner.id))
    response = client.get(path)
    response.close()
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache, cache


def db_email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email
