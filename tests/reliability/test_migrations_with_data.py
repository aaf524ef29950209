"""Migrations over real data: every migration steps down and back up without touching the rows it keeps."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.reliability.databases import differences, table_rows
from tests.test_migrations import _app, _tables

CONTENT = Path(__file__).resolve().parents[2] / "content"

#: The demo data must reach these tables, or the round trips prove little.
LOADED = {
    "administrations",
    "users",
    "courses",
    "lessons",
    "enrolments",
    "lesson_progress",
    "questions",
    "attempts",
    "responses",
    "certificates",
    "projects",
    "cohorts",
    "cohort_members",
    "milestones",
    "targets",
}


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _snapshot() -> dict[str, list[dict]]:
    with db.engine.connect() as connection:
        return table_rows(connection, _tables())


def _kept(before: dict[str, list[dict]], below: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows of `before` in the tables that survived the step down, on the columns that survived it (a
    dropped table's rows and a dropped column's values go with them)."""
    kept = {}
    for name, rows in before.items():
        if name in below:
            columns = set(below[name][0]) if below[name] else None
            kept[name] = [{c: v for c, v in row.items() if columns is None or c in columns} for row in rows]
    return kept


def test_every_migration_steps_down_and_up_over_the_demo_data(scratch_database, tmp_path):
    """With the curriculum and the demo loaded, does each migration step down and back up keeping every row it keeps?"""
    app = _app(scratch_database, tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
    for args in (["content", "sync", str(CONTENT)], ["demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        assert len(script.get_heads()) == 1, "the migrations have more than one head"
        loaded = _snapshot()
        empty = sorted(name for name in LOADED if not loaded.get(name))
        assert not empty, f"the demo left these tables empty: {empty}"
        print("rows per table at head:", {name: len(rows) for name, rows in loaded.items() if rows})
        code = db.session.scalar(sa.text("SELECT code FROM certificates ORDER BY id"))
        db.session.remove()

    # The last step as an operator runs it (`flask db downgrade` steps down one; `-1` alone is not an option).
    result = runner.invoke(args=["db", "downgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        below = _snapshot()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert differences(_kept(loaded, below), _snapshot()) == [], "`db downgrade` and `db upgrade` changed rows"
    client = app.test_client()
    assert client.get("/catalogue").status_code == 200
    page = client.get(f"/verify/{code}")
    assert page.status_code == 200 and code in page.get_data(as_text=True)

    with app.app_context():
        for revision in script.walk_revisions():  # from head down to the first migration
            step = f"{revision.revision} ({revision.doc})"
            assert _revision() == revision.revision
            before = _snapshot()
            downgrade(revision="-1")
            assert _revision() == revision.down_revision
            below = _snapshot()
            assert differences(before, below) == [], f"stepping down from {step} changed rows it keeps"
            upgrade(revision="+1")
            assert _revision() == revision.revision
            again = _snapshot()
            assert again.keys() == before.keys(), f"stepping back up to {step} did not restore the same tables"
            assert differences(_kept(before, below), again) == [], f"the round trip through {step} changed rows"
            assert all(not again[name] for name in before.keys() - below.keys())  # its own tables come back empty
            downgrade(revision="-1")  # and on, one migration down

        assert _revision() is None and _tables() == set()
        upgrade()
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()
