"""Mails, certificates and reports speak the language of the person they are for."""

import io
import re

import openpyxl
from pypdf import PdfReader

from app.auth.models import User
from app.certificates import services as certificates
from app.extensions import db
from tests.certificates.test_certificates import _certificates, _complete_intro, _pdf_bytes
from tests.helpers import deliver_outbox, post_form


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_certificate_prints_in_its_learner_s_language(app, make_user, synced):
    """Does a French-speaking learner's certificate print in French, and an English-speaking one's in English?"""
    french, english = make_user(full_name="Awa Ndiaye", locale="fr"), make_user(full_name="Amina Odhiambo")
    for learner in (french, english):
        _complete_intro(app, learner.id)
    by_user = {c.user_id: c.code for c in _certificates(app) if c.kind == "course"}
    french_text, english_text = _text(_pdf_bytes(app, by_user[french.id])), _text(_pdf_bytes(app, by_user[english.id]))
    assert "Certificat d’achèvement" in french_text and "Il est certifié que" in french_text
    assert "Certificate of completion" not in french_text
    assert "Certificate of completion" in english_text and "Il est certifié" not in english_text
    # The day as each writes it: "7 décembre 2026" and "December 7, 2026".
    assert re.search(r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                     r"décembre) \d{4}", french_text)  # fmt: skip
    with app.app_context():
        assert certificates.find(by_user[french.id]).user.locale == "fr"


def test_a_mail_is_written_in_its_recipient_s_language(app, client, make_user, caplog):
    """Is a password-reset mail to a French-speaking officer in French, though asked for from an English page?"""
    user = make_user(locale="fr")
    caplog.set_level("INFO")
    post_form(client, "/password/forgot", email=user.email)  # the test client asks for no language: English
    deliver_outbox(app)
    assert "Réinitialisez votre mot de passe Customs Data Academy" in caplog.text and "Bonjour" in caplog.text
    assert "Someone (we hope you)" not in caplog.text


def test_the_project_report_and_exports_are_in_the_requester_s_language(app, client, auth, project):
    """Does a French-speaking director get the project report PDF and the overview's spreadsheets in French?"""
    auth.login(project["director"].email)
    with app.app_context():
        db.session.get(User, project["director"].id).locale = "fr"
        db.session.commit()
    text = _text(client.get("/projects/KE-DATA/report.pdf").data)
    assert "Rapport d’avancement" in text and "Jalons" in text and "Progress report" not in text
    csv_text = client.get("/directorate?table=projects&format=csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Code,Titre,Bénéficiaires")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/directorate?table=all&format=xlsx").data))
    assert "Par administration" in workbook.sheetnames
    assert workbook["Par administration"]["A1"].value.startswith("Inscriptions, achèvements et certificats")
    # The kept overview serves the next reader in theirs.
    with app.app_context():
        db.session.get(User, project["director"].id).locale = "en"
        db.session.commit()
    english = client.get("/directorate?table=projects&format=csv").data.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Code,Title,Beneficiaries")
