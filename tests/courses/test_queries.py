"""Pages run a fixed number of SQL statements whatever the size of the catalogue or the history."""

import sqlalchemy as sa

from app.courses.models import Course, Enrolment, Lesson, LessonProgress, Module, Tier, Track
from app.extensions import db
from tests.helpers import StatementCounter, post_form


def _grow(app, learner_id: int, courses: int, start: int = 0) -> None:
    """Add `courses` courses of 6 lessons each, with the learner enrolled in all and halfway through."""
    with app.app_context():
        track = db.session.scalar(sa.select(Track).where(Track.slug == "leaders"))
        tier = db.session.scalar(sa.select(Tier).where(Tier.slug == "foundation"))
        for n in range(start, start + courses):
            course = Course(
                slug=f"extra-{n}",
                title=f"Extra course {n}",
                summary="More.",
                track=track,
                tier=tier,
                required_lessons=6,
            )
            db.session.add(course)
            db.session.flush()
            module = Module(course_id=course.id, slug="m", title="Module")
            db.session.add(module)
            db.session.flush()
            lessons = [
                Lesson(
                    course_id=course.id,
                    module_id=module.id,
                    slug=f"l{i}",
                    title=f"Lesson {i}",
                    kind="markdown",
                    position=i,
                    html="<p>text</p>",
                )
                for i in range(6)
            ]
            db.session.add_all(lessons)
            db.session.flush()
            db.session.add(Enrolment(user_id=learner_id, course_id=course.id, lessons_completed=3))
            db.session.add_all(
                LessonProgress(user_id=learner_id, lesson_id=lesson.id, completed_at=sa.func.now())
                for lesson in lessons[:3]
            )
        db.session.commit()


def _statements(app, client, path: str) -> int:
    client.get(path)  # first view may write (lesson opened); count a repeat view
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(path).status_code == 200
    return counter.count


PAGES = [
    "/catalogue",
    "/catalogue?q=data",
    "/courses/intro-to-data",
    "/courses/intro-to-data/lessons/exploring",
    "/my-learning",
    "/glossary",
    "/bibliography",
]


def test_statement_counts_do_not_grow_with_the_data(app, client, auth, make_user, synced):
    """Do the catalogue, a lesson page and My learning run the same number of statements at two sizes?"""
    learner = make_user()
    auth.login(learner.email)
    post_form(client, "/courses/intro-to-data", "/courses/intro-to-data/enrol")
    _grow(app, learner.id, 2)
    small = {path: _statements(app, client, path) for path in PAGES}
    _grow(app, learner.id, 40, start=2)
    large = {path: _statements(app, client, path) for path in PAGES}
    assert small == large
    assert max(large.values()) <= 12, large


def test_anonymous_catalogue_statement_count(app, client, synced):
    """Does the anonymous catalogue page run a small fixed number of statements?"""
    assert _statements(app, client, "/catalogue") <= 6


def test_a_learners_standing_is_found_through_indexes_on_sqlite():
    """Does the lesson page's one statement for the learner's rows (their enrolments, with the course's progress)
    search indexes, rather than building every learner's progress in the course first (a nested join did
    that: 8 ms a page at 6,000 enrolments)?

    Checked on a SQLite schema of its own, as SQLite is the database whose planner made that mistake."""
    from app.courses.services import _record_statement

    engine = sa.create_engine("sqlite://")
    db.metadata.create_all(engine)
    with engine.connect() as connection:
        compiled = _record_statement().compile(engine)
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", (1, 1, 1)).all()
    steps = [row[-1] for row in plan]
    assert not [step for step in steps if step.startswith(("SCAN", "MATERIALIZE"))], steps
    assert any("lesson_progress" in step and "INDEX" in step for step in steps), steps


def _reading_assessments(app, client, path: str) -> tuple[int, int]:
    """How many statements a repeat view of `path` runs, and how many of them read assessments or attempts."""
    client.get(path)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(path).status_code == 200
    return counter.count, sum(" assessments" in s or " attempts" in s for s in counter.statements)


def test_the_assessments_shown_with_a_course_cost_one_statement(app, client, auth, ready_learner):
    """Do the course page and My learning show each assessment's state, and "Continue" find the assessment due,
    in one statement whatever the learner's attempts?"""
    from app.assessments import services as assessments
    from app.assessments.models import Assessment
    from app.auth.models import User

    practice = "/courses/data-in-practice"
    auth.login(ready_learner.email)
    post_form(client, f"{practice}/lessons/indicators", f"{practice}/lessons/indicators/complete")
    pages = [practice, "/my-learning"]
    before = {path: _reading_assessments(app, client, path) for path in pages}
    with app.app_context():
        learner, assessment = db.session.get(User, ready_learner.id), db.session.scalar(sa.select(Assessment))
        for _ in range(2):  # two failed attempts (nothing answered), then one running
            assessments.submit(assessments.start_attempt(learner, assessment))
        assessments.start_attempt(learner, assessment)
        db.session.commit()
    after = {path: _reading_assessments(app, client, path) for path in pages}
    assert before == after
    assert after[practice][1] == 1 and after["/my-learning"][1] == 1, after
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(f"{practice}/resume").status_code == 302
    assert sum(" assessments" in s for s in counter.statements) == 1


def test_a_logged_in_page_reads_the_curriculum_fingerprint_with_its_user(app, client, auth, make_user, synced):
    """Does a logged-in page read the published curriculum's fingerprint in the statement that loads its user
    (one round trip, not two), and still show a change to the curriculum at its next request?"""
    learner = make_user()
    auth.login(learner.email)
    path = "/courses/intro-to-data"
    client.get(path)
    with app.app_context():
        engine = db.engine
    with StatementCounter(engine) as counter:
        assert client.get(path).status_code == 200
    fingerprint = [statement for statement in counter.statements if "content_sources" in statement]
    assert len(fingerprint) == 1 and "user_sessions" in fingerprint[0], counter.statements
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        course.title, course.content_hash = "Data, introduced", "a publish changed it"
        db.session.commit()
    assert "Data, introduced" in client.get(path).text
