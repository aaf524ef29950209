"""Values a request reads once, read along with the logged-in user's row: one round trip instead of two.

Every logged-in page loads its user first (app/auth/sessions.py), and most then ask for the
published curriculum's fingerprint (app/courses/structure.py), which tells whether what the
process keeps of the curriculum is still current. On PostgreSQL each statement is a round trip,
and a round trip costs a page more than reading a few more columns does, so the fingerprint is
selected by the user's statement too. A module registers such a value here as scalar subqueries
and a function that keeps what they read for the request; the user's statement selects them.

Anonymous requests, and a value asked for before the user is loaded, read it with a statement of
its own, as before: the module's reader checks whether the value is there for the request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class Along:
    """A value read along with the user: the columns that read it, and what keeps their values for the request."""

    name: str
    columns: Callable[[], list[sa.ScalarSelect]]
    keep: Callable[[Sequence], None]


#: Every value read along with the user, in the order of their columns.
REGISTERED: list[Along] = []


def register(name: str, columns: Callable[[], list[sa.ScalarSelect]], keep: Callable[[Sequence], None]) -> None:
    """Read `columns()` along with the user's row from now on, and give their values to `keep` at each request.

    Registered when the module is imported (before the app serves a request); a statement built
    before that simply reads without it.
    """
    if any(along.name == name for along in REGISTERED):
        raise ValueError(f"{name!r} is read along with the user already")
    REGISTERED.append(Along(name, columns, keep))


def select_along(statement: sa.Select) -> tuple[sa.Select, tuple[tuple[Along, int], ...]]:
    """`statement` with every registered value's columns added after its own, and which values they read
    (each with its number of columns), for `keep`."""
    reading = tuple((along, along.columns()) for along in REGISTERED)
    added = [column for _along, found in reading for column in found]
    return statement.add_columns(*added), tuple((along, len(found)) for along, found in reading)


def keep(values: Sequence, reading: tuple[tuple[Along, int], ...]) -> None:
    """Hand each value read along the values of its columns (`values`: the row's columns after the statement's own)."""
    start = 0
    for along, count in reading:
        along.keep(values[start : start + count])
        start += count
