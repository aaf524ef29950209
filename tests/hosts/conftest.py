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
