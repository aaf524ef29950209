"""/readyz: the database, its migrations, Redis and the store, each named when it fails, nothing more said."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db

#: A Redis address where nothing listens: a stopped Redis.
STOPPED_REDIS = "redis://127.0.0.1:1/0"


def _statuses(response) -> dict[str, str]:
    return {name: check["status"] for name, check in response.json["checks"].items()}


def test_ready_when_every_component_answers(client):
    """Is a host with its database at head and a writable store ready, each check timed?"""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert _statuses(response) == {"database": "ok", "migrations": "ok", "store": "ok"}  # no Redis configured
    assert all(isinstance(check["ms"], float) for check in response.json["checks"].values())
    assert response.headers["Cache-Control"] == "no-store"


def test_redis_is_checked_when_configured(app, client, redis_url, monkeypatch):
    """With REDIS_URL set, does /readyz PING it?"""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert _statuses(response)["redis"] == "ok"


def test_a_stopped_redis_makes_the_host_not_ready_and_is_named_only(app, client, monkeypatch):
    """With Redis stopped, is the answer 503 naming redis, without its address or the error's text?"""
    monkeypatch.setitem(app.config, "REDIS_URL", STOPPED_REDIS)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert _statuses(response) == {"database": "ok", "migrations": "ok", "redis": "error", "store": "ok"}
    body = response.get_data(as_text=True)
    assert "127.0.0.1" not in body and "refused" not in body.lower() and "Error " not in body


def test_a_database_behind_the_migrations_head_is_not_ready(app, client):
    """With the database one migration behind the code, is the answer 503 naming migrations?"""
    with app.app_context():
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        from app.core.readiness import MIGRATIONS_DIR

        before = _previous_revision(MIGRATIONS_DIR, head)
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": before})
        db.session.commit()
    try:
        response = client.get("/readyz")
    finally:
        with app.app_context():
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
            db.session.commit()
    assert response.status_code == 503
    assert _statuses(response) == {"database": "ok", "migrations": "error", "store": "ok"}
    assert head not in response.get_data(as_text=True)
    assert client.get("/readyz").status_code == 200


def _previous_revision(migrations_dir, head: str) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return ScriptDirectory.from_config(config).get_revision(head).down_revision


def test_a_store_that_cannot_be_written_is_not_ready(app, client):
    """With STORAGE_DIR unusable (a file where the folder should be), is the answer 503 naming the store?"""
    folder = Path(app.config["STORAGE_DIR"])
    shutil.rmtree(folder)
    folder.write_text("")
    try:
        response = client.get("/readyz")
    finally:
        folder.unlink()
        folder.mkdir()
    assert response.status_code == 503
    assert _statuses(response) == {"database": "ok", "migrations": "ok", "store": "error"}
    assert str(folder) not in response.get_data(as_text=True)


def test_an_unreachable_database_is_not_ready_and_healthz_says_so_too(app, tmp_path):
    """With the database unreachable, are /readyz and /healthz 503, /readyz naming the database?"""
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no-such-folder/academy.sqlite",
            "STORAGE_DIR": str(tmp_path / "storage"),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    client = broken.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _statuses(response)["database"] == "error"
    assert _statuses(response)["store"] == "ok"
    assert "no-such-folder" not in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    with broken.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_readiness_and_health_are_open_to_anyone(client, path):
    """May a load balancer, logged in as nobody, ask?"""
    assert client.get(path).status_code == 200
