"""The kept curriculum across hosts: a publish on one host is served by every other at its next request.

Each host keeps the curriculum it built (app/courses/structure.py) under the published
curriculum's fingerprint, which it reads from the shared database once per request; a publish
moves the fingerprint, so another host's next request builds again. Host B here is a process of
its own (its kept stores are its own); the publish is `content sync` in the test's app.
"""

from __future__ import annotations

import json

from app.auth.models import Role
from app.content.sync import sync
from app.extensions import db
from tests.helpers import PASSWORD
from tests.hosts.hosts import Browser


def _kept_curriculum(admin: Browser, host_url: str) -> dict:
    """Host B's own counters for its kept curriculum, as its admin reads them at /healthz?verbose."""
    return json.loads(admin.request(f"{host_url}/healthz?verbose")[1])["kept"]["curriculum"]


def _publish(app, content_dir) -> None:
    with app.app_context():
        sync(content_dir)
        db.session.commit()


def test_a_publish_on_one_host_is_served_by_another_at_its_next_request(app, start_host, content_dir, make_user):
    """With host B's curriculum kept, is a renamed course and a rewritten lesson served by B at its next request?"""
    _publish(app, content_dir)
    host_b = start_host()
    visitor = Browser()
    course_page = f"{host_b.url}/courses/intro-to-data"
    for _warm in range(2):  # built, then served from what B keeps
        status, catalogue, _headers = visitor.request(f"{host_b.url}/catalogue")
        assert status == 200 and "Introduction to Customs data" in catalogue
        assert "Introduction to Customs data" in visitor.request(course_page)[1]
    admin = Browser()
    admin.log_in(host_b.url, make_user(role=Role.ADMIN).email, PASSWORD)
    kept_before = _kept_curriculum(admin, host_b.url)
    assert kept_before["size"] >= 1 and kept_before["hits"] >= 1  # B serves from what it keeps

    course = content_dir / "courses" / "intro-to-data" / "course.yml"
    course.write_text(course.read_text().replace("title: Introduction to Customs data", "title: Reading declarations"))
    _publish(app, content_dir)

    catalogue = visitor.request(f"{host_b.url}/catalogue")[1]
    assert "Reading declarations" in catalogue and "Introduction to Customs data" not in catalogue
    status, page, _headers = visitor.request(course_page)
    assert status == 200 and "Reading declarations" in page and "Introduction to Customs data" not in page
    assert _kept_curriculum(admin, host_b.url)["invalidations"] > kept_before["invalidations"]  # B rebuilt
