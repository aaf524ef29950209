"""Certificates: issued once on completion, rendered once, verifiable by anyone, revocable, reissuable."""

import io
import re
import socket
import zipfile

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from app.auth.models import Role, User
from app.certificates import codes, rendering, services
from app.certificates.models import Certificate
from app.courses import services as courses
from app.courses.models import Course, Lesson
from app.extensions import db
from tests.helpers import StatementCounter, intro_cohort, post_form

pytestmark = pytest.mark.storage  # stored files: CI runs it on S3 too


def _complete_intro(app, user_id: int) -> None:
    """Complete the fixture's Foundation course (no assessment) through the courses service."""
    with app.app_context():
        user = db.session.get(User, user_id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        enrolment = courses.enrol(user, intro)
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == intro.id)):
            if not lesson.optional:
                courses.complete_lesson(user, enrolment, lesson)
        db.session.commit()


def _certificates(app) -> list[Certificate]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _pdf_bytes(app, code: str) -> bytes:
    with app.app_context():
        return services.pdf_bytes(services.find(code))


def test_completion_issues_a_course_and_a_tier_certificate_once(app, make_user, synced):
    """Does completing a course issue its certificate (and the tier's, when the tier is done) exactly once?"""
    learner = make_user(full_name="Amina Odhiambo")
    _complete_intro(app, learner.id)
    _complete_intro(app, learner.id)  # again: nothing new
    issued = _certificates(app)
    assert [(c.kind, c.title) for c in issued] == [
        ("course", "Introduction to Customs data"),
        ("tier", "Data specialists — Foundation"),
    ]
    course = issued[0]
    assert (course.recipient_name, course.hours, course.course_version, course.status) == (
        "Amina Odhiambo",
        2,
        "1.0",
        "valid",
    )
    assert re.fullmatch(r"([A-Z2-7]{4}-){6}[A-Z2-7]{2}", course.code)


def test_a_certificate_held_already_is_not_issued_again_and_issuing_reads_none_first(app, make_user, synced):
    """When two requests complete the same course at once, does the second issue nothing and get the certificate
    the first issued, and does each issue cost one INSERT, reading no certificate first (an exam's submits)?"""
    learner = make_user()
    _complete_intro(app, learner.id)
    issued = _certificates(app)
    with app.app_context():
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        with StatementCounter(db.engine) as counter:
            again = services.issue_for_completion("courses", user_id=learner.id, course_id=intro.id)
        db.session.commit()
        assert again.code == issued[0].code
    assert [c.code for c in _certificates(app)] == [c.code for c in issued]
    inserts = [s for s in counter.statements if s.startswith("INSERT INTO certificates")]
    assert len(inserts) == 2 and all("ON CONFLICT" in s for s in inserts), counter.statements


def test_pdf_holds_name_course_and_code_and_its_qr_opens_the_verification_page(app, make_user, synced):
    """Does the PDF's text hold the name, course and code, and does its QR code decode to the verification URL?"""
    learner = make_user(full_name="Jérôme Müller")
    _complete_intro(app, learner.id)
    certificate = _certificates(app)[0]
    pdf = _pdf_bytes(app, certificate.code)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Jérôme Müller" in text and "Introduction to Customs data" in text and certificate.code in text
    page = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [f"http://academy.test/verify/{certificate.code}"]
    with app.app_context():
        assert certificate.pdf_sha256 == __import__("hashlib").sha256(pdf).hexdigest()


@pytest.mark.parametrize(
    "name",
    ["محمد بن عبد الله العلوي", "Анна Сергеевна Кузнецова", "王小明", "김민준", "Ø" * 100 + " " + "Ŵ" * 199],
    ids=["arabic", "cyrillic", "chinese", "korean", "300-characters"],
)
def test_names_in_any_script_render(app, name):
    """Does a name in Arabic (right to left), Cyrillic, Chinese, Korean, or 300 characters long, print as given?"""
    from datetime import datetime
    from types import SimpleNamespace

    certificate = SimpleNamespace(
        kind="course",
        recipient_name=name,
        title="Customs data foundations",
        track_title="Data specialists",
        tier_title="Foundation",
        issued_at=datetime(2026, 1, 5),
        hours=7,
        course_version="1.0",
        issuer="Customs Data Academy",
        code="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG",
    )
    pdf = rendering.render_pdf(
        {"certificate": certificate, "verification_url": "http://x/verify/A", "qr": rendering.qr_data_uri("x")}
    )
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for word in name.split():
        assert word in text or word[::-1] in text  # extraction may reverse right-to-left runs


def test_fetcher_reads_only_the_certificates_folder():
    """Does the renderer refuse remote URLs and files outside certificates/, and allow its own files?"""
    fetcher = rendering.confined_url_fetcher()
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1:1/x",
        "file:///etc/passwd",
        (rendering.CERTIFICATES_DIR / ".." / "README.md").resolve().as_uri(),
    ):
        with pytest.raises(ValueError, match="refused|disallowed"):
            fetcher.fetch(url)
    own = fetcher.fetch((rendering.CERTIFICATES_DIR / "certificate.css").as_uri())
    own.close()


def test_template_with_a_remote_image_renders_without_a_request(tmp_path, monkeypatch):
    """Does a template pointing at a remote image still render, with no connection attempted?"""
    (tmp_path / "certificate.html").write_text(
        '<p>Hello</p><img src="https://tracker.example/pixel.png"><img src="file:///etc/hostname">'
    )
    monkeypatch.setattr(rendering, "CERTIFICATES_DIR", tmp_path)
    rendering.LOOK.clear()

    def no_network(*_args, **_kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    try:
        pdf = rendering.render_pdf({})
    finally:
        rendering.LOOK.clear()
    assert "Hello" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_codes_are_normalised_and_tampered_codes_unknown():
    """Is a code typed in lower case, without dashes or with 0/1 accepted, and a truncated one rejected?"""
    code = codes.new_code()
    assert codes.normalise(code.lower().replace("-", " ")) == code
    assert codes.normalise(code[:-3]) is None
    assert codes.normalise("<script>") is None
    assert (
        codes.normalise("OOOO-IIII-BBBB-GGGG-AAAA-AAAA-AA".replace("O", "0").replace("I", "1"))
        == "OOOO-IIII-BBBB-GGGG-AAAA-AAAA-AA"
    )


def test_public_verification(app, client, make_user, synced):
    """Can anyone, without logging in, see that a code is valid, and does an unknown or tampered code tell nothing?"""
    _complete_intro(app, make_user(full_name="Awa Ndiaye").id)
    certificate = _certificates(app)[0]
    page = client.get(f"/verify/{certificate.code.lower()}").get_data(as_text=True)
    assert "Valid." in page and "Awa Ndiaye" in page and "Introduction to Customs data" in page
    unknown = client.get("/verify/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA")
    tampered = client.get(f"/verify/{certificate.code[:-1]}X")
    truncated = client.get(f"/verify/{certificate.code[:10]}")
    assert unknown.status_code == tampered.status_code == truncated.status_code == 404
    for response in (unknown, tampered, truncated):
        body = response.get_data(as_text=True)
        assert "Unknown code." in body and "Awa Ndiaye" not in body
    assert client.get(f"/verify?code={certificate.code}").location.endswith(f"/verify/{certificate.code}")


def test_verification_is_rate_limited(client):
    """Is the public verification page rate-limited, so codes cannot be guessed by the thousand?"""
    statuses = [client.get("/verify/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_revocation_shows_everywhere(app, client, auth, make_user, synced):
    """When the directorate revokes a certificate with a reason, do the page and My certificates say so?"""
    learner = make_user()
    _complete_intro(app, learner.id)
    code = _certificates(app)[0].code
    auth.login(make_user(Role.DIRECTORATE).email)
    response = post_form(client, f"/certificates/{code}/revoke", reason="Issued by mistake")
    assert response.status_code == 302
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked on" in page and "Valid." not in page
    auth.logout()
    auth.login(learner.email)
    assert "Revoked on" in client.get("/certificates").get_data(as_text=True)


def test_only_staff_revoke(app, client, auth, make_user, synced):
    """Can a learner or a trainer revoke a certificate? (No.)"""
    learner = make_user()
    _complete_intro(app, learner.id)
    code = _certificates(app)[0].code
    for role in (Role.LEARNER, Role.TRAINER, Role.COORDINATOR):
        auth.login(make_user(role).email)
        assert client.post(f"/certificates/{code}/revoke", data={"reason": "x"}).status_code in (400, 403)
        assert client.get(f"/certificates/{code}/revoke").status_code == 403
        auth.logout()
    assert _certificates(app)[0].status == "valid"


def test_reissue_makes_a_new_pdf_and_keeps_the_history(app, client, auth, make_user, synced):
    """Does reissuing with a corrected name make a new certificate and PDF, keeping the old one as replaced?"""
    learner = make_user(full_name="Amina Odiambo")
    _complete_intro(app, learner.id)
    old = _certificates(app)[0]
    auth.login(make_user(Role.ADMIN).email)
    response = post_form(client, f"/certificates/{old.code}/reissue", recipient_name="Amina Odhiambo")
    assert response.status_code == 302
    by_code = {c.code: c for c in _certificates(app)}
    new = next(c for c in by_code.values() if c.replaces_id == old.id)
    assert by_code[old.code].status == "replaced" and new.status == "valid"
    assert "Amina Odhiambo" in PdfReader(io.BytesIO(_pdf_bytes(app, new.code))).pages[0].extract_text()
    assert "Replaced." in client.get(f"/verify/{old.code}").get_data(as_text=True)


def test_downloads_are_the_holders(app, client, auth, make_user, synced):
    """Can the holder download their PDF from storage, and another learner not?"""
    learner = make_user()
    _complete_intro(app, learner.id)
    code = _certificates(app)[0].code
    auth.login(learner.email)
    with client.get(f"/certificates/{code}.pdf") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert response.headers["Content-Disposition"].startswith("attachment;")
    auth.logout()
    auth.login(make_user().email)
    assert client.get(f"/certificates/{code}.pdf").status_code == 403


def test_trainer_issues_by_hand_and_exports_a_zip(app, client, auth, make_user, synced):
    """Can a trainer issue a certificate by hand with a reason, and download a course's certificates as a ZIP?"""
    learners = [make_user(full_name=f"Officer {n}") for n in range(2)]
    for learner in learners:
        _complete_intro(app, learner.id)
    auth.login(make_user(Role.TRAINER).email)
    response = post_form(
        client,
        "/certificates/issue",
        email=learners[0].email,
        title="Data technique workshop, Nairobi",
        hours="12",
        reason="Attended all three days",
    )
    assert response.status_code == 302
    manual = next(c for c in _certificates(app) if c.kind == "manual")
    assert (manual.reason, manual.hours) == ("Attended all three days", 12)
    with client.get("/courses/intro-to-data/certificates.zip") as response:
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    auth.logout()
    auth.login(learners[1].email)
    assert client.get("/courses/intro-to-data/certificates.zip").status_code == 403


def test_command_line_list_and_pdf(app, runner, make_user, synced, tmp_path):
    """Do `certificates list` and `certificates pdf CODE PATH` give administrators what they need?"""
    _complete_intro(app, make_user(full_name="Moussa Sarr").id)
    code = _certificates(app)[0].code
    listing = runner.invoke(args=["certificates", "list"]).output.splitlines()
    assert listing[0].split("\t")[:3] == [code, "Moussa Sarr", "Introduction to Customs data"]
    target = tmp_path / "c.pdf"
    assert runner.invoke(args=["certificates", "pdf", code.lower(), str(target)]).exit_code == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert runner.invoke(args=["certificates", "pdf", "NOPE", str(target)]).exit_code == 1


def test_served_credential_validates_and_its_jwt_verifies_with_the_published_key(app, client, make_user, synced):
    """Does the served credential validate against the Open Badges 3.0 schema, and its JWT verify with our JWKS?"""
    import json
    from pathlib import Path

    import jsonschema

    from app.certificates.credentials import verify_credential_jwt

    _complete_intro(app, make_user(full_name="Анна Кузнецова").id)
    code = _certificates(app)[0].code
    credential = client.get(f"/verify/{code}/credential.json").json
    schema = json.loads((Path(__file__).parent / "ob_v3p0_achievementcredential_schema.json").read_text())
    jsonschema.validate(credential, schema)
    assert credential["credentialSubject"]["achievement"]["name"] == "Introduction to Customs data"
    token = client.get(f"/verify/{code}/credential.jwt").get_data(as_text=True)
    payload = verify_credential_jwt(token, client.get("/.well-known/jwks.json").json)
    assert payload["id"] == credential["id"] and "Анна Кузнецова" in json.dumps(payload, ensure_ascii=False)
    status = client.get(f"/verify/{code}", headers={"Accept": "application/json"}).json
    assert status["revokedCredentials"] == [] or not status["revokedCredentials"][0].get("revoked")


def test_revocation_reaches_the_credential(app, client, auth, make_user, synced):
    """Once revoked, do the credential and the status address say so?"""
    _complete_intro(app, make_user().id)
    code = _certificates(app)[0].code
    auth.login(make_user(Role.ADMIN).email)
    post_form(client, f"/certificates/{code}/revoke", reason="Completed under another name")
    credential = client.get(f"/verify/{code}/credential.json").json
    assert credential["credentialStatus"]["revoked"] is True
    status = client.get(f"/verify/{code}", headers={"Accept": "application/json"}).json
    assert status["revokedCredentials"][0]["revoked"] is True


def test_cohort_certificates_as_a_zip(app, client, auth, make_user, synced):
    """Does a trainer download the certificates of a cohort's officers for its courses as a ZIP?"""

    member, outsider = make_user(full_name="Member"), make_user(full_name="Outsider")
    for learner in (member, outsider):
        _complete_intro(app, learner.id)
    cohort_id = intro_cohort(app, member, name="C")
    with app.app_context():
        expected = db.session.scalar(
            sa.select(Certificate.code).where(Certificate.user_id == member.id, Certificate.kind == "course")
        )
    auth.login(make_user(Role.TRAINER).email)
    with client.get(f"/cohorts/{cohort_id}/certificates.zip") as response:
        assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == [f"{expected}.pdf"]


def test_a_gunicorn_worker_prepares_certificate_rendering_when_it_starts():
    """Does the worker hook load the certificate's fonts and styles, so no learner's download waits for them?"""
    import runpy
    from pathlib import Path

    rendering.LOOK.clear()
    hooks = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    hooks["post_worker_init"](None)
    assert [key for key, _value in rendering.LOOK.items() if key[0] == "_styles"] == [
        ("_styles", rendering.CERTIFICATES_DIR)
    ]
    fonts, stylesheets = rendering._styles(rendering.CERTIFICATES_DIR)
    assert stylesheets, "certificate.css was not parsed"


def test_a_gunicorn_worker_sets_what_it_loaded_aside_from_the_garbage_collector():
    """After the worker hook, are the objects loaded so far frozen, so the collector's full passes (100-120 ms
    each over the app's 200,000 objects) no longer stop the worker?"""
    import gc
    import runpy
    from pathlib import Path

    hooks = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the test process collects as before


def test_everyone_logged_in_or_not_can_reach_certificate_verification(client, auth, make_user, synced):
    """Can a visitor, a learner, a trainer and the directorate reach "Verify a certificate" from the pages they
    open (the kept catalogue and a lesson too), and do the directorate and admins find it among their home cards?"""
    footer = '<a href="/verify">Verify a certificate</a></p>'
    assert footer in client.get("/catalogue").get_data(as_text=True)  # a kept page: the same for every visitor
    for role in (Role.LEARNER, Role.TRAINER, Role.DIRECTORATE, Role.ADMIN):
        auth.login(make_user(role).email)
        home = client.get("/").get_data(as_text=True)
        assert footer in home, role
        card = '<h2><a href="/verify">Verify a certificate</a></h2>' in home
        assert card is (role in (Role.DIRECTORATE, Role.ADMIN)), role
        for path in ("/catalogue", "/courses/intro-to-data/lessons/declarations"):
            assert footer in client.get(path, follow_redirects=True).get_data(as_text=True), (role, path)
        auth.logout()


def test_a_code_typed_any_way_leads_to_the_page_named_by_the_printed_code(client, synced):
    """Does a code typed in lower case with spaces lead to the verification page whose address shows the code as
    printed (the address people copy and share), and a malformed one to the "unknown code" page?"""
    typed = client.get("/verify", query_string={"code": " 7knm q5sy tkb6 5bbl ts2k a7o3 r4 "})
    assert typed.status_code == 302 and typed.location == "/verify/7KNM-Q5SY-TKB6-5BBL-TS2K-A7O3-R4"
    wrong = client.get("/verify", query_string={"code": "not a code!"}, follow_redirects=True)
    assert wrong.status_code == 404 and "Unknown code." in wrong.get_data(as_text=True)
