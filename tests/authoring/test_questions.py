"""The question bank editor and the assessment preview: forms per type, refusals, staleness, publishing."""

import re

import pytest
import sqlalchemy as sa
import yaml

from app.assessments.models import Assessment, Attempt, Question
from app.auth.models import Role
from app.authoring.models import CourseDraft
from app.content import schema
from app.content.sync import stored_bytes
from app.extensions import db
from tests.helpers import AuthActions, answer_form, csrf_token

COURSE = "/author/risk-basics"
BANK = f"{COURSE}/assessments/final-check"

#: One question of each type, as the forms post them (blank rows included, as a browser sends them).
QUESTIONS = {
    "single_choice": {
        "text": "Who lodges a goods declaration?",
        "points": "2",
        "explanation": "The **declarant** does.",
        "choices-0-text": "The declarant",
        "choices-0-correct": "y",
        "choices-0-feedback": "Right.",
        "choices-1-text": "The carrier",
        "choices-2-text": "",
        "choices-3-text": "",
    },
    "multiple_choice": {
        "text": "Which are dimensions of data quality?",
        "partial_credit": "y",
        "choices-0-text": "Completeness",
        "choices-0-correct": "y",
        "choices-1-text": "Timeliness",
        "choices-1-correct": "y",
        "choices-2-text": "Popularity",
        "choices-3-text": "",
    },
    "true_false": {"text": "The Harmonized System is maintained by the WCO.", "true_false": "true"},
    "numeric": {"text": "What is the median value?", "answer": "1234,5", "tolerance": "0.5", "unit": "USD"},
    "short_text": {"text": 'What does "HS" stand for?', "accepted": "Harmonized System\r\n\r\nHarmonised System\r\n"},
    "ordering": {"text": "Put the steps in order.", "items": "Lodgement\r\nRisk assessment\r\nRelease"},
    "matching": {
        "text": "Match each term with its meaning.",
        "pairs-0-left": "Precision",
        "pairs-0-right": "Flagged and irregular",
        "pairs-1-left": "Recall",
        "pairs-1-right": "Irregular and flagged",
        "pairs-2-left": "",
        "pairs-2-right": "",
    },
}


def revision_on(client, page: str) -> str:
    response = client.get(page)
    assert response.status_code == 200, page
    match = re.search(r'name="revision"[^>]*value="(\d+)"', response.get_data(as_text=True))
    assert match, f"no revision on {page}"
    return match.group(1)


def post(client, page: str, to: str | None = None, **data):
    """Post a form of `page` as a browser does: its CSRF token and the revision it shows."""
    data.setdefault("csrf_token", csrf_token(client, page))
    data.setdefault("revision", revision_on(client, page))
    return client.post(to or page, data=data)


def the_draft(app, slug: str = "risk-basics") -> CourseDraft:
    with app.app_context():
        found = db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))
        db.session.expunge(found)
        return found


def draft_yaml(app, path: str) -> dict:
    files = the_draft(app).files
    with app.app_context():
        return yaml.safe_load(stored_bytes(files[path]))


def bank_file(app) -> dict:
    return draft_yaml(app, "courses/risk-basics/assessments/final-check.yml")


@pytest.fixture
def trainer(client, make_user, synced):
    user = make_user(Role.TRAINER)
    AuthActions(client).login(user.email)
    return user


@pytest.fixture
def course(client, trainer):
    """A new course's draft with one Markdown lesson, made through the editor's own forms."""
    token = csrf_token(client, "/author/new")
    response = client.post(
        "/author/new",
        data={
            "csrf_token": token,
            "title": "Risk basics",
            "slug": "risk-basics",
            "track": "data-specialists",
            "tier": "foundation",
            "summary": "What risk management does with declarations.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post(
        f"{COURSE}/lessons/new",
        data={
            "csrf_token": token,
            "revision": "1",
            "module": "module-1",
            "title": "A first look",
            "slug": "first-look",
            "kind": "markdown",
            "minutes": "15",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return COURSE


def add_assessment(client, draw="3", **settings):
    data = {
        "title": "Final check",
        "pass_mark": "70",
        "draw": draw,
        "max_attempts": "",
        "time_limit_minutes": "",
        "shuffle_questions": "y",
        "shuffle_choices": "y",
        "review": "after_submission",
        "required": "y",
        **settings,
    }
    return post(client, f"{COURSE}/new-assessment", **data)


def add_question(client, kind: str, **data):
    page = f"{BANK}/new-question?type={kind}"
    return post(client, page, **data)


@pytest.fixture
def bank(client, course):
    """An assessment drawing 3 questions, with one question of each of the 7 types."""
    assert add_assessment(client).status_code == 302
    for kind, data in QUESTIONS.items():
        response = add_question(client, kind, **data)
        assert response.status_code == 302, (kind, response.get_data(as_text=True))
    return BANK


def test_a_new_assessment_is_a_file_named_in_course_yml(app, client, course):
    """Does adding an assessment write its file and its reference in one revision?"""
    before = the_draft(app).revision
    response = add_assessment(client, time_limit_minutes="20", max_attempts="2", required="")
    assert response.status_code == 302
    assert response.location.endswith(BANK)
    assert the_draft(app).revision == before + 1
    manifest = draft_yaml(app, "courses/risk-basics/course.yml")
    assert manifest["assessments"] == [{"file": "assessments/final-check.yml"}]
    assert bank_file(app) == {
        "slug": "final-check",
        "title": "Final check",
        "pass_mark": 70,
        "max_attempts": 2,
        "time_limit_minutes": 20,
        "draw": 3,
        "shuffle_questions": True,
        "shuffle_choices": True,
        "review": "after_submission",
        "required": False,
        "questions": [],
    }
    page = client.get(BANK).get_data(as_text=True)
    assert "The bank is empty." in page
    assert 'id="bank-warning"' in page  # 0 questions for a draw of 3


def test_assessment_settings_are_checked_by_the_content_format(app, client, course):
    """Is a short name the format refuses, or one already taken, refused next to its field with nothing saved?"""
    before = the_draft(app).revision
    response = add_assessment(client, slug="Final Check!")
    assert response.status_code == 200
    assert "lower-case letters, digits and single hyphens" in response.get_data(as_text=True)
    assert add_assessment(client).status_code == 302
    response = add_assessment(client)
    assert response.status_code == 200
    assert "There is an assessment &#39;final-check&#39; in this course already" in response.get_data(as_text=True)
    assert the_draft(app).revision == before + 1


def test_one_question_of_each_type_through_the_forms(app, client, bank):
    """Can a trainer add every type of question without JavaScript, each stored as the content format says?"""
    document = bank_file(app)
    parsed = schema.AssessmentFile.model_validate(document)
    assert [q.type for q in parsed.questions] == list(QUESTIONS)
    by_type = {q["type"]: q for q in document["questions"]}
    assert by_type["single_choice"] == {
        "id": "who-lodges-a-goods-declaration",
        "type": "single_choice",
        "text": "Who lodges a goods declaration?",
        "points": 2,
        "explanation": "The **declarant** does.",
        "choices": [{"text": "The declarant", "correct": True, "feedback": "Right."}, {"text": "The carrier"}],
    }
    assert by_type["multiple_choice"]["partial_credit"] is True
    assert [c.get("correct", False) for c in by_type["multiple_choice"]["choices"]] == [True, True, False]
    assert by_type["true_false"]["answer"] is True
    assert (by_type["numeric"]["answer"], by_type["numeric"]["tolerance"], by_type["numeric"]["unit"]) == (
        1234.5,
        0.5,
        "USD",
    )
    assert by_type["short_text"]["accepted"] == ["Harmonized System", "Harmonised System"]
    assert by_type["ordering"]["items"] == ["Lodgement", "Risk assessment", "Release"]
    assert by_type["matching"]["pairs"] == [
        {"left": "Precision", "right": "Flagged and irregular"},
        {"left": "Recall", "right": "Irregular and flagged"},
    ]
    page = client.get(bank).get_data(as_text=True)
    assert 'id="bank-warning"' not in page  # 7 questions for a draw of 3
    for label in ("Single choice", "Multiple choice", "True or false", "Number", "Short text", "Put in order"):
        assert label in page


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (
            "single_choice",
            {
                "text": "Pick one",
                "choices-0-text": "A",
                "choices-0-correct": "y",
                "choices-1-text": "B",
                "choices-1-correct": "y",
            },
            "a single_choice question needs exactly one correct choice",
        ),
        (
            "multiple_choice",
            {"text": "Pick some", "choices-0-text": "A", "choices-1-text": "B"},
            "a multiple_choice question needs at least one correct choice",
        ),
        ("single_choice", {"text": "Pick one", "choices-0-text": "A", "choices-0-correct": "y"}, "Give at least 2."),
        ("true_false", {"text": "Is it?"}, "Give the answer."),
        ("numeric", {"text": "How many?", "answer": "many"}, "Write a number, such as 12 or 0.5."),
        ("numeric", {"text": "How many?", "answer": "12", "tolerance": "-1"}, "This must be at least 0."),
        ("short_text", {"text": "Name it", "accepted": "\r\n  \r\n"}, "Give at least 1."),
        ("ordering", {"text": "Order them", "items": "Only one"}, "Give at least 2."),
        ("matching", {"text": "Match", "pairs-0-left": "A", "pairs-0-right": ""}, "Pair 1: This cannot be empty."),
        ("true_false", {"text": "", "true_false": "true"}, "This cannot be empty."),
        (
            "true_false",
            {"text": "Is <script>alert(1)</script> safe?", "true_false": "false"},
            "executable markup (&lt;script): remove it, it never runs here",
        ),
        (
            "single_choice",
            {
                "text": "Pick",
                "choices-0-text": "[A](javascript:alert(1))",
                "choices-0-correct": "y",
                "choices-1-text": "B",
            },
            "executable markup (javascript:)",
        ),
        ("true_false", {"text": "Is it?", "true_false": "true", "id": "Not A Slug"}, "single hyphens"),
        ("true_false", {"text": "Is it?", "true_false": "true", "points": "0"}, "This must be more than 0."),
    ],
)
def test_an_invalid_question_is_refused_in_plain_words_and_nothing_is_saved(app, client, course, kind, data, message):
    """Is a question the content format would refuse shown back with why, and the draft left as it was?"""
    assert add_assessment(client).status_code == 302
    before = the_draft(app)
    response = add_question(client, kind, **data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not saved" in page
    assert message in page
    after = the_draft(app)
    assert (after.revision, after.files) == (before.revision, before.files)
    assert bank_file(app)["questions"] == []


def test_a_question_id_is_unique_in_the_bank(app, client, bank):
    """Is a second question with a taken short name refused, and one made from a repeated text numbered?"""
    response = add_question(client, "true_false", text="Again?", true_false="true", id="who-lodges-a-goods-declaration")
    assert response.status_code == 200
    assert "There is a question &#39;who-lodges-a-goods-declaration&#39; in this assessment already" in (
        response.get_data(as_text=True)
    )
    response = add_question(client, "true_false", text="Who lodges a goods declaration?", true_false="true")
    assert response.status_code == 302
    assert bank_file(app)["questions"][-1]["id"] == "who-lodges-a-goods-declaration-2"


def test_a_stale_page_is_refused_and_keeps_what_was_typed(app, client, bank):
    """If another trainer saved meanwhile, is the save refused, nothing overwritten, and the typing kept?"""
    page = f"{bank}/new-question?type=true_false"
    old = revision_on(client, page)
    assert add_question(client, "true_false", text="Someone else's", true_false="true").status_code == 302
    before = the_draft(app)
    response = post(client, page, revision=old, text="My careful question", true_false="false")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "since you opened the page" in text
    assert "My careful question" in text
    after = the_draft(app)
    assert (after.revision, after.files) == (before.revision, before.files)
    assert "My careful question" not in [q["text"] for q in bank_file(app)["questions"]]


def test_editing_a_question_shows_its_rows_and_saves_in_place(app, client, bank):
    """Does the edit form show the existing choices plus blank rows, and saving change the question in place?"""
    page = f"{bank}/questions/who-lodges-a-goods-declaration"
    html = client.get(page).get_data(as_text=True)
    assert 'value="The declarant"' in html and 'value="The carrier"' in html
    assert 'name="choices-4-text"' in html and 'name="choices-5-text"' not in html  # 2 rows + 3 blank
    data = {**QUESTIONS["single_choice"], "id": "who-lodges-a-goods-declaration", "text": "Who lodges it?"}
    data["choices-2-text"] = "The broker"
    assert post(client, page, **data).status_code == 302
    questions = bank_file(app)["questions"]
    assert len(questions) == len(QUESTIONS)
    assert questions[0]["text"] == "Who lodges it?"
    assert [c["text"] for c in questions[0]["choices"]] == ["The declarant", "The carrier", "The broker"]


def test_questions_move_and_go_and_so_does_the_assessment(app, client, bank):
    """Can questions be moved and removed, and the whole assessment removed with its file?"""
    change = f"{bank}/questions/put-the-steps-in-order/change"
    assert post(client, bank, change, action="up").status_code == 302
    ids = [q["id"] for q in bank_file(app)["questions"]]
    assert ids.index("put-the-steps-in-order") == 4
    assert post(client, bank, change, action="remove").status_code == 302
    assert "put-the-steps-in-order" not in [q["id"] for q in bank_file(app)["questions"]]
    assert post(client, bank, f"{bank}/remove").status_code == 302
    files = the_draft(app).files
    assert "courses/risk-basics/assessments/final-check.yml" not in files
    assert draft_yaml(app, "courses/risk-basics/course.yml")["assessments"] == []


def test_the_preview_shows_an_attempt_without_its_answers_unless_asked(client, bank):
    """Does the preview show the questions as learners see them, disabled, with answers only on request?"""
    response = client.get(f"{bank}/preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview — answers are not saved" in page
    for data in QUESTIONS.values():
        assert data["text"] in page
    assert page.count('<fieldset class="question"') == len(QUESTIONS)
    assert page.count("disabled>") == len(QUESTIONS)
    assert "Correct answer" not in page
    assert "Right." not in page and "The <strong>declarant</strong> does." not in page
    assert "<form" not in page.split('id="preview-note"')[1]  # nothing to submit
    # The attempt's own code shows it: options under tokens, nothing of the bank's ids (c0, i1, p2).
    assert 'type="radio"' in page and not re.search(r'(?:value|name|id|for)="(?:[^"]*-)?[cip]\d+"', page)
    shown = client.get(f"{bank}/preview?answers=1").get_data(as_text=True)
    assert shown.count("Correct answer:") == len(QUESTIONS)
    assert "Lodgement → Risk assessment → Release" in shown
    assert "The <strong>declarant</strong> does." in shown
    drawn = client.get(f"{bank}/preview?seed=7").get_data(as_text=True)
    assert drawn.count('<fieldset class="question"') == 3


def test_a_trainer_who_is_not_an_author_is_refused(app, client, bank, make_user):
    """May a trainer who is not one of the course's authors read or change its question bank?"""
    token = csrf_token(client, bank)
    AuthActions(client).logout()
    other = make_user(Role.TRAINER)
    AuthActions(client).login(other.email)
    token = csrf_token(client, "/account")
    for page in (
        f"{COURSE}/new-assessment",
        bank,
        f"{bank}/new-question?type=numeric",
        f"{bank}/questions/hs-name",
        f"{bank}/preview",
    ):
        assert client.get(page).status_code == 403, page
    before = the_draft(app)
    posts = {
        f"{COURSE}/new-assessment": {"title": "Mine", "pass_mark": "50", "draw": "1"},
        bank: {"title": "Mine", "pass_mark": "50", "draw": "1"},
        f"{bank}/new-question?type=true_false": {"text": "Mine?", "true_false": "true"},
        f"{bank}/questions/who-lodges-a-goods-declaration/change": {"action": "remove"},
        f"{bank}/remove": {},
    }
    for action, data in posts.items():
        response = client.post(action, data={**data, "csrf_token": token, "revision": str(before.revision)})
        assert response.status_code == 403, action
    after = the_draft(app)
    assert (after.revision, after.files) == (before.revision, before.files)


def test_a_published_bank_is_in_the_database_and_gradeable(app, client, bank, make_user):
    """Once published, does the assessment exist with its 7 questions, and can a learner pass it?"""
    response = post(client, bank, f"{COURSE}/publish", note="First version with its assessment")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == "risk-basics")) is None
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final-check"))
        assert (assessment.title, assessment.draw, assessment.pass_mark) == ("Final check", 3, 70)
        stored = db.session.scalars(
            sa.select(Question).where(Question.assessment_id == assessment.id).order_by(Question.position)
        ).all()
        assert [q.type for q in stored] == list(QUESTIONS)
        assert stored[0].points == 2 and "<strong>declarant</strong>" in stored[0].explanation_html
        assert stored[3].spec == {"answer": 1234.5, "tolerance": 0.5, "unit": "USD"}

    AuthActions(client).logout()
    learner = make_user()
    AuthActions(client).login(learner.email)
    course_page = "/courses/risk-basics"
    token = csrf_token(client, course_page)
    assert client.post(f"{course_page}/enrol", data={"csrf_token": token}).status_code == 302
    overview = f"{course_page}/assessments/final-check"
    response = client.post(f"{overview}/start", data={"csrf_token": csrf_token(client, overview)})
    attempt_id = int(re.search(r"/attempts/(\d+)$", response.location).group(1))
    answers = {**answer_form(app, attempt_id), "action": "submit", "csrf_token": csrf_token(client, overview)}
    assert client.post(f"/attempts/{attempt_id}", data=answers).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert len(attempt.question_ids) == 3
        assert (attempt.status, attempt.percent, attempt.passed) == ("submitted", 100, True)
