"""Rate limits across hosts: with REDIS_URL set, every host counts in the same Redis.

The login throttle (app/auth/throttle.py) and Flask-Limiter's limits (the verification pages')
keep their counters in the limiter's storage: Redis when REDIS_URL is set. Without it each host
counts alone, which the last test shows, so that the first ones cannot pass by accident.
"""

from __future__ import annotations

import os

import pytest

from tests.helpers import PASSWORD
from tests.hosts.hosts import Browser

#: LOGIN_FAILURES_PER_ACCOUNT's default: 5 per 15 minutes.
FAILURES_ALLOWED = 5


@pytest.fixture(scope="module")
def hosts_with_redis(start_host):
    """Two hosts sharing one database and one Redis (TEST_REDIS_URL)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/4; CI sets it)")
    return start_host(REDIS_URL=url), start_host(REDIS_URL=url)


@pytest.fixture(autouse=True)
def _fresh_counters(redis_url):
    """Each test starts with an empty Redis database (the redis_url fixture empties it)."""


def _fail(browser: Browser, host_url: str, email: str) -> int:
    return browser.log_in(host_url, email, "not the password")[0]


def test_failed_logins_on_one_host_lock_the_account_on_the_other(hosts_with_redis, make_user):
    """After the allowed failures spread over hosts A and B, is the right password refused on B (429)?"""
    learner = make_user()
    host_a, host_b = hosts_with_redis
    guesser = Browser()
    for attempt in range(FAILURES_ALLOWED):
        assert _fail(guesser, (host_a, host_b)[attempt % 2].url, learner.email) == 200

    status, body, headers = Browser().log_in(host_b.url, learner.email, PASSWORD)
    assert status == 429 and "Too many failed logins" in body and int(headers["Retry-After"]) > 0
    assert Browser().log_in(host_a.url, learner.email, PASSWORD)[0] == 429


def test_a_route_limit_counts_requests_on_every_host(hosts_with_redis, make_user):
    """Do the verification page's 30 requests a minute count across both hosts?"""
    host_a, host_b = hosts_with_redis
    browser = Browser()
    statuses = [browser.request(f"{(host_a, host_b)[n % 2].url}/verify/NO-SUCH-CODE")[0] for n in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429


def test_without_redis_each_host_counts_alone(start_host, make_user):
    """Without Redis, do failures on host A leave host B's counter untouched (what Redis is for)?"""
    learner = make_user()
    host_a, host_b = start_host(), start_host()
    guesser = Browser()
    for _attempt in range(FAILURES_ALLOWED):
        _fail(guesser, host_a.url, learner.email)
    assert Browser().log_in(host_a.url, learner.email, PASSWORD)[0] == 429
    assert Browser().log_in(host_b.url, learner.email, PASSWORD)[0] == 302
