"""Choosing a language: the browser's preference, the header's switch, the account's choice."""

import re

from app.auth.models import User
from app.extensions import db
from tests.helpers import AuthActions, csrf_token


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_a_french_browser_gets_french_pages_that_say_so(client):
    """Does a browser that prefers French get the catalogue in French, declared as French?"""
    response = client.get("/catalogue", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _lang(html) == "fr"
    assert "Glossaire" in html and "Se connecter" in html
    english = client.get("/catalogue", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert _lang(english) == "en" and "Glossary" in english


def test_a_visitor_switches_language_and_returns_to_the_same_page(client):
    """Does a visitor who presses "Français" come back to the page they were on, now in French?"""
    token = csrf_token(client, "/catalogue")
    response = client.post(
        "/language",
        data={"language": "fr", "csrf_token": token},
        headers={"Referer": "http://localhost/catalogue?track=leaders"},
    )
    assert response.status_code == 303 and response.location == "/catalogue?track=leaders"
    html = client.get("/catalogue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(html) == "fr" and "Glossaire" in html  # the choice outranks the browser
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client, "/catalogue")})
    assert _lang(client.get("/catalogue", headers={"Accept-Language": "fr"}).get_data(as_text=True)) == "en"


def test_the_switch_refuses_what_it_does_not_offer(client):
    """Is an unknown language, or a post without its token, refused with a clear page and no change?"""
    token = csrf_token(client, "/catalogue")
    response = client.post("/language", data={"language": "xx", "csrf_token": token})
    assert response.status_code == 400 and "not offered in that language" in response.get_data(as_text=True)
    assert client.post("/language", data={"language": "fr"}).status_code == 400
    assert _lang(client.get("/catalogue").get_data(as_text=True)) == "en"


def test_an_officer_s_choice_is_kept_on_the_account(app, client, make_user):
    """Does an officer who chooses French find French again when logging in from another browser?"""
    user = make_user()
    AuthActions(client).login(user.email)
    client.post("/language", data={"language": "fr", "csrf_token": csrf_token(client, "/account")})
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fr"
    other = app.test_client()
    AuthActions(other).login(user.email)
    html = other.get("/my-learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(html) == "fr" and "Mon compte" in html


def test_a_page_says_which_way_its_language_is_written(app, client):
    """Is a page declared left to right in English and French, and would it be right to left in Arabic or Hebrew?"""
    from flask import render_template_string
    from flask_babel import force_locale

    french = client.get("/catalogue", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french
    with app.test_request_context("/"):
        for code, way in {"ar": "rtl", "he": "rtl", "fa_IR": "rtl", "en": "ltr"}.items():
            with force_locale(code):
                html = render_template_string('{% extends "base.html" %}')
            assert f'<html lang="{code}" dir="{way}">' in html


FRENCH = {"Accept-Language": "fr"}


def test_the_catalogue_search_finds_french_words_on_a_french_page(client, synced):
    """Does a French reader searching the catalogue find a course by the words of its French title, summary and
    lessons, while an English reader's search reads the English?"""
    found = client.get("/catalogue?q=en+pratique", headers=FRENCH).get_data(as_text=True)
    assert "Les données douanières en pratique" in found and "Aucun cours" not in found
    lesson = client.get("/catalogue?q=examen+plus+attentif", headers=FRENCH).get_data(as_text=True)
    assert "Les données douanières en pratique" in lesson
    # Its English words still find it for a French reader (the course's own language) …
    assert "Les données douanières en pratique" in client.get("/catalogue?q=closer+look", headers=FRENCH).get_data(
        as_text=True
    )
    # … but French words find nothing for an English reader.
    english = client.get("/catalogue?q=examen+plus+attentif", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Customs data in practice" not in english and "No course matches" in english


def test_the_course_page_names_the_languages_the_course_is_available_in(client, synced):
    """Does a course page say which languages the course can be read in, as the catalogue does, rather than only
    its source language?"""
    translated = client.get("/courses/data-in-practice", headers=FRENCH).get_data(as_text=True)
    assert re.search(r"Langues\s?: English, Français", translated)
    english_only = client.get("/courses/intro-to-data").get_data(as_text=True)
    assert re.search(r"Languages: English\s*<", english_only)


def test_percentages_are_written_the_reader_s_way(client, synced):
    """Is a pass mark written as Babel writes a percentage in each language ("70 %" with a no-break space in French,
    "70%" in English), not as a %-format of the English?"""
    from babel.numbers import format_percent

    french = client.get("/courses/data-in-practice", headers=FRENCH).get_data(as_text=True)
    assert f"seuil de réussite {format_percent(0.7, locale='fr')}" in french and "70%" not in french
    english = client.get("/courses/data-in-practice").get_data(as_text=True)
    assert "pass mark 70%" in english
