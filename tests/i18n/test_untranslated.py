"""A French page holds no English interface string: every word the interface adds is translated.

The curriculum's own words (course, lesson and question texts) stay English until French content
lands; templates mark them with translate="no" (and lang="en"), and this test reads around them.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.auth.models import Role
from tests.authoring.test_editor import add_markdown_lesson, create_course
from tests.helpers import AuthActions, csrf_token

FRENCH = Path(__file__).resolve().parents[2] / "app/translations/fr/LC_MESSAGES/messages.po"
#: Attributes a person reads or hears: tooltips, screen readers' labels, placeholders, pictures' text.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture
def client(client):
    """A browser that asks for French on every request: what it posts is answered in French too."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    return client


def _english_phrases() -> list[str]:
    """The catalogue's English strings of two words or more whose French differs, cut at placeholders and tags."""
    with FRENCH.open("rb") as file:
        catalogue = read_po(file)
    phrases = set()
    for message in catalogue:
        if not message.id or isinstance(message.id, (list, tuple)):
            continue
        if message.string == message.id:
            continue
        for piece in re.split(r"%\([a-z_]+\)[sdf]|<[^>]+>|\{[a-z_0-9]*\}|\n", message.id):
            piece = " ".join(piece.split()).strip(" .,:;·—–()")
            if len(piece.split()) >= 2 and piece not in message.string:
                phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


class _Reader(HTMLParser):
    """The text a person meets on a page, leaving out what is marked translate="no" and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []  # open elements from the first untranslated one down
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or attributes.get("translate") == "no" or tag in ("script", "style"):
            if tag not in VOID:
                self.skipping.append(tag)
            return
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self.skipping:
            # Pop back to the matching element: tolerant of HTML's optional end tags.
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


def _english_in(html: str) -> list[str]:
    text = _text(html)
    found = []
    for phrase in _english_phrases():
        if re.search(r"(?<![\w’'])" + re.escape(phrase) + r"(?![\w’'])", text):
            found.append(phrase)
    return found


def _get(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html, path
    return html


def _learner_pages(app, client, learner) -> dict[str, str]:
    AuthActions(client).login(learner.email)
    pages = {path: _get(client, path) for path in ("/catalogue", "/courses/data-in-practice", "/my-learning")}
    pages["lesson"] = _get(client, "/courses/data-in-practice/lessons/indicators")
    start = "/courses/data-in-practice/assessments/final"
    response = client.post(f"{start}/start", data={"csrf_token": csrf_token(client, start)})
    attempt = response.location
    pages["attempt"] = _get(client, attempt)
    client.post(
        f"{attempt}/submit",
        data={"csrf_token": csrf_token(client, attempt)},
    )
    pages["result"] = _get(client, f"{attempt}/result")
    pages["certificates"] = _get(client, "/certificates")
    pages["account"] = _get(client, "/account")
    return pages


def test_the_checker_finds_english_on_a_page(client):
    """Would the check see an English interface string, so that its silence on French pages means something?"""
    english = client.get("/catalogue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english
    assert _english_in(english), "the checker finds nothing even on an English page"
    assert "Log in" not in _english_in('<p translate="no" lang="en">Log in to open this page.</p>')


def test_a_learner_s_pages_in_french_hold_no_english_interface_string(app, client, ready_learner):
    """Does a French-speaking learner meet only French in the interface, from the catalogue to the certificate?"""
    pages = _learner_pages(app, client, ready_learner)
    # The lesson is read in its French translation: nothing of it is marked as English any more.
    assert "examen plus attentif" in pages["lesson"]
    assert not re.search(r'<div class="prose[^"]*" lang="en"', pages["lesson"])
    leftovers = {name: found for name, html in pages.items() if (found := _english_in(html))}
    assert not leftovers, leftovers


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (Role.TRAINER, ["/author", "/author/new"]),
        (Role.COORDINATOR, ["/people", "/coordinator", "/cohorts"]),
        (Role.DIRECTORATE, ["/directorate", "/projects/KE-DATA", "/administrations", "/audit"]),
    ],
)
def test_staff_pages_in_french_hold_no_english_interface_string(app, client, make_user, project, role, paths):
    """Do trainers, coordinators and the directorate meet only French in the interface of their pages?"""
    user = make_user(role, project["kenya"]) if role is Role.COORDINATOR else make_user(role)
    AuthActions(client).login(user.email)
    leftovers = {path: found for path in paths if (found := _english_in(_get(client, path)))}
    assert not leftovers, leftovers


def test_a_trainer_s_course_editor_in_french_holds_no_english_interface_string(client, make_user, synced):
    """Does a trainer editing a course meet only French in the editor's interface?"""
    AuthActions(client).login(make_user(Role.TRAINER).email)
    page = create_course(client)
    lesson = add_markdown_lesson(client, page)
    leftovers = {path: found for path in (page, lesson) if (found := _english_in(_get(client, path)))}
    assert not leftovers, leftovers
