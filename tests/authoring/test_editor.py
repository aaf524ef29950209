"""The course editor: drafts, lessons, uploads, publishing and what learners keep across versions."""

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.authoring.models import CourseDraft
from app.courses import services as courses
from app.courses.models import Course, CourseVersion, Enrolment, Lesson, LessonProgress
from app.extensions import db
from tests.helpers import AuthActions, csrf_token

NOTEBOOK = Path(__file__).parent.parent / "fixtures" / "content" / "courses" / "intro-to-data" / "notebooks"


def revision_on(client, page: str) -> str:
    match = re.search(r'name="revision"[^>]*value="(\d+)"', client.get(page).get_data(as_text=True))
    assert match, f"no revision on {page}"
    return match.group(1)


def post(client, page: str, action: str, **data):
    """Post a form of `page` to `action`, with its CSRF token and the revision it shows."""
    data.setdefault("csrf_token", csrf_token(client, page))
    if "revision" not in data:
        data["revision"] = revision_on(client, page)
    return client.post(action, data=data, content_type="multipart/form-data")


def draft(app, slug: str) -> CourseDraft | None:
    with app.app_context():
        found = db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))
        if found is not None:
            db.session.expunge(found)
        return found


@pytest.fixture
def trainer(client, make_user, synced):
    user = make_user(Role.TRAINER)
    AuthActions(client).login(user.email)
    return user


def create_course(client, slug="risk-basics", title="Risk basics"):
    response = post(
        client,
        "/author/new",
        "/author/new",
        title=title,
        slug=slug,
        track="data-specialists",
        tier="foundation",
        summary="What risk management does with declarations.",
        revision="0",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return f"/author/{slug}"


def add_markdown_lesson(client, page, slug="first-look", text="# First look\n\nDeclarations hold **data**.\n"):
    response = post(
        client,
        f"{page}/lessons/new",
        f"{page}/lessons/new",
        module="module-1",
        title="A first look",
        slug=slug,
        kind="markdown",
        minutes="15",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    lesson_page = f"{page}/lessons/{slug}"
    response = post(client, lesson_page, lesson_page, title="A first look", minutes="15", body=text, submit="Save")
    assert response.status_code == 302
    return lesson_page


def test_a_trainer_creates_a_course_and_learners_see_it_only_once_published(app, client, trainer, make_user):
    """Is a new course a draft nobody else sees, published whole with a first version?"""
    page = create_course(client)
    add_markdown_lesson(client, page)
    assert client.get("/courses/risk-basics").status_code == 404

    response = post(client, page, f"{page}/publish", note="First version")
    assert response.status_code == 302
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "risk-basics"))
        assert course.origin == "browser"
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id))
        assert "<strong>data</strong>" in lesson.html
        version = db.session.scalar(sa.select(CourseVersion).where(CourseVersion.course_id == course.id))
        assert (version.number, version.source, version.note, version.published_by_id) == (
            1,
            "editor",
            "First version",
            trainer.id,
        )
    assert draft(app, "risk-basics") is None
    assert "A first look" in client.get("/courses/risk-basics").get_data(as_text=True)


def test_republishing_a_lesson_keeps_learners_progress(app, client, trainer, make_user):
    """Does a learner halfway through keep their completed lesson when the trainer rewrites it?"""
    page = create_course(client)
    add_markdown_lesson(client, page)
    post(client, page, f"{page}/publish", note="v1")
    learner = make_user()
    with app.app_context():
        user = db.session.get(User, learner.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "risk-basics"))
        enrolment = courses.enrol(user, course)
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id))
        courses.complete_lesson(user, enrolment, lesson)
        db.session.commit()
        lesson_id = lesson.id

    assert post(client, page, f"{page}/draft", revision="0").status_code == 302
    lesson_page = f"{page}/lessons/first-look"
    post(client, lesson_page, lesson_page, title="A first look", minutes="20", body="# Rewritten\n\nNew words.\n")
    post(client, page, f"{page}/publish", note="Rewrote the first lesson")

    with app.app_context():
        lesson = db.session.get(Lesson, lesson_id)
        assert "New words." in lesson.html and lesson.minutes == 20
        assert db.session.scalar(
            sa.select(LessonProgress.completed_at).where(
                LessonProgress.user_id == learner.id, LessonProgress.lesson_id == lesson_id
            )
        )
        assert db.session.scalar(sa.select(Enrolment.lessons_completed).where(Enrolment.user_id == learner.id)) == 1
        numbers = db.session.scalars(sa.select(CourseVersion.number).order_by(CourseVersion.number)).all()
        assert numbers[-2:] == [1, 2]


def test_markdown_with_a_script_is_refused_and_nothing_is_saved(app, client, trainer):
    """Is a lesson carrying a script refused with a message naming the line, the draft unchanged?"""
    page = create_course(client)
    lesson_page = add_markdown_lesson(client, page)
    before = draft(app, "risk-basics")
    response = post(
        client,
        lesson_page,
        lesson_page,
        title="A first look",
        minutes="15",
        body="Fine line\n<script>alert(1)</script>\n",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "line 2" in text and "executable markup" in text
    after = draft(app, "risk-basics")
    assert (after.revision, after.files) == (before.revision, before.files)


def test_preview_is_sanitised_like_the_import(client, trainer):
    """Does the preview show formatting but never active markup, with and without JavaScript?"""
    page = create_course(client)
    lesson_page = add_markdown_lesson(client, page)
    response = post(
        client,
        lesson_page,
        lesson_page,
        title="A first look",
        minutes="15",
        body="**bold** <img src=x onerror=alert(1)>",
        preview="Preview",
    )
    html = response.get_data(as_text=True)
    shown = html[html.index('id="lesson-preview"') :]
    assert "<strong>bold</strong>" in shown and "<img" not in shown  # the tag is shown as text, never run
    token = csrf_token(client, lesson_page)
    live = client.post(f"{page}/preview", data={"body": "*hi* <script>x()</script>"}, headers={"X-CSRFToken": token})
    assert live.status_code == 200
    assert "<em>hi</em>" in live.get_data(as_text=True) and "<script" not in live.get_data(as_text=True)


def test_two_trainers_saving_the_same_revision_the_second_is_told(app, client, trainer, make_user):
    """Is the second of two saves based on the same revision refused, the first one kept?"""
    page = create_course(client)
    lesson_page = add_markdown_lesson(client, page)
    revision = revision_on(client, lesson_page)
    first = post(client, lesson_page, lesson_page, title="A", minutes="15", body="First trainer's\n", revision=revision)
    assert first.status_code == 302
    second = post(client, lesson_page, lesson_page, title="B", minutes="15", body="Second one's\n", revision=revision)
    assert second.status_code == 302
    assert "since you opened the page" in client.get(second.headers["Location"]).get_data(as_text=True)
    kept = client.get(lesson_page).get_data(as_text=True)
    assert "First trainer&#39;s" in kept and "Second one" not in kept


def test_a_file_named_ipynb_that_is_not_a_notebook_is_refused(app, client, trainer):
    page = create_course(client)
    before = draft(app, "risk-basics")
    response = client.post(
        f"{page}/lessons/new",
        data={
            "csrf_token": csrf_token(client, f"{page}/lessons/new"),
            "revision": str(before.revision),
            "module": "module-1",
            "title": "Exploring",
            "kind": "notebook",
            "minutes": "30",
            "notebook": (io.BytesIO(b"<html>not a notebook</html>"), "exploring.ipynb"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "not a notebook: invalid JSON" in response.get_data(as_text=True)
    assert draft(app, "risk-basics").revision == before.revision


def test_a_notebook_lesson_is_rendered_by_the_import_pipeline(app, client, trainer):
    page = create_course(client)
    data = (NOTEBOOK / "exploring.ipynb").read_bytes()
    response = client.post(
        f"{page}/lessons/new",
        data={
            "csrf_token": csrf_token(client, f"{page}/lessons/new"),
            "revision": revision_on(client, page),
            "module": "module-1",
            "title": "Exploring",
            "kind": "notebook",
            "minutes": "30",
            "notebook": (io.BytesIO(data), "exploring.ipynb"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    first_cell = json.loads(data)["cells"][0]["source"]
    first_words = "".join(first_cell).strip().lstrip("#").strip().split("\n")[0][:20]
    assert first_words in client.get(f"{page}/lessons/exploring").get_data(as_text=True)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("chart.png", b"<html><script>alert(1)</script></html>", "is not really a PNG image — it holds a web page"),
        ("data.csv", b"<!doctype html><p>hi", "holds a web page"),
        ("page.html", b"<p>hi</p>", "not accepted as downloads"),
        ("data.csv", b"", "is empty"),
    ],
)
def test_bad_downloads_are_refused(app, client, trainer, filename, data, message):
    """Is an image that is really HTML (and other impostors) refused, the draft unchanged?"""
    page = create_course(client)
    lesson_page = add_markdown_lesson(client, page)
    before = draft(app, "risk-basics")
    response = client.post(
        f"{lesson_page}/attachments",
        data={
            "csrf_token": csrf_token(client, lesson_page),
            "download-revision": str(before.revision),
            "download-title": "A file",
            "download-file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert draft(app, "risk-basics").files == before.files


def test_an_upload_over_the_size_limit_is_refused(app, client, trainer):
    page = create_course(client)
    lesson_page = add_markdown_lesson(client, page)
    app.config["MAX_CONTENT_LENGTH"], limit = 100 * 1024, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = client.post(
            f"{lesson_page}/attachments",
            data={
                "csrf_token": csrf_token(client, lesson_page),
                "download-revision": revision_on(client, lesson_page),
                "download-title": "Too big",
                "download-file": (io.BytesIO(b"a,b\n" * 60_000), "big.csv"),
            },
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_a_trainer_may_not_edit_another_trainers_course(app, client, trainer, make_user):
    page = create_course(client)
    AuthActions(client).logout()
    other = make_user(Role.TRAINER)
    AuthActions(client).login(other.email)
    assert client.get(page).status_code == 403
    assert client.get(f"{page}/lessons/new").status_code == 403


def test_a_published_draft_with_problems_is_refused_whole(app, client, trainer):
    """Is a draft with no lesson refused at publishing, with the problem named, and nothing created?"""
    page = create_course(client)
    response = post(client, page, f"{page}/publish", note="too early")
    assert response.status_code == 302
    text = client.get(page).get_data(as_text=True)
    assert "Nothing was published" in text and "course.yml" in text
    with app.app_context():
        assert db.session.scalar(sa.select(Course).where(Course.slug == "risk-basics")) is None


def test_a_trainer_assigned_by_the_directorate_edits_a_course_until_removed(app, client, make_user, synced):
    """Does assigning a trainer to a course from content/ let them start a draft, and removing them stop them?"""
    director = make_user(Role.DIRECTORATE)
    trainer = make_user(Role.TRAINER)
    auth = AuthActions(client)
    auth.login(trainer.email)
    assert client.get("/author/intro-to-data").status_code == 403
    auth.logout()

    auth.login(director.email)
    response = client.post(
        "/author/intro-to-data/authors",
        data={"csrf_token": csrf_token(client, "/author/intro-to-data"), "user": str(trainer.id)},
    )
    assert response.status_code == 302
    assert trainer.email in client.get("/author/intro-to-data").get_data(as_text=True)
    auth.logout()

    auth.login(trainer.email)
    assert "Introduction to Customs data" in client.get("/author").get_data(as_text=True)
    assert post(client, "/author/intro-to-data", "/author/intro-to-data/draft", revision="0").status_code == 302
    assert draft(app, "intro-to-data").created_by_id == trainer.id
    auth.logout()

    auth.login(director.email)
    from app.authoring.models import CourseAuthor

    with app.app_context():
        author_id = db.session.scalar(sa.select(CourseAuthor.id).where(CourseAuthor.user_id == trainer.id))
    token = csrf_token(client, "/author/intro-to-data")
    client.post(f"/author/intro-to-data/authors/{author_id}/remove", data={"csrf_token": token})
    auth.logout()
    auth.login(trainer.email)
    assert client.get("/author/intro-to-data").status_code == 403


@pytest.mark.parametrize("slug", ["new", "import"])
def test_a_course_cannot_take_the_name_of_an_editor_page(client, trainer, slug):
    response = post(
        client,
        "/author/new",
        "/author/new",
        title="X",
        slug=slug,
        track="data-specialists",
        tier="foundation",
        summary="S",
        revision="0",
    )
    assert response.status_code == 200 and "the name of an editor page" in response.get_data(as_text=True)


def test_a_draft_cannot_be_published_over_a_newer_version(app, client, trainer):
    """Is a draft started from version 1 refused once version 2 was published from another draft?"""
    page = create_course(client)
    add_markdown_lesson(client, page)
    post(client, page, f"{page}/publish", note="v1")
    post(client, page, f"{page}/draft", revision="0")
    with app.app_context():
        stale = db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == "risk-basics"))
        files, base = dict(stale.files), stale.base_version
    lesson_page = f"{page}/lessons/first-look"
    post(client, lesson_page, lesson_page, title="A first look", minutes="15", body="# Changed\n")
    post(client, page, f"{page}/publish", note="v2")  # version 2 exists now
    with app.app_context():
        db.session.add(
            CourseDraft(
                slug="risk-basics",
                course_id=db.session.scalar(sa.select(Course.id).where(Course.slug == "risk-basics")),
                base_version=base,
                files=files,
                created_by_id=trainer.id,
                updated_by_id=trainer.id,
            )
        )
        db.session.commit()
    response = post(client, page, f"{page}/publish", note="stale")
    assert "was published after this draft started" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_course_page_checks_a_draft_again_only_when_it_or_the_curriculum_changed(app, client, trainer, monkeypatch):
    """The course page shows what publishing would refuse. Is that check (which writes the draft out and reads
    every file) made once per draft content and published curriculum, yet made again when either changes?"""
    from app.authoring import drafts

    checks = []
    real_check = drafts.check_courses
    monkeypatch.setattr(drafts, "check_courses", lambda *args: checks.append(1) or real_check(*args))

    page = create_course(client)
    for _view in range(3):
        assert "To fix before publishing" in client.get(page).get_data(as_text=True)  # a course with no lesson
    assert len(checks) == 1

    add_markdown_lesson(client, page)  # the draft's files change: checked again, and it passes
    text = client.get(page).get_data(as_text=True)
    client.get(page)
    assert len(checks) == 2 and "The draft passes every check" in text

    other = create_course(client, slug="other-course", title="Another course")
    add_markdown_lesson(client, other)
    assert post(client, other, f"{other}/publish", note="v1").status_code == 302
    checks.clear()
    client.get(page)  # the published curriculum changed: the first draft is checked against it again
    client.get(page)
    assert len(checks) == 1


def test_an_edit_in_the_browser_keeps_the_comments_of_course_yml(app, client, make_user, content_dir):
    """A course kept as files carries its authors' comments in course.yml. Does renaming a module in the editor
    keep them (and the file's order and layout), changing only the title?"""
    from app.authoring import drafts
    from app.content.sync import sync

    manifest = content_dir / "courses" / "intro-to-data" / "course.yml"
    text = manifest.read_text()
    text = "# Reviewed by the Capacity Building Directorate, 2026.\n" + text
    text = text.replace("title: Further reading\n", "title: Further reading  # optional for leaders\n")
    manifest.write_text(text)
    with app.app_context():
        sync(content_dir)
        db.session.commit()

    AuthActions(client).login(make_user(Role.DIRECTORATE).email)
    assert post(client, "/author/intro-to-data", "/author/intro-to-data/draft", revision="0").status_code == 302
    page = "/author/intro-to-data"
    form = {"csrf_token": csrf_token(client, page), "revision": revision_on(client, page)}
    response = client.post(f"{page}/modules/basics", data={**form, "action": "rename", "title": "First steps"})
    assert response.status_code == 302
    assert "Module renamed." in client.get("/author/intro-to-data").get_data(as_text=True)

    with app.app_context():
        edited = drafts.read_bytes(draft(app, "intro-to-data"), "courses/intro-to-data/course.yml").decode()
    assert edited.startswith("# Reviewed by the Capacity Building Directorate, 2026.\n")
    assert "title: Further reading  # optional for leaders\n" in edited
    assert "title: First steps\n" in edited and "title: The basics" not in edited
    assert edited.replace("First steps", "The basics") == text  # nothing else moved
