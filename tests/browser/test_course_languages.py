"""In chromium: a francophone learner reads a course in French and keeps their progress in English."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def french_page(browser, live_server):
    """A browser whose preferred language is French (fr-FR)."""
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_francophone_learner_reads_a_french_course_and_keeps_progress_in_english(french_page, ready_learner):
    """From `/`, clicking only what pages show, does a learner whose browser asks for French reach the French
    course and lesson, complete it, and find it completed after switching to English mid-course?"""
    page = french_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Courriel").fill(ready_learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Catalogue").first.click()
    card = page.locator("li.card", has_text="Les données douanières en pratique")
    expect(card).to_contain_text(re.compile(r"Langues\s*:\s*English, Français"))
    intro = page.locator("li.card", has_text="Introduction to Customs data")
    expect(intro.locator("p.meta").first).to_have_text(re.compile(r"^Langues\s*:\s*English$"))
    card.get_by_role("link", name="Les données douanières en pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les données douanières en pratique")
    page.get_by_role("link", name="Les indicateurs de risque").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les indicateurs de risque")
    expect(page.locator("div.prose").first).to_contain_text("examen plus attentif")
    page.get_by_role("button", name="Marquer comme terminée").click()

    # Mid-course, the learner switches to English: the same course, with the lesson still completed.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="My learning").first.click()
    page.get_by_role("link", name="Customs data in practice").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customs data in practice")
    expect(page.locator("li", has_text="Risk indicators")).to_contain_text("completed")
    page.get_by_role("link", name="Risk indicators").first.click()
    expect(page.locator("div.prose").first).to_contain_text("closer look")


def test_a_francophone_learner_passes_the_french_assessment_and_verifies_a_french_certificate(
    french_page, ready_learner, synced
):
    """From `/`, clicking only what pages show, does a learner whose browser asks for French finish the French
    course, pass its French assessment, download a certificate printed in French, and reach its verification page,
    which names the course in French and English?"""
    import io

    from pypdf import PdfReader

    from tests.browser.answering import answer_attempt, load_bank, translated_bank

    folder = synced / "courses" / "data-in-practice"
    bank = translated_bank(load_bank(folder / "assessment.yml"), folder / "assessment.fr.yml")
    page = french_page
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Courriel").fill(ready_learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Mon apprentissage").first.click()
    page.get_by_role("link", name="Les données douanières en pratique").first.click()
    page.get_by_role("link", name="Les indicateurs de risque").first.click()
    page.get_by_role("button", name="Marquer comme terminée").click()
    expect(page.get_by_role("heading", name="Évaluation finale", level=1)).to_be_visible()

    # The assessment in French, answered as a francophone who knows the bank would, from the words on the page.
    page.get_by_role("button", name="Commencer une tentative").click()
    expect(page.locator("fieldset.question").first).to_be_visible()
    assert answer_attempt(page, bank, right=True, truth=("Vrai", "Faux")) == 7
    page.get_by_role("button", name="Soumettre pour correction").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Résultat de la tentative \d"))).to_be_visible()
    expect(page.get_by_text("Réussie", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Note\s?: 100\s?%"))).to_be_visible()  # Babel's French percentage
    next_step = page.get_by_role("region", name="Et maintenant ?")
    expect(next_step).to_contain_text("Vous avez achevé Les données douanières en pratique.")

    # The certificate, printed in French with the course's French title.
    with page.expect_download() as download:
        next_step.get_by_role("link", name="Télécharger votre certificat (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Certificat d’achèvement" in text and "Les données douanières en pratique" in text
    assert "Certificate of completion" not in text

    # Its public page, by the address the learner is given.
    next_step.get_by_role("link", name="Mes certificats").click()
    card = page.get_by_role("listitem").filter(has_text="Les données douanières en pratique")
    code = card.locator("code").inner_text()
    card.get_by_role("link", name=re.compile(f"{code}$")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Valide.")).to_be_visible()
    expect(page.get_by_text("Les données douanières en pratique")).to_be_visible()
    expect(page.get_by_text("Customs data in practice")).to_be_visible()
    expect(page.get_by_text(code)).to_be_visible()
    page.screenshot(path=str(synced.parent / "verification-fr.png"), full_page=True)
