"""Logging in and out, with CSRF protection on."""

import re

from app.auth.models import Role
from tests.helpers import PASSWORD, csrf_token


def test_learner_logs_in_and_sees_their_home(client, auth, make_user):
    """Can a learner log in with email and password and see a personal home page?"""
    user = make_user(Role.LEARNER, full_name="Amina Odhiambo")
    response = auth.login(user.email.upper())  # emails are not case-sensitive
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Amina Odhiambo" in page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, make_user):
    """Does a failed login say the same thing whether or not the account exists?"""
    user = make_user()
    wrong = auth.login(user.email, "not-the-password").get_data(as_text=True)
    unknown = auth.login("nobody@example.org", "not-the-password").get_data(as_text=True)
    message = "Email or password is incorrect."
    assert message in wrong and message in unknown
    assert "Welcome" not in client.get("/").get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, make_user):
    """Is a login post without the form's CSRF token refused?"""
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Welcome" not in client.get("/").get_data(as_text=True)


def test_session_cookie_changes_at_login(client, auth, make_user):
    """Is the session renewed at login, so a cookie planted before login is worth nothing?"""
    user = make_user()
    client.get("/login")
    before = client.get_cookie("session").value
    auth.login(user.email)
    after = client.get_cookie("session").value
    assert before != after


def test_logout_ends_the_session(client, auth, make_user):
    """After logging out, does a page that needs a login ask for one again?"""
    user = make_user()
    auth.login(user.email)
    assert client.get("/account").status_code == 200
    auth.logout()
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.location


def test_logout_needs_csrf(client, auth, make_user):
    """Can another site log a user out with a bare post? (No: the token is required.)"""
    user = make_user()
    auth.login(user.email)
    client.post("/logout")
    assert client.get("/account").status_code == 200


def test_login_follows_only_local_next(client, make_user):
    """Does the login page refuse to send the user to another site after login?"""
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/phish", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.location == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/account", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.location == "/account"


def test_deactivated_user_cannot_log_in(client, auth, make_user):
    """Is a deactivated account refused at login, with the usual words?"""
    user = make_user(active=False)
    page = auth.login(user.email).get_data(as_text=True)
    assert "Email or password is incorrect." in page


def test_pages_carry_security_headers(client):
    """Do pages forbid framing, sniffing and scripts from elsewhere?"""
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert re.search(r"<main id=\"main\"", response.get_data(as_text=True))
