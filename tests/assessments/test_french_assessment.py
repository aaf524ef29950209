"""The assessment in French: the same bank, attempts and grades, with the translation's words."""

import re

import sqlalchemy as sa

from app.assessments.models import Attempt, Question
from app.certificates.models import Certificate
from app.extensions import db
from tests.helpers import ASSESSMENT, answer_form, csrf_token, post_form


def _french_attempt(client, auth, learner) -> int:
    auth.login(learner.email)
    post_form(client, "/catalogue", "/language", language="fr")
    lesson = "/courses/data-in-practice/lessons/indicators"
    post_form(client, lesson, f"{lesson}/complete")
    response = post_form(client, ASSESSMENT, f"{ASSESSMENT}/start")
    return int(re.search(r"/attempts/(\d+)$", response.location).group(1))


def test_a_french_reader_sits_the_assessment_in_french_and_is_graded_alike(app, client, auth, ready_learner):
    """Does a French reader see every drawn question, choice and explanation in French, score as in English, and
    get the course's one certificate?"""
    attempt_id = _french_attempt(client, auth, ready_learner)
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "<h1>Évaluation finale</h1>" in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        questions = [db.session.get(Question, question_id) for question_id in attempt.question_ids]
        french = {q.id: q.translations["fr"] for q in questions}
        english = {q.id: q.text_html for q in questions}
    for question_id, texts in french.items():
        assert texts["text_html"] in page and english[question_id] not in page
        for choice in texts["spec"].get("choices", []):
            assert choice["html"] in page
    questions_form = page.split('id="attempt-form"', 1)[1].split("</form>", 1)[0]
    assert 'lang="en"' not in questions_form  # nothing of the bank is left in English

    form = {**answer_form(app, attempt_id, right=True), "action": "submit"}
    client.post(f"/attempts/{attempt_id}", data={**form, "csrf_token": csrf_token(client, ASSESSMENT)})
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).percent == 100
        # The course is complete: its certificate is stored under the course's own (English) title.
        certificate = db.session.scalar(
            sa.select(Certificate).where(
                Certificate.user_id == ready_learner.id, Certificate.achievement_key.startswith("course/data-in")
            )
        )
        assert certificate is not None and certificate.title == "Customs data in practice"
        code = certificate.code
    # Its verification page names the course in both languages.
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    # One entry, the reader's language first, the English marked as such.
    assert '<dd><span>Les données douanières en pratique</span><br><span lang="en" translate="no">Customs data in ' \
        "practice</span></dd>" in verify  # fmt: skip
    # The assessment page's list of attempts writes the score as French does, like its sentences ("100 %").
    overview = client.get(ASSESSMENT).get_data(as_text=True)
    assert '<td class="num">100\xa0%</td>' in overview and "100%" not in overview
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    # The review (after each submission in the fixture) shows the French texts and explanations too.
    for texts in french.values():
        assert texts["text_html"] in result and texts["explanation_html"] in result


def test_a_french_short_answer_counts_in_any_language(app, ready_learner):
    """Is "Système harmonisé" a right answer to the short_text question whatever the page's language?"""
    from app.assessments.types import TYPES

    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.key == "hs-name"))
        assert TYPES["short_text"].grade(question.spec, "Système harmonisé") == 1
        assert TYPES["short_text"].grade(question.translations["fr"]["spec"], "Harmonized System") == 1


def test_a_french_reader_finds_the_assessment_under_its_french_title(app, client, auth, ready_learner):
    """On the course page and on My learning, are the assessment's link and button worded with its French title
    (the course page listed its English one, "Final assessment", among French words)?"""
    attempt_id = _french_attempt(client, auth, ready_learner)
    course = client.get("/courses/data-in-practice").get_data(as_text=True)
    assert f'href="{ASSESSMENT}">Évaluation finale</a>' in course
    assert ">Final assessment<" not in course
    mine = client.get("/my-learning").get_data(as_text=True)
    assert re.search(r"Poursuivre l’évaluation\s:\sÉvaluation finale</a>", mine)
    assert re.search(r">1 leçon terminée sur 1\s·\s1 évaluation à réussir", mine)  # one lesson: singular
    assert attempt_id
