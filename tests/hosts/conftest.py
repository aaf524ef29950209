"""Fixtures for what several hosts share: the machine's Redis (TEST_REDIS_URL) and a second host."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests may use (its database is emptied before and after), from TEST_REDIS_URL."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/4; CI sets it)")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def start_host(app, tmp_path_factory):
    """Start another host over the test database (environment: extra settings); all are stopped after the module.

    A host reads everything from the database at each request, so one started for a module serves
    each of its tests, although the tables are emptied between them (a start takes seconds).
    """
    from tests.hosts.hosts import Host

    started: list[Host] = []
    logs = tmp_path_factory.mktemp("hosts")

    def start(**environment: str) -> Host:
        host = Host(app.config, logs / f"host-{len(started) + 1}.log", **environment)
        started.append(host)
        return host

    yield start
    for host in started:
        host.stop()
