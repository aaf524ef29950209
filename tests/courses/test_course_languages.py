"""One course, several languages: pages give the curriculum in the reader's language, progress is one."""

import re

import sqlalchemy as sa

from app.courses.models import Enrolment, LessonProgress
from app.extensions import db
from tests.helpers import post_form

INTRO = "/courses/intro-to-data"
PRACTICE = "/courses/data-in-practice"
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _choose(client, language: str, page: str = "/catalogue") -> None:
    post_form(client, page, "/language", language=language)


def test_catalogue_in_french_says_which_languages_each_course_has(client, synced):
    """Does a French reader see the catalogue in French, each course with the languages it is offered in?"""
    page = client.get("/catalogue", headers=FRENCH).get_data(as_text=True)
    assert "Spécialistes des données" in page and "Praticien" in page
    assert ">Les données douanières en pratique</a>" in page
    assert ">Introduction to Customs data</a>" in page  # no French version: shown in English
    practice = page[page.index("Les données douanières en pratique") :]
    assert re.search(r"Langues\s*:\s*English, Français", practice[:1500])
    english = client.get("/catalogue").get_data(as_text=True)
    assert ">Customs data in practice</a>" in english and "Les données" not in english
    assert re.search(r"Languages:\s*English, Français", english)


def test_a_course_without_french_says_so_in_english(client, synced):
    """Is a course without French shown to a French reader in English, saying so, marked lang="en"?"""
    page = client.get(INTRO, headers=FRENCH).get_data(as_text=True)
    assert "Ce cours n’existe qu’en anglais." in page
    assert '<h1 lang="en" translate="no">Introduction to Customs data</h1>' in page
    french = client.get(PRACTICE, headers=FRENCH).get_data(as_text=True)
    assert "Les données douanières en pratique" in french and "n’existe qu’en anglais" not in french


def test_a_french_lesson_is_served_in_french(client, auth, ready_learner, synced):
    """Does a French reader get the French lesson text and title, the English one marked lang="en"?"""
    auth.login(ready_learner.email)
    _choose(client, "fr")
    page = client.get(f"{PRACTICE}/lessons/indicators").get_data(as_text=True)
    assert "Les indicateurs de risque" in page and "examen plus attentif" in page and "closer look" not in page
    english = client.get(f"{INTRO}/lessons/declarations").get_data(as_text=True)
    assert re.search(r'<div class="prose[^"]*" lang="en" translate="no">', english)


def test_switching_language_keeps_enrolment_and_progress(app, client, auth, ready_learner, synced):
    """Does a learner who completes a lesson in French find it completed in English, in the same course?"""
    auth.login(ready_learner.email)
    _choose(client, "fr")
    lesson = f"{PRACTICE}/lessons/indicators"
    post_form(client, lesson, f"{lesson}/complete")
    _choose(client, "en")
    page = client.get(PRACTICE).get_data(as_text=True)
    assert "Customs data in practice" in page
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "Customs data in practice" in mine
    _choose(client, "fr")
    assert "Les données douanières en pratique" in client.get("/my-learning").get_data(as_text=True)
    with app.app_context():
        enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == ready_learner.id)).all()
        assert len(enrolments) == 2  # the same two courses: no French copy of either
        done = db.session.scalar(
            sa.select(sa.func.count()).select_from(LessonProgress).where(LessonProgress.user_id == ready_learner.id)
        )
        assert done == 3  # intro's two lessons and the one read in French


def test_glossary_in_french(client, synced):
    """Does the glossary give a French reader each term's French name and definition?"""
    page = client.get("/glossary", headers=FRENCH).get_data(as_text=True)
    assert "Traiter des données de sorte" in page and "<strong>codes</strong>" in page
    assert "Processing data so that" in client.get("/glossary").get_data(as_text=True)
