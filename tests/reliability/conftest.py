"""Reliability fixtures: a scratch database of each kind (SQLite file, PostgreSQL database)."""

from __future__ import annotations

import pytest

from tests.reliability.databases import create_scratch_database, drop_scratch_database, postgres_server_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def scratch_database(request, tmp_path):
    """A brand-new empty database of each kind (a SQLite file; a PostgreSQL database), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    url, admin = create_scratch_database(postgres_server_url(), "academy_reliability")
    yield url
    drop_scratch_database(url, admin)
