"""HTTP hardening: CSRF on every state-changing route, security headers on every kind of response, cookie flags,
and downloads that a browser saves instead of rendering in our origin."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
import yaml

from app.auth.models import User
from app.extensions import db, limiter
from tests.helpers import PASSWORD, csrf_token, post_form
from tests.security.conftest import enumerate_rules, login_client, methods, route_key, url_for_rule

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Types a browser would render or run in our origin.
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "javascript")


def _fingerprint(app) -> dict:
    """Row counts of every table, and every account's state: what a refused request must leave as it was."""
    with app.app_context():
        counts = {
            t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables
        }
        accounts = db.session.execute(
            sa.select(User.id, User.active, User.session_token, User.password_hash).order_by(User.id)
        ).all()
        return {"counts": counts, "accounts": [tuple(a) for a in accounts]}


def _state_changing(app):
    return [(rule, method) for rule in enumerate_rules(app) for method in sorted(methods(rule) & STATE_CHANGING)]


def test_state_changing_routes_exist(app):
    """Does the URL map hold the forms this suite expects to protect (so the CSRF test is not vacuous)?"""
    keys = {route_key(app, rule) for rule, _method in _state_changing(app)}
    assert {"auth.login", "auth.logout", "people.deactivate", "assessments.answer", "assessments.autosave"} <= keys


@pytest.mark.parametrize("actor", ["anonymous", "admin", "learner_a"])
def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(app, world, actor):
    """Does every POST/PUT/PATCH/DELETE route answer 400 to a request without (or with a forged) CSRF token, and
    change nothing?"""
    client = login_client(app, world, actor)
    before = _fingerprint(app)
    wrong = []
    for rule, method in _state_changing(app):
        url = url_for_rule(rule, world)
        for label, data, headers in (
            ("no token", {}, {}),
            ("forged token", {"csrf_token": "IjAxMjM0NTY3ODlhYmNkZWYi.forged.token"}, {"X-CSRFToken": "forged"}),
        ):
            response = client.open(url, method=method, data=data, headers=headers)
            body = response.get_data(as_text=True)
            response.close()
            if response.status_code != 400 or "CSRF" not in body:
                wrong.append(f"{method} {url} ({label}): {response.status_code}")
    assert wrong == []
    assert _fingerprint(app) == before, "a request without a valid CSRF token changed something"
    assert client.get("/account").status_code == (302 if actor == "anonymous" else 200)  # still logged in


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def _sample_responses(app, world):
    """An HTML page, a JSON document, a static file, a file download, a CSV export, a redirect and error pages."""
    admin = login_client(app, world, "admin")
    learner = login_client(app, world, "learner_a")
    anonymous = app.test_client()
    return {
        "HTML page": anonymous.get("/catalogue"),
        "HTML page (logged in)": admin.get("/directorate"),
        "JSON": anonymous.get("/healthz"),
        "JSON credential": anonymous.get(f"/verify/{world.certificate_code}/credential.json"),
        "JWT": anonymous.get(f"/verify/{world.certificate_code}/credential.jwt"),
        "static file": anonymous.get("/static/css/app.css"),
        "certificate PDF": learner.get(f"/certificates/{world.certificate_code}.pdf"),
        "lesson attachment": learner.get(f"/attachments/{world.attachment_id}/{world.attachment_filename}"),
        "milestone evidence": admin.get(f"/milestones/{world.milestone_id}/evidence"),
        "CSV export": admin.get("/courses/data-in-practice/assessments/final/item-analysis.csv"),
        "XLSX export": admin.get(f"/projects/{world.project_code}/report.xlsx"),
        "redirect": anonymous.get("/account"),
        "404 page": anonymous.get("/no-such-page"),
        "403 page": learner.get("/directorate"),
        "400 page": anonymous.post("/login", data={}),
    }


def test_security_headers_on_every_kind_of_response(app, world):
    """Do HTML, JSON, file, export, redirect and error responses all carry nosniff, a Referrer-Policy, no framing,
    and a CSP whose scripts come only from this site?"""
    wrong = []
    for label, response in _sample_responses(app, world).items():
        headers = response.headers
        response.close()
        if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
            wrong.append(f"{label}: X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
        if headers.get("Referrer-Policy", "").lower() not in {"same-origin", "strict-origin", "no-referrer"}:
            wrong.append(f"{label}: Referrer-Policy is {headers.get('Referrer-Policy')!r}")
        csp = _csp(response)
        scripts = csp.get("script-src", csp.get("default-src"))
        if scripts is None:
            wrong.append(f"{label}: no script-src nor default-src")
        elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts):
            wrong.append(f"{label}: script-src allows {scripts}")
        if csp.get("frame-ancestors") != ["'none'"]:
            wrong.append(f"{label}: frame-ancestors is {csp.get('frame-ancestors')}")
        if csp.get("object-src") != ["'none'"]:
            wrong.append(f"{label}: object-src is {csp.get('object-src')}")
    assert wrong == []


def _cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def _flags(header: str) -> set[str]:
    return {part.strip().split("=", 1)[0].lower() for part in header.split(";")[1:]}


def test_session_and_remember_cookies_are_httponly_and_samesite(app, world):
    """Are the session and remember-me cookies out of scripts' reach (HttpOnly) and not sent cross-site (SameSite)?"""
    client = app.test_client()
    response = post_form(client, "/login", email=world.email("learner_a"), password=PASSWORD, remember="y")
    assert response.status_code == 302
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        assert {"httponly", "samesite"} <= _flags(cookies[name]), cookies[name]
        assert re.search(r"SameSite=(Lax|Strict)", cookies[name]), cookies[name]


@pytest.fixture
def production_app(app, monkeypatch, tmp_path):
    """An application built with production settings (ACADEMY_ENV=production, a SECRET_KEY) on the test database.

    The rate limiter is one object shared by every app: it is re-initialised for the session's app afterwards.
    """
    from app import create_app

    monkeypatch.setenv("ACADEMY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-key-for-this-test-only")
    production = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "STORAGE_DIR": str(tmp_path / "storage")}
    )
    yield production
    with production.app_context():
        db.engine.dispose()
    limiter.init_app(app)
    limiter.reset()


def test_production_cookies_are_secure(production_app, world):
    """With ACADEMY_ENV=production, are the session and remember-me cookies Secure as well as HttpOnly and
    SameSite?"""
    assert production_app.config["ACADEMY_ENV"] == "production"
    client = production_app.test_client()
    https = {"base_url": "https://academy.test", "headers": {"Referer": "https://academy.test/login"}}
    token = csrf_token_over(client, "/login", https)
    response = client.post(
        "/login",
        data={"email": world.email("learner_a"), "password": PASSWORD, "remember": "y", "csrf_token": token},
        **https,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        assert {"httponly", "samesite", "secure"} <= _flags(cookies[name]), cookies[name]


def csrf_token_over(client, path: str, options: dict) -> str:
    from tests.helpers import CSRF_RE

    html = client.get(path, **options).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _assert_download(response, label: str) -> None:
    response.close()
    assert response.status_code == 200, f"{label}: {response.status_code}"
    disposition = response.headers.get("Content-Disposition", "")
    content_type = response.headers.get("Content-Type", "").lower()
    assert disposition.startswith("attachment"), f"{label}: Content-Disposition is {disposition!r}"
    assert not any(kind in content_type for kind in ACTIVE_TYPES), f"{label}: served as {content_type}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", label


HTML_FILE = b"<!doctype html><html><body><script>window.__xss=1;alert(1)</script></body></html>"
SVG_FILE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def test_uploaded_evidence_is_a_download_even_when_it_is_html_or_svg(app, client, auth, world):
    """Is a milestone's evidence uploaded as x.html (or x.svg) served as an attachment with a neutral type?"""
    auth.login(world.email("directorate"))
    page = f"/projects/{world.project_code}/milestones/{world.milestone_id}"
    for name, data in (("x.html", HTML_FILE), ("x.svg", SVG_FILE)):
        response = client.post(
            page,
            data={
                "csrf_token": csrf_token(client, page),
                "title": "Diagnostic mission",
                "due_date": "2025-03-01",
                "status": "planned",
                "evidence_file": (io.BytesIO(data), name),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        _assert_download(client.get(f"/milestones/{world.milestone_id}/evidence"), f"evidence {name}")


def test_workshop_files_are_downloads_even_when_they_are_html_or_svg(app, client, auth, world):
    """Are a workshop's materials and outputs uploaded as HTML or SVG served as attachments with a neutral type?"""
    from app.workshops.models import Material, Workshop

    auth.login(world.email("directorate"))
    base = f"/workshops/{world.workshop_id}"
    for name, data in (("x.html", HTML_FILE), ("x.svg", SVG_FILE)):
        token = csrf_token(client, base)
        client.post(f"{base}/materials", data={"csrf_token": token, "title": name, "file": (io.BytesIO(data), name)})
        client.post(f"{base}/output", data={"csrf_token": token, "note": "n", "file": (io.BytesIO(data), name)})
        with app.app_context():
            material = db.session.scalar(sa.select(Material).where(Material.title == name))
            output = db.session.get(Workshop, world.workshop_id).output_filename
        assert material is not None, f"material {name} was not saved"
        _assert_download(client.get(f"/workshop-materials/{material.id}/{material.filename}"), f"material {name}")
        _assert_download(client.get(f"{base}/output/{output}"), f"output {name}")


def test_lesson_attachments_are_downloads_even_when_they_are_html_or_svg(app, client, auth, world, synced):
    """Is a lesson attachment that is an HTML or SVG file served as an attachment with a neutral type?"""
    from app.content.sync import sync
    from app.courses.models import Attachment

    course_file = synced / "courses" / "intro-to-data" / "course.yml"
    course = yaml.safe_load(course_file.read_text())
    files = synced / "courses" / "intro-to-data" / "files"
    files.mkdir()
    (files / "page.html").write_bytes(HTML_FILE)
    (files / "drawing.svg").write_bytes(SVG_FILE)
    course["modules"][0]["lessons"][0]["attachments"] = [
        {"file": "files/page.html", "title": "A page"},
        {"file": "files/drawing.svg", "title": "A drawing"},
    ]
    course_file.write_text(yaml.safe_dump(course, sort_keys=False))
    with app.app_context():
        sync(synced)
        db.session.commit()
        attachments = db.session.execute(
            sa.select(Attachment.id, Attachment.filename).where(Attachment.filename.in_(["page.html", "drawing.svg"]))
        ).all()
    assert len(attachments) == 2
    auth.login(world.email("learner_a"))
    for attachment_id, filename in attachments:
        _assert_download(client.get(f"/attachments/{attachment_id}/{filename}"), f"attachment {filename}")


def test_certificate_pdfs_and_exports_are_downloads(app, world):
    """Are certificate PDFs, the course ZIP and the CSV/XLSX exports attachments with their own (inert) types?"""
    learner = login_client(app, world, "learner_a")
    trainer = login_client(app, world, "trainer")
    admin = login_client(app, world, "admin")
    _assert_download(learner.get(f"/certificates/{world.certificate_code}.pdf"), "certificate PDF")
    _assert_download(trainer.get("/courses/intro-to-data/certificates.zip"), "certificates ZIP")
    _assert_download(admin.get("/courses/data-in-practice/assessments/final/item-analysis.csv"), "item analysis")
    _assert_download(admin.get(f"/projects/{world.project_code}/report.xlsx"), "project XLSX")
    _assert_download(admin.get("/people/import/template.csv"), "import template")


def test_a_database_error_still_shows_the_error_page(app, world, monkeypatch):
    """When a statement fails mid-request (PostgreSQL then refuses every further statement of the transaction), is
    the answer still the application's own 500 page, which itself reads the logged-in user?"""
    from app.people import routes as people_routes

    def failing_lookup(user_id: int):
        db.session.execute(sa.text("SELECT no_such_column FROM no_such_table"))

    monkeypatch.setattr(people_routes, "_person_or_404", failing_lookup)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production: the error handler answers
    client = login_client(app, world, "admin")
    response = client.get(f"/people/{world.people['learner_a'].id}")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
