"""Sessions across hosts: started on one, valid on the other, ended on both by a logout or a deactivation.

Sessions are rows of the shared database (app/auth/sessions.py), read at every logged-in request
on whichever host it reaches: nothing about them is kept by a host (docs/decisions.md, "Sessions").
"""

from __future__ import annotations

import pytest

from app.auth import services
from app.auth.models import User
from app.extensions import db
from tests.helpers import PASSWORD
from tests.hosts.hosts import Browser


@pytest.fixture(scope="module")
def hosts(start_host):
    """Two hosts over one database, as behind a load balancer."""
    return start_host(), start_host()


def test_a_session_started_on_one_host_is_valid_on_the_other_and_its_logout_ends_it_on_both(hosts, make_user):
    """Logged in through host A, is the browser logged in at host B, and logged out on A once B logs it out?"""
    learner = make_user()
    host_a, host_b = hosts
    browser, other_browser = Browser(), Browser()

    assert browser.log_in(host_a.url, learner.email, PASSWORD)[0] == 302
    assert other_browser.log_in(host_b.url, learner.email, PASSWORD)[0] == 302
    assert browser.logged_in_at(host_a.url) and browser.logged_in_at(host_b.url)

    status, _body, headers = browser.post_form(f"{host_b.url}/account", f"{host_b.url}/logout")
    assert status == 302 and headers["Location"] == "/"
    assert not browser.logged_in_at(host_a.url) and not browser.logged_in_at(host_b.url)
    assert other_browser.logged_in_at(host_a.url)  # a logout ends its own session only


def test_a_copied_cookie_stops_working_on_every_host_once_its_session_ends(hosts, make_user):
    """Does a cookie copied before the logout stop working on both hosts (the server, not the cookie, decides)?"""
    learner = make_user()
    host_a, host_b = hosts
    browser = Browser()
    browser.log_in(host_a.url, learner.email, PASSWORD)
    copy = Browser()
    for cookie in browser.cookies:
        copy.cookies.set_cookie(cookie)
    assert copy.logged_in_at(host_b.url)

    browser.post_form(f"{host_a.url}/account", f"{host_a.url}/logout")
    assert not copy.logged_in_at(host_a.url) and not copy.logged_in_at(host_b.url)


def test_log_out_everywhere_on_one_host_ends_the_sessions_opened_on_the_other(hosts, make_user):
    """Does "log out everywhere" on host A end the session the same person opened on host B?"""
    learner = make_user()
    host_a, host_b = hosts
    at_work, at_home = Browser(), Browser()
    at_work.log_in(host_a.url, learner.email, PASSWORD)
    at_home.log_in(host_b.url, learner.email, PASSWORD)

    at_work.post_form(f"{host_a.url}/account", f"{host_a.url}/account/log-out-everywhere")
    assert not at_home.logged_in_at(host_b.url) and not at_home.logged_in_at(host_a.url)


def test_deactivating_an_account_ends_its_sessions_on_every_host(app, hosts, make_user):
    """Once an account is deactivated (here through the test's own app, a third host), is it logged out on A and B?"""
    learner = make_user()
    host_a, host_b = hosts
    on_a, on_b = Browser(), Browser()
    on_a.log_in(host_a.url, learner.email, PASSWORD)
    on_b.log_in(host_b.url, learner.email, PASSWORD)
    assert on_a.logged_in_at(host_b.url) and on_b.logged_in_at(host_a.url)

    with app.app_context():
        services.deactivate(db.session.get(User, learner.id))
        db.session.commit()
    assert not any(browser.logged_in_at(host.url) for browser in (on_a, on_b) for host in (host_a, host_b))
    assert on_a.log_in(host_b.url, learner.email, PASSWORD)[0] == 200  # refused: the form again
