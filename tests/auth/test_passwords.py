"""Changing, resetting and first setting a password (invitations)."""

import re

import pytest

from app.auth import services
from app.auth.models import Role, User
from app.extensions import db
from tests.helpers import PASSWORD, csrf_token, deliver_outbox, post_form

NEW_PASSWORD = "another-long-passphrase"


def _mailed_link(caplog) -> str:
    match = re.search(r"http://academy\.test(/\S+)", caplog.text)
    assert match, "no link in the logged mail"
    return match.group(1)


def test_change_password_ends_other_sessions(app, client, auth, make_user):
    """When a user changes their password, are their other sessions logged out and this one kept?"""
    user = make_user()
    other = app.test_client()
    other_auth = type(auth)(other)
    other_auth.login(user.email)
    auth.login(user.email)
    response = post_form(client, "/account", current=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    auth.logout()
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302


def test_change_password_needs_the_current_one(client, auth, make_user):
    """Is a password change refused without the right current password?"""
    user = make_user()
    auth.login(user.email)
    page = post_form(client, "/account", current="wrong-password", password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert "This is not your current password." in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 8 characters"), ("password123", "too common"), ("aaaaaaaaaaa", "too common")],
)
def test_weak_passwords_are_refused(client, auth, make_user, password, message):
    """Are short and common passwords refused with a reason?"""
    user = make_user()
    auth.login(user.email)
    page = post_form(client, "/account", current=PASSWORD, password=password, confirm=password)
    assert message in page.get_data(as_text=True)


def test_password_reset_by_mailed_link(app, client, auth, make_user, caplog):
    """Can a user who forgot their password reset it with the link mailed to them, once?"""
    user = make_user()
    caplog.set_level("INFO")
    response = post_form(client, "/password/forgot", email=user.email)
    assert response.status_code == 302
    assert deliver_outbox(app) == 1
    link = _mailed_link(caplog)
    response = post_form(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # logged in by the reset
    auth.logout()
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    # The link worked once; it does not work again.
    assert client.get(link).status_code == 400


def test_reset_for_unknown_email_says_the_same(app, client, caplog):
    """Does asking a reset for an unknown address reveal nothing and mail nothing?"""
    caplog.set_level("INFO")
    response = post_form(client, "/password/forgot", email="nobody@example.org")
    assert response.status_code == 302
    assert deliver_outbox(app) == 0
    assert "If this address has an account" in client.get("/login").get_data(as_text=True)
    assert "http://academy.test" not in caplog.text


def test_reset_link_expires(app, make_user, monkeypatch):
    """Does a reset link stop working after its lifetime?"""
    user = make_user()
    with app.test_request_context():
        token = services.make_token(db.session.get(User, user.id), services.PASSWORD_RESET)
        app.config["PASSWORD_RESET_HOURS"] = 0
        try:
            import time

            time.sleep(1.1)
            with pytest.raises(services.AccountError, match="expired"):
                services.user_for_token(token, services.PASSWORD_RESET)
        finally:
            app.config["PASSWORD_RESET_HOURS"] = 2


def test_tampered_reset_link_is_refused(client):
    """Is a forged or truncated token refused with a clear page?"""
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_reset_token_is_not_an_invitation(app, make_user):
    """Can a reset token be used as an invitation token? (No: each purpose signs its own.)"""
    user = make_user()
    with app.test_request_context():
        token = services.make_token(db.session.get(User, user.id), services.PASSWORD_RESET)
        with pytest.raises(services.AccountError):
            services.user_for_token(token, services.INVITATION)


def test_invitation_lets_a_new_officer_set_a_password(app, client, auth, make_user, make_administration, caplog):
    """Does an officer invited by their coordinator get a link that sets their password and logs them in?"""
    kenya = make_administration("KE", region=None)
    coordinator = make_user(Role.COORDINATOR, kenya)
    auth.login(coordinator.email)
    caplog.set_level("INFO")
    response = post_form(
        client,
        "/people/new",
        email="new.officer@example.org",
        full_name="Jérôme Müller-Ødegaard",
        administration=kenya.id,
        role="learner",
    )
    assert response.status_code == 302
    assert deliver_outbox(app) == 1
    link = _mailed_link(caplog)
    auth.logout()
    page = client.get(link).get_data(as_text=True)
    assert "Jérôme Müller-Ødegaard" in page
    response = post_form(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert "Welcome, Jérôme Müller-Ødegaard" in client.get("/").get_data(as_text=True)
    assert client.get(link).status_code == 400  # used once


def test_invited_user_cannot_log_in_before_setting_a_password(auth, make_user):
    """Can an account that has no password yet be logged into with an empty or guessed one?"""
    user = make_user(password=None)
    assert "Email or password is incorrect." in auth.login(user.email, "anything-at-all").get_data(as_text=True)


def test_password_form_without_csrf_changes_nothing(client, auth, make_user):
    """Is a password change without the CSRF token refused?"""
    user = make_user()
    auth.login(user.email)
    csrf_token(client, "/account")
    response = client.post("/account", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    auth.logout()
    assert auth.login(user.email).status_code == 302
