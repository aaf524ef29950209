"""Guessing passwords and codes: failed logins limited per account and per address (never successful ones, so a
training room logs in), answers that tell nothing about who has an account (in words or in time), weak passwords
refused, and limits shared by every worker through Redis."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from app.auth.models import PASSWORD_HASH_METHOD, Role, User
from app.extensions import db, limiter
from tests.helpers import PASSWORD, csrf_token, post_form

ROOT = Path(__file__).resolve().parents[2]
#: Of the most used passwords (NCSC's top 20) those of 8 characters or more, and case variants of them.
COMMON = ["password", "12345678", "123456789", "1234567890", "password1", "iloveyou", "qwertyuiop", "1q2w3e4r5t"]
WEAK = [
    ("short", "seven77", "at least 8 characters"),
    ("empty-ish", "a1b2c3d", "at least 8 characters"),
    *[(f"common-{p}", p, "too common") for p in COMMON],
    ("common-capitalised", "Password1", "too common"),
    ("common-shouting", "QWERTYUIOP", "too common"),
    ("one-character", "zzzzzzzzzzzz", "too common"),
]


def _statuses(send, n: int) -> list[int]:
    return [send().status_code for _ in range(n)]


def _login(client, email: str, password: str, address: str = "127.0.0.1", **headers):
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_a_training_room_behind_one_address_logs_in(app, make_user, make_administration):
    """Can 30 officers of a training room, all behind one address, log in one after the other without a limit?"""
    kenya = make_administration("KE")
    officers = [make_user(administration=kenya, email=f"officer{n}@example.org") for n in range(30)]
    statuses = [_login(app.test_client(), officer.email, PASSWORD).status_code for officer in officers]
    assert statuses == [302] * 30


def test_failed_logins_lock_the_account_from_every_address(app, make_user):
    """After 5 failed logins on one account, is the 6th attempt refused — even with the right password, from any
    address — and told how long to wait, while other accounts still log in from the same address?"""
    target, colleague = make_user(email="target@example.org"), make_user(email="colleague@example.org")
    guesser = app.test_client()
    statuses = [_login(guesser, target.email, f"guess-{n}", "198.51.100.7").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    owner = app.test_client()
    response = _login(owner, " Target@Example.org", PASSWORD, "203.0.113.50")  # the same account, typed otherwise
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed logins. Try again in 15 minutes." in page
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert owner.get("/account").status_code == 302  # not logged in
    assert _login(app.test_client(), colleague.email, PASSWORD, "198.51.100.7").status_code == 302


def test_the_wait_is_the_real_one_and_counts_down(app, make_user):
    """Is the wait told the time left in the lock (a minute when a minute is left), in the singular for one?"""
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "2 per 1 minute"
    try:
        user = make_user()
        client = app.test_client()
        for n in range(2):
            _login(client, user.email, f"guess-{n}")
        page = _login(client, user.email, PASSWORD).get_data(as_text=True)
        assert "Try again in 1 minute." in page
    finally:
        app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "5 per 15 minutes"


def test_a_successful_login_clears_the_accounts_failures(app, make_user):
    """After 4 mistakes and then the right password, does the officer start again with a full allowance?"""
    user = make_user()
    client = app.test_client()
    for n in range(4):
        assert _login(client, user.email, f"typo-{n}").status_code == 200
    assert _login(client, user.email, PASSWORD).status_code == 302
    other = app.test_client()
    assert [_login(other, user.email, f"typo-{n}").status_code for n in range(5)] == [200] * 5


@pytest.fixture
def address_ceiling(app):
    """A ceiling of 8 failures per address, so a test need not post 60 (each one checks a password hash)."""
    default = app.config["LOGIN_FAILURES_PER_ADDRESS"]
    assert default == "60 per 15 minutes"  # the real one: twelve times an account's, for a training room
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "8 per 15 minutes"
    yield 8
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = default


def test_many_failures_from_one_address_lock_that_address(app, make_user, address_ceiling):
    """After the address's ceiling of failed logins on different accounts, is that address refused while another
    address still logs in?"""
    user = make_user()
    client = app.test_client()
    statuses = [
        _login(client, f"nobody{n}@example.org", "guess", "198.51.100.9").status_code
        for n in range(address_ceiling + 1)
    ]
    assert statuses == [200] * address_ceiling + [429]
    assert _login(client, user.email, PASSWORD, "198.51.100.9").status_code == 429
    assert _login(app.test_client(), user.email, PASSWORD, "203.0.113.50").status_code == 302


def test_a_forged_forwarded_for_header_buys_no_new_attempts(app, address_ceiling):
    """With no proxy configured (PROXY_COUNT=0), does writing X-Forwarded-For change nothing: the failures
    still count against the real address?"""
    client = app.test_client()
    statuses = [
        _login(client, f"nobody{n}@example.org", "guess", "198.51.100.9", **{"X-Forwarded-For": f"10.0.{n}.1"})
        for n in range(address_ceiling + 1)
    ]
    assert [s.status_code for s in statuses] == [200] * address_ceiling + [429]


@pytest.fixture
def proxied_app(app, monkeypatch, tmp_path):
    """The application as deployed behind one reverse proxy (PROXY_COUNT=1), on the test database.

    The rate limiter is one object shared by every app: it is re-initialised for the session's app afterwards.
    """
    from app import create_app

    monkeypatch.setenv("PROXY_COUNT", "1")
    proxied = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "proxied",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "STORAGE_DIR": str(tmp_path / "storage"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_FAILURES_PER_ADDRESS": "8 per 15 minutes",  # not 60: each failure checks a password hash
        }
    )
    yield proxied
    with proxied.app_context():
        db.engine.dispose()
    limiter.init_app(app)
    limiter.reset()


def test_behind_a_proxy_each_client_has_its_own_allowance(proxied_app, make_user):
    """Behind the README's reverse proxy (PROXY_COUNT=1, every request from the proxy's address), does a guesser's
    locked address leave the officers behind the same proxy free to log in?"""
    user = make_user()
    client = proxied_app.test_client()
    proxy = "127.0.0.1"
    guesses = [
        # The guesser writes a new address of their own each time; the proxy appends the real one.
        _login(client, f"nobody{n}@example.org", "guess", proxy, **{"X-Forwarded-For": f"10.0.{n}.1, 198.51.100.9"})
        for n in range(9)
    ]
    assert [g.status_code for g in guesses] == [200] * 8 + [429]
    officer = _login(proxied_app.test_client(), user.email, PASSWORD, proxy, **{"X-Forwarded-For": "203.0.113.50"})
    assert officer.status_code == 302


def test_password_reset_is_rate_limited(client, make_user):
    """After 5 reset requests in a minute from one address, is the 6th refused with 429?"""
    user = make_user()
    token = csrf_token(client, "/password/forgot")
    statuses = _statuses(lambda: client.post("/password/forgot", data={"email": user.email, "csrf_token": token}), 6)
    assert statuses == [302] * 5 + [429]


def test_reset_and_invitation_links_are_rate_limited(app, client, make_user):
    """Are the set-a-password pages (reset link, invitation) rate-limited, so a link cannot be hammered?"""
    from app.auth import services

    user = make_user()
    pending = make_user(email="pending@example.org", password=None)
    with app.app_context():
        reset = services.make_token(db.session.get(User, user.id), services.PASSWORD_RESET)
        invitation = services.make_token(db.session.get(User, pending.id), services.INVITATION)
    for path in (f"/password/reset/{reset}", f"/invitation/{invitation}"):
        token = csrf_token(client, path)
        data = {"password": "x", "confirm": "y", "csrf_token": token}
        assert _statuses(lambda path=path, data=data: client.post(path, data=data), 11) == [200] * 10 + [429], path


def test_certificate_verification_is_rate_limited(client):
    """Are the public verification page and its lookup form limited to 30 a minute, so codes cannot be guessed?"""
    code = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"
    assert _statuses(lambda: client.get(f"/verify/{code}"), 31) == [404] * 30 + [429]
    assert _statuses(lambda: client.get(f"/verify?code={code}"), 31)[-1] == 429
    assert _statuses(lambda: client.get(f"/verify/{code}/credential.json"), 31)[-1] == 429


def _page_without_noise(response, *emails: str) -> str:
    """The page with what legitimately differs removed: CSRF tokens and the email typed back into the form."""
    html = response.get_data(as_text=True)
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)
    for email in emails:
        html = html.replace(email, "EMAIL")
    return html


def test_login_answers_the_same_for_unknown_deactivated_invited_and_wrong_password(client, make_user):
    """Is a failed login the same page, word for word, whether the account exists, is deactivated, has no password
    yet, or does not exist?"""
    accounts = {
        "wrong password": make_user(email="known@example.org").email,
        "deactivated": make_user(email="gone@example.org", active=False).email,
        "invited, no password yet": make_user(email="invited@example.org", password=None).email,
        "unknown": "nobody@example.org",
    }
    pages = {}
    for label, email in accounts.items():
        response = post_form(client, "/login", email=email, password="not-the-password")
        pages[label] = (response.status_code, _page_without_noise(response, email))
    assert "Email or password is incorrect." in pages["unknown"][1]
    assert all(page == pages["unknown"] for page in pages.values()), [
        k for k, v in pages.items() if v != pages["unknown"]
    ]


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, make_user):
    """Does asking for a reset link give the same answer (and the same next page) for an account and for none?"""
    answers = {}
    for label, email in (("known", make_user(email="known@example.org").email), ("unknown", "nobody@example.org")):
        response = post_form(client, "/password/forgot", email=email)
        following = client.get(response.headers["Location"])
        answers[label] = (response.status_code, response.headers["Location"], _page_without_noise(following, email))
    assert answers["known"] == answers["unknown"]
    assert "If this address has an account" in answers["unknown"][2]


def test_failed_login_takes_as_long_for_an_unknown_email_as_for_a_known_one(app, client, make_user, monkeypatch):
    """Does a failed login take about as long whether or not the email has an account (the dummy hash is checked)?

    Robust, not a benchmark: 20 of each, interleaved; the medians must be within 50% of each other. With
    production's scrypt, not the suite's cheap hash (tests/conftest.py), so the hash is what takes the time.
    """
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD)
    known_user = make_user(email="known@example.org")
    assert known_user.password_hash.startswith("scrypt:")
    known = known_user.email
    token = csrf_token(client, "/login")
    durations: dict[str, list[float]] = {"known": [], "unknown": []}
    for index in range(40):
        if index % 8 == 0:
            limiter.reset()  # measuring, not being locked out (5 failures per account)
        label, email = ("known", known) if index % 2 else ("unknown", "nobody@example.org")
        started = time.perf_counter()
        response = client.post("/login", data={"email": email, "password": "not-the-password", "csrf_token": token})
        durations[label].append(time.perf_counter() - started)
        assert response.status_code == 200
    known_time, unknown_time = (statistics.median(durations[k]) for k in ("known", "unknown"))
    assert abs(known_time - unknown_time) < 0.5 * max(known_time, unknown_time), (known_time, unknown_time)


@pytest.mark.parametrize(("password", "message"), [(p, m) for _label, p, m in WEAK], ids=[w[0] for w in WEAK])
def test_weak_passwords_are_refused_when_accepting_an_invitation(app, client, make_user, password, message):
    """Does accepting an invitation refuse a password under 8 characters or on the common list, setting nothing?"""
    from app.auth import services

    pending = make_user(email="pending@example.org", password=None)
    with app.app_context():
        token = services.make_token(db.session.get(User, pending.id), services.INVITATION)
    page = post_form(client, f"/invitation/{token}", password=password, confirm=password)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, pending.id).password_hash is None


@pytest.mark.parametrize(("password", "message"), [(p, m) for _label, p, m in WEAK], ids=[w[0] for w in WEAK])
def test_weak_passwords_are_refused_when_changing_the_password(app, client, auth, make_user, password, message):
    """Does changing one's password refuse a password under 8 characters or on the common list, keeping the old?"""
    user = make_user(Role.COORDINATOR)
    auth.login(user.email)
    page = post_form(client, "/account", current=PASSWORD, password=password, confirm=password)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_email_address_is_refused_as_a_password(app, client, auth, make_user):
    """Is one's own email address refused as a password?"""
    user = make_user(email="officer.long.name@example.org")
    auth.login(user.email)
    page = post_form(client, "/account", current=PASSWORD, password=user.email, confirm=user.email)
    assert "Do not use your email address" in page.get_data(as_text=True)


WORKER = textwrap.dedent(
    """
    import json, re, sys
    from app import create_app

    url, prefix, storage, posts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    app = create_app({"TESTING": True, "SECRET_KEY": "redis-check", "SQLALCHEMY_DATABASE_URI": url,
                      "STORAGE_DIR": storage, "RATELIMIT_KEY_PREFIX": prefix})
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    data = {"email": "nobody@example.org", "password": "not-the-password", "csrf_token": token}
    statuses = [client.post("/login", data=data).status_code for _ in range(posts)]
    print(json.dumps({"storage": app.config["RATELIMIT_STORAGE_URI"], "statuses": statuses}))
    """
)


def _worker(url: str, redis_url: str, prefix: str, storage: Path, posts: int) -> dict:
    """One more application process (a gunicorn worker, say) posting failed logins; returns what it saw."""
    environment = {**os.environ, "REDIS_URL": redis_url, "ACADEMY_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, url, prefix, str(storage), str(posts)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_workers_share_the_login_limit_through_redis(app, tmp_path):
    """With REDIS_URL set, do two application processes share one account's failed logins (3 failures in one,
    then 2 more and the 6th attempt refused in the other)?"""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("TEST_REDIS_URL is not set (CI sets redis://127.0.0.1:6379/0)")
    prefix = f"academy-test-{uuid.uuid4().hex}"  # fresh counters; they expire with their window
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = _worker(url, redis_url, prefix, tmp_path, 3)
    second = _worker(url, redis_url, prefix, tmp_path, 3)
    assert first["storage"] == second["storage"] == redis_url
    assert first["statuses"] == [200] * 3
    assert second["statuses"] == [200] * 2 + [429]
