"""A certificate prints in its learner's language (the course's title too, where the course is translated), or in
English and French on one page when the academy says so; each language's PDF is its own stored file."""

import hashlib
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.auth.models import User
from app.certificates import rendering, services
from app.common import storage
from app.config import from_environment
from app.core.language import direction
from app.courses import services as courses
from app.courses.models import Course
from app.extensions import db
from tests.certificates.test_certificates import _complete_intro
from tests.helpers import post_form

ENGLISH_TITLE, FRENCH_TITLE = "Customs data in practice", "Les données douanières en pratique"


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _certify(app, user_id: int) -> str:
    """The learner's certificate of the translated fixture course (issued as completing it would), its code."""
    _complete_intro(app, user_id)  # its prerequisite
    with app.app_context():
        user = db.session.get(User, user_id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        courses.enrol(user, course)
        certificate = services.issue_for_completion("courses", user_id=user.id, course_id=course.id)
        db.session.commit()
        return certificate.code


@pytest.fixture
def several_languages(app):
    """The academy prints certificates in English and French (CERTIFICATE_LANGUAGES=bilingual)."""
    app.config["CERTIFICATE_LANGUAGES"] = ["en", "fr"]
    yield
    app.config["CERTIFICATE_LANGUAGES"] = []


def test_the_course_title_prints_in_the_learner_s_language(app, make_user, synced):
    """Does a French-speaking learner's certificate of a translated course carry its French title, and an English
    speaker's the English one?"""
    with app.app_context():
        assert db.session.scalar(sa.select(Course.title).where(Course.slug == "data-in-practice")) == ENGLISH_TITLE
    french, english = make_user(locale="fr"), make_user(locale="en")
    french_text, _ = _text(_pdf(app, _certify(app, french.id)))
    english_text, _ = _text(_pdf(app, _certify(app, english.id)))
    assert FRENCH_TITLE in french_text and "Certificat d’achèvement" in french_text
    assert ENGLISH_TITLE not in french_text and "Certificate of completion" not in french_text
    assert ENGLISH_TITLE in english_text and FRENCH_TITLE not in english_text


def _pdf(app, code: str) -> bytes:
    with app.app_context():
        return services.pdf_bytes(services.find(code))


def test_a_learner_who_switches_to_french_downloads_a_french_pdf(app, client, auth, make_user, synced):
    """Does a learner whose certificate was first printed in English get it in French once they read in French,
    with the English file kept as it was and the certificate's hash naming the file it serves?"""
    learner = make_user(locale="en")
    code = _certify(app, learner.id)  # outside a request: printed at once, in English
    with app.app_context():
        certificate = services.find(code)
        assert certificate.pdf_language == "en"
        english_key = services.storage_key(certificate)
        english = storage.current_store().open(english_key)
    assert "Certificate of completion" in _text(english)[0]

    auth.login(learner.email)
    post_form(client, "/", "/language", language="fr")  # the header's switch, kept on the account
    with client.get(f"/certificates/{code}.pdf") as response:
        assert response.status_code == 200
        text, _ = _text(response.data)
    assert "Certificat d’achèvement" in text and FRENCH_TITLE in text and "Certificate of completion" not in text
    with app.app_context():
        certificate = services.find(code)
        assert certificate.pdf_language == "fr"
        key = services.storage_key(certificate)
        assert (
            key != english_key
            and hashlib.sha256(storage.current_store().open(key)).hexdigest() == certificate.pdf_sha256
        )
        assert storage.current_store().open(english_key) == english  # written once, never changed

    post_form(client, "/", "/language", language="en")
    with client.get(f"/certificates/{code}.pdf") as response:
        assert response.data == english  # the English file again, not rendered anew


def test_a_bilingual_academy_prints_both_languages_on_one_page(app, make_user, synced, several_languages):
    """With CERTIFICATE_LANGUAGES set, does a certificate print in English and French on one page, the learner's
    language first, with the course's title in each?"""
    french, english = make_user(locale="fr"), make_user(locale="en")
    for learner, first, second in ((french, "Certificat d’achèvement", "Certificate of completion"),
                                   (english, "Certificate of completion", "Certificat d’achèvement")):  # fmt: skip
        code = _certify(app, learner.id)
        text, pages = _text(_pdf(app, code))
        assert pages == 1
        assert first in text and second in text and text.index(first) < text.index(second)
        assert FRENCH_TITLE in text and ENGLISH_TITLE in text
        with app.app_context():
            assert services.find(code).pdf_language == ("fr+en" if learner is french else "en+fr")


@pytest.mark.parametrize(
    ("value", "languages"),
    [("", []), ("bilingual", ["en", "fr"]), ("fr, en", ["fr", "en"]), ("EN", ["en"])],
)
def test_the_certificate_languages_setting(monkeypatch, tmp_path, value, languages):
    """Is CERTIFICATE_LANGUAGES read as documented: empty for the recipient's language, 'bilingual', or a list?"""
    monkeypatch.setenv("CERTIFICATE_LANGUAGES", value)
    assert from_environment(tmp_path)["CERTIFICATE_LANGUAGES"] == languages


def test_a_language_the_academy_does_not_offer_stops_the_start_with_the_reason(monkeypatch, tmp_path):
    """Does CERTIFICATE_LANGUAGES=en,de stop the academy, naming the language and what is offered?"""
    monkeypatch.setenv("CERTIFICATE_LANGUAGES", "en,de")
    with pytest.raises(RuntimeError, match=r"de is not offered \(offered: en, fr"):
        from_environment(tmp_path)


def test_a_right_to_left_certificate_mirrors(app):
    """Laid out right to left (as Arabic will be), does the certificate put the issuer at the right and the
    verification at the left: its styles say start and end, not left and right?"""
    from tests.certificates.test_names import _box, _lay_out

    templates = rendering._templates()
    try:
        templates.globals["text_direction"] = lambda _locale: "rtl"
        page = _lay_out("Amina Odhiambo")[0].pages[0]
    finally:
        templates.globals["text_direction"] = direction
    middle = page.width / 2
    assert _box(page, "issuer").position_x > middle > _box(page, "verify").position_x


def test_the_credential_and_verification_page_name_the_course_in_both_languages(app, client, make_user, synced):
    """Does the Open Badges credential of a translated course carry its English and French names (and still
    validate against the official schema), and the verification page show both?"""
    import json
    from pathlib import Path

    import jsonschema

    code = _certify(app, make_user(locale="fr").id)
    credential = client.get(f"/verify/{code}/credential.json").json
    schema = json.loads((Path(__file__).parent / "ob_v3p0_achievementcredential_schema.json").read_text())
    jsonschema.validate(credential, schema)
    achievement = credential["credentialSubject"]["achievement"]
    assert (achievement["inLanguage"], achievement["name"]) == ("en", ENGLISH_TITLE)
    assert [(r["inLanguage"], r["name"]) for r in achievement["related"]] == [("fr", FRENCH_TITLE)]
    assert achievement["related"][0]["description"].startswith("Spécialistes des données · ")
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert ENGLISH_TITLE in page and FRENCH_TITLE in page
