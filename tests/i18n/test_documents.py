"""Mails, certificates and reports speak the language of the person they are for."""

import io
import re

import openpyxl
import sqlalchemy as sa
from pypdf import PdfReader

from app.auth.models import Administration, Role, User
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


def test_an_invitation_goes_out_in_the_language_of_the_officer_s_administration(
    app, client, auth, make_user, make_administration, caplog
):
    """Is an officer who has not chosen a language invited in their administration's working language (French for
    Senegal's Customs, set by the administrator), and in the academy's default (English) when the administration
    has none — whatever the language of the page the invitation was sent from?"""
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None), locale="fr")
    senegal, kenya = make_administration("SN"), make_administration("KE")
    auth.login(admin.email)
    edit = f"/administrations/{senegal.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert "Langue de travail" in form  # the administrator's page is in French, its regions too
    assert "Afrique occidentale et centrale" in form and "West and Central Africa" not in form
    post_form(client, edit, code="SN", name=senegal.name, region=senegal.region.value, language="fr")
    with app.app_context():
        assert db.session.get(Administration, senegal.id).language == "fr"
    auth.logout()

    caplog.set_level("INFO")
    coordinator = make_user(Role.COORDINATOR, senegal, locale="en")  # who invites reads English
    auth.login(coordinator.email)
    post_form(client, "/people/new", email="awa@example.org", full_name="Awa Ndiaye", administration=senegal.id,
              role="learner")  # fmt: skip
    deliver_outbox(app)  # invitations leave through the outbox
    assert "Votre compte Customs Data Academy" in caplog.text and "Bonjour Awa Ndiaye" in caplog.text
    assert "Your Customs Data Academy account" not in caplog.text
    auth.logout()

    caplog.clear()
    auth.login(admin.email)  # a French page, an administration with no working language
    post_form(client, "/people/new", email="amina@example.org", full_name="Amina Odhiambo", administration=kenya.id,
              role="learner")  # fmt: skip
    deliver_outbox(app)  # invitations leave through the outbox
    assert "Your Customs Data Academy account" in caplog.text and "Hello Amina Odhiambo" in caplog.text

    # An officer's own choice outranks their administration's.
    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.email == "awa@example.org"))
        officer.locale, officer_id = "en", officer.id
        db.session.commit()
    caplog.clear()
    post_form(client, f"/people/{officer_id}", f"/people/{officer_id}/invitation")
    deliver_outbox(app)
    assert "Your Customs Data Academy account" in caplog.text and "Votre compte" not in caplog.text
