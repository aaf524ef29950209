"""The results page a trainer reads: each question by its text and its type in words, and the way back."""

import csv
import html as entities
import io
import re

import sqlalchemy as sa

from app.assessments import services
from app.assessments.models import Assessment
from app.auth.models import Role, User
from app.authoring.drafts import add_author
from app.extensions import db
from tests.helpers import ASSESSMENT, PRACTICE

IN_WORDS = {
    "single_choice": "Single choice",
    "multiple_choice": "Multiple choice",
    "true_false": "True or false",
    "numeric": "Number",
    "short_text": "Short text",
    "ordering": "Put in order",
    "matching": "Matching pairs",
}


def _graded(app, learner) -> None:
    with app.app_context():
        user = db.session.get(User, learner.id)
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final"))
        assert services.submit(services.start_attempt(user, assessment))
        db.session.commit()


def _breadcrumb(html: str) -> str:
    return re.search(r'<p class="breadcrumb">(.*?)</p>', html, re.S).group(1)


def test_item_analysis_names_questions_by_their_text_and_type_in_words(app, client, auth, ready_learner, make_user):
    """Does the item analysis show each question's text and its type in words, not only the bank's key and type
    name, in the page and in the CSV?"""
    _graded(app, ready_learner)
    auth.login(make_user(Role.TRAINER).email)
    html = client.get(f"{ASSESSMENT}/report").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(.*?)</tr>", html.split("Item analysis</h2>")[1], re.S)
    assert len(rows) == 7  # the questions of the one graded attempt
    with app.app_context():
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final"))
        bank = {
            q.key: (entities.unescape(re.sub("<[^>]+>", "", q.text_html)).strip(), q.type) for q in assessment.questions
        }
    for row in rows:
        key = re.search(r'<span class="meta">([^<]+)</span>', row).group(1)
        text, kind = bank[key]
        assert entities.unescape(row).startswith(text + "<br>")  # the text first, the key below it as a reference
        assert f"<td>{IN_WORDS[kind]}</td>" in row and f">{kind}<" not in row
    exported = client.get(f"{ASSESSMENT}/item-analysis.csv").data.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(exported)))
    assert header == ["Question", "Type", "Points", "Responses", "Facility index", "Discrimination index", "Text"]
    assert len(lines) == 7 and all(line[6] and "<" not in line[6] for line in lines)


def test_a_long_question_is_cut_at_a_word_without_its_markup(app, client, auth, ready_learner, make_user):
    """Is a long question shown short, without its HTML, ending with an ellipsis?"""
    with app.app_context():
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final"))
        for question in assessment.questions:
            question.text_html = "<p><strong>Long</strong> " + "word " * 60 + "end</p>"
        db.session.commit()
    _graded(app, ready_learner)
    auth.login(make_user(Role.TRAINER).email)
    html = client.get(f"{ASSESSMENT}/report").get_data(as_text=True)
    cell = re.search(r"<tr><td>(.*?)<br>", html.split("Item analysis</h2>")[1], re.S).group(1)
    assert cell.startswith("Long word") and cell.endswith("…") and len(cell) <= 125 and "<strong>" not in cell


def test_the_results_breadcrumb_leads_an_author_back_to_the_course_editor(app, client, auth, synced, make_user):
    """Does the results page lead a trainer who may edit the course back to the course editor, and another trainer
    (who may read the results but not edit the course) to the course page?"""
    author, other = make_user(Role.TRAINER), make_user(Role.TRAINER)
    with app.app_context():
        add_author("data-in-practice", db.session.get(User, author.id), assigned_by=None)
        db.session.commit()

    auth.login(author.email)
    crumb = _breadcrumb(client.get(f"{ASSESSMENT}/report").get_data(as_text=True))
    assert 'href="/author/data-in-practice"' in crumb
    auth.logout()

    auth.login(other.email)
    html = client.get(f"{ASSESSMENT}/report").get_data(as_text=True)
    assert "/author/" not in html
    assert f'href="{PRACTICE}"' in _breadcrumb(html)


def test_the_item_analysis_csv_speaks_the_requester_s_language(app, client, auth, ready_learner, make_user):
    """Does a French-speaking trainer get the item analysis CSV with its column titles in French (with the
    byte-order mark that lets a spreadsheet read their accents)?"""
    _graded(app, ready_learner)
    auth.login(make_user(Role.TRAINER, locale="fr").email)
    data = client.get(f"{ASSESSMENT}/item-analysis.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [
        *("Question", "Type", "Points", "Réponses"),
        *("Indice de facilité", "Indice de discrimination", "Texte"),
    ]
    # The page's score bands are percentages written the French way too.
    assert "0\xa0%–9\xa0%" in client.get(f"{ASSESSMENT}/report").get_data(as_text=True)
