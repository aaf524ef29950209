"""Failed logins, counted per account and per address: enough to stop guessing, never a classroom.

Only failures count, so thirty officers of a training room behind one address log in one after
the other. A few failures on one account lock it from every address for a while (the password
is guessed by someone, wherever they are); many failures from one address lock that address
(someone tries many accounts). The counters live in the rate limiter's storage: Redis when
REDIS_URL is set, shared by every worker; else each worker's memory.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse

from app.extensions import limiter


def _items() -> list[tuple[RateLimitItem, str]]:
    """Each counter as (its limit, its key) for the login being tried."""
    config = current_app.config
    return [
        (parse(config["LOGIN_FAILURES_PER_ACCOUNT"]), "account"),
        (parse(config["LOGIN_FAILURES_PER_ADDRESS"]), "address"),
    ]


def _identifiers(kind: str, email: str) -> tuple[str, ...]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    if kind == "account":
        # Any string typed counts, whether or not it has an account; hashed so no address is stored.
        value = hashlib.sha256(" ".join(email.split()).lower().encode()).hexdigest()
    else:
        # With PROXY_COUNT set, ProxyFix has put the client's address here (see app/__init__.py).
        value = request.remote_addr or "unknown"
    return (prefix, "login-failures", kind, value)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.enabled


def seconds_to_wait(email: str) -> int:
    """How long this login must wait (0: it may be tried now), the longest of the locks it is under."""
    if not _enabled():
        return 0
    strategy, waits = limiter.limiter, [0]
    for item, kind in _items():
        identifiers = _identifiers(kind, email)
        if not strategy.test(item, *identifiers):
            reset_at, _remaining = strategy.get_window_stats(item, *identifiers)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits)


def record_failure(email: str) -> None:
    """Count a failed login against the account typed and the address it came from."""
    if _enabled():
        for item, kind in _items():
            limiter.limiter.hit(item, *_identifiers(kind, email))


def forget_failures(email: str) -> None:
    """A successful login clears its account's failures (an address's stay: others may be guessing)."""
    if _enabled():
        item, kind = _items()[0]
        limiter.limiter.clear(item, *_identifiers(kind, email))
