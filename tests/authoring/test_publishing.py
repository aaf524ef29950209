"""Publishing and discarding in the course editor, as a trainer reads them: labels, revisions, confirmation."""

import re

import pytest
import sqlalchemy as sa

from app.auth.models import Role
from app.authoring import drafts
from app.authoring.models import CourseDraft
from app.content.sync import stored_bytes
from app.courses.models import Course, CourseVersion
from app.extensions import db
from tests.helpers import AuthActions, csrf_token

COURSE = "/author/data-in-practice"


@pytest.fixture
def editor(client, make_user, synced):
    """A directorate member (who edits every course) logged in, with a draft of data-in-practice started."""
    user = make_user(Role.DIRECTORATE)
    AuthActions(client).login(user.email)
    response = client.post(f"{COURSE}/draft", data={"csrf_token": csrf_token(client, COURSE)})
    assert response.status_code == 302
    return user


def revision_on(client, page: str) -> str:
    match = re.search(r'name="revision"[^>]*value="(\d+)"', client.get(page).get_data(as_text=True))
    assert match, f"no revision on {page}"
    return match.group(1)


def publish(client, **data):
    """Press Publish on the course page, with the form's own token and revision, and follow to the page shown."""
    data = {"csrf_token": csrf_token(client, COURSE), "revision": revision_on(client, COURSE), **data}
    return client.post(f"{COURSE}/publish", data=data, follow_redirects=True)


def published(app) -> tuple[str, list[tuple[int, str | None]]]:
    """The course's label and its versions as (revision number, label)."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        versions = db.session.execute(
            sa.select(CourseVersion.number, CourseVersion.label)
            .where(CourseVersion.course_id == course.id)
            .order_by(CourseVersion.number)
        ).all()
        return course.version, [tuple(v) for v in versions]


def test_the_publish_form_asks_whether_the_label_changes_and_suggests_the_next_one(client, editor):
    """Does the publish form show the current label, offer to keep it, and suggest the next minor version?"""
    html = client.get(COURSE).get_data(as_text=True)
    assert "Should the version label change?" in html
    assert "Keep 1.0" in html
    assert re.search(r'<input[^>]*name="label"[^>]*value="1.1"', html)
    assert "Learners see version 1.0 (revision 1) until you publish." in html


def test_publishing_with_a_new_label_saves_it_into_the_published_course(app, client, editor):
    """Does a label changed when publishing reach the course, its version history and its published course.yml?"""
    page = publish(client, note="New indicators", relabel="change", label="1.1").get_data(as_text=True)

    assert "Published as version 1.1 (revision 2)." in page
    assert published(app) == ("1.1", [(1, "1.0"), (2, "1.1")])
    assert re.search(r"<td>2</td>\s*<td>1.1</td>", page)  # the history: revision beside its label
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        files = drafts.latest_version(course).files
        manifest = stored_bytes(files["courses/data-in-practice/course.yml"]).decode()
    assert re.search(r"^version: ['\"]?1\.1['\"]?$", manifest, re.MULTILINE)
    assert "title: Customs data in practice" in manifest  # the rest of the file as it was


def test_keeping_the_label_publishes_a_new_revision_under_the_same_label(app, client, editor):
    """Does "keep" leave the label as it was, while the revision number still counts the publish?"""
    lesson = f"{COURSE}/lessons/indicators"
    client.post(
        lesson,
        data={
            "csrf_token": csrf_token(client, lesson),
            "revision": revision_on(client, lesson),
            "title": "Risk indicators",
            "minutes": "30",
            "body": "# Risk indicators\n\nRevised.\n",
            "submit": "Save",
        },
    )
    page = publish(client, note="Typo", relabel="keep", label="9.9").get_data(as_text=True)
    assert "Published as version 1.0 (revision 2)." in page
    assert published(app) == ("1.0", [(1, "1.0"), (2, "1.0")])


@pytest.mark.parametrize(
    ("label", "message"),
    [("  ", "Type the new version label"), ("1." * 11, "at most 20 characters")],
)
def test_a_bad_new_label_is_refused_and_nothing_is_published(app, client, editor, label, message):
    """Is an empty or too long new label refused with a message naming it, the draft and course untouched?"""
    before = revision_on(client, COURSE)
    page = publish(client, note="x", relabel="change", label=label).get_data(as_text=True)
    assert message in page
    assert published(app) == ("1.0", [(1, "1.0")])
    assert revision_on(client, COURSE) == before
    assert "Should the version label change?" in page  # still a draft, still publishable


def test_a_refused_publish_keeps_the_old_label_in_the_draft(app, client, editor):
    """When publishing is refused for a problem, is the label change undone with it (one transaction)?"""
    with app.app_context():
        draft = db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == "data-in-practice"))
        document = drafts.manifest(draft)
        document["modules"][0]["lessons"][0]["file"] = "lessons/missing.md"  # publishing refuses this
        drafts.save(draft, draft.revision, draft.created_by, {drafts.manifest_path(draft): drafts.dump_yaml(document)})
        db.session.commit()
    before = revision_on(client, COURSE)
    page = publish(client, note="x", relabel="change", label="2.0").get_data(as_text=True)
    assert "Nothing was published" in page
    assert published(app) == ("1.0", [(1, "1.0")])
    assert revision_on(client, COURSE) == before
    with app.app_context():
        draft = db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == "data-in-practice"))
        assert drafts.manifest(draft)["version"] == "1.0"


def test_discarding_asks_first_on_a_page_of_its_own(app, client, editor):
    """Does "Discard the draft" lead to a page that asks, leaves the draft alone, and discards only when confirmed?"""
    course_page = client.get(COURSE).get_data(as_text=True)
    assert f'href="{COURSE}/discard"' in course_page
    assert f'action="{COURSE}/discard"' not in course_page  # no one-click discard beside Publish

    confirm = client.get(f"{COURSE}/discard").get_data(as_text=True)
    assert "Discard the draft of Customs data in practice?" in confirm
    assert "This cannot be undone." in confirm
    assert re.search(r'<form method="post" action="/author/data-in-practice/discard"', confirm)
    assert 'name="csrf_token"' in confirm and "Keep the draft" in confirm
    with app.app_context():
        assert drafts.draft_of("data-in-practice") is not None

    response = client.post(
        f"{COURSE}/discard",
        data={
            "csrf_token": csrf_token(client, f"{COURSE}/discard"),
            "revision": revision_on(client, f"{COURSE}/discard"),
        },
        follow_redirects=True,
    )
    assert "Draft discarded." in response.get_data(as_text=True)
    with app.app_context():
        assert drafts.draft_of("data-in-practice") is None


def test_a_discard_without_its_token_changes_nothing(app, client, editor):
    """Is a discard posted without the CSRF token refused, the draft kept?"""
    response = client.post(f"{COURSE}/discard", data={"revision": revision_on(client, COURSE)})
    assert response.status_code == 400
    with app.app_context():
        assert drafts.draft_of("data-in-practice") is not None


def visible_text(html: str) -> str:
    """What a person reads on a page: the text between tags, not attributes, scripts or styles."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL))


def test_editor_pages_name_things_by_title_and_speak_no_command_line(client, editor):
    """Do the editor's pages show titles (track, tier, prerequisites, breadcrumbs) and no command-line words?"""
    pages = [
        "/author",
        COURSE,
        f"{COURSE}/details",
        f"{COURSE}/lessons/indicators",
        f"{COURSE}/lessons/new",
        f"{COURSE}/discard",
    ]
    for path in pages:
        text = visible_text(client.get(path).get_data(as_text=True))
        for jargon in ("flask", "content sync", "--take-back", "content/", "slug", "YAML", "command line"):
            assert jargon not in text, (path, jargon)
    course = client.get(COURSE).get_data(as_text=True)
    assert "Data specialists · Practitioner" in course
    assert "Introduction to Customs data" in course  # the course to complete first, by its title
    lesson = client.get(f"{COURSE}/lessons/indicators").get_data(as_text=True)
    assert re.search(r'class="breadcrumb">.*>Customs data in practice</a>', lesson)
    assert ">data-in-practice</a>" not in lesson


def test_the_editor_leads_a_trainer_to_each_assessments_item_analysis(client, make_user, synced):
    """Does the course's editor page link to the results and item analysis of its published assessment?"""
    trainer = make_user(Role.TRAINER)
    with client.application.app_context():
        drafts.add_author("data-in-practice", trainer, assigned_by=None)
        db.session.commit()
    AuthActions(client).login(trainer.email)
    html = client.get(COURSE).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+/report)">Results and item analysis: ([^<]+)</a>', html)
    assert link, "no link to the item analysis"
    assert client.get(link.group(1)).status_code == 200


@pytest.mark.parametrize(
    ("label", "suggested"),
    [
        ("1.0", "1.1"),
        ("2", "2.1"),
        ("v1.9", "v1.10"),
        ("1.2.3", "1.3"),
        ("draft", "draft"),
        ("1" * 19 + ".9", "1" * 19 + ".9"),
    ],
)
def test_the_suggested_label_is_the_next_minor_version(label, suggested):
    """Is the label suggested on publishing the next minor version, and never longer than a label may be?"""
    assert drafts.next_label(label) == suggested


def test_what_publishing_would_refuse_is_said_in_the_editors_words(client, editor):
    """Is a module without lessons named by its title, in plain words, with the file and line beside it?"""
    response = client.post(
        "/author/new",
        data={
            "csrf_token": csrf_token(client, "/author/new"),
            "title": "Post-clearance audit",
            "track": "data-specialists",
            "tier": "foundation",
            "summary": "Selecting audits from declarations.",
        },
    )
    page = response.headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "The module “Module 1” has no lesson yet: add a lesson to it, or remove the module." in html
    assert "(course.yml, line " in html
    assert "List should have at least 1 item" not in html

    refused = client.post(
        f"{page}/publish",
        data={"csrf_token": csrf_token(client, page), "revision": revision_on(client, page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nothing was published: 1 problem." in refused
    assert refused.count("has no lesson yet") == 2  # in the message and in the list


def test_a_lesson_added_to_a_translated_course_publishes_with_a_warning(app, client, editor):
    """Can a lesson added in the browser to a course that has a French version be published at once, the editor
    warning (at course.fr.yml's line) that it is not translated yet, and the French course showing it in English?"""
    page = f"{COURSE}/lessons/new"
    response = client.post(
        page,
        data={"csrf_token": csrf_token(client, page), "revision": revision_on(client, page), "module": "risk",
              "title": "Setting thresholds", "slug": "thresholds", "kind": "markdown", "minutes": "10"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    lesson = f"{COURSE}/lessons/thresholds"
    body = "## Thresholds\n\nA threshold decides what is flagged.\n"
    data = {"csrf_token": csrf_token(client, lesson), "revision": revision_on(client, lesson), "title": "Setting "
            "thresholds", "minutes": "10", "body": body, "submit": "Save"}  # fmt: skip
    assert client.post(lesson, data=data).status_code == 302

    html = client.get(COURSE).get_data(as_text=True)
    assert "The draft passes every check: it can be published." in html
    assert "Not translated yet (publishing is not held up)" in html
    assert re.search(r"The lesson “Setting thresholds” is not translated yet: .*\(course\.fr\.yml, line \d+\)", html)
    assert "Published as version 1.1" in publish(client, note="Thresholds", relabel="change", label="1.1").get_data(
        as_text=True
    )
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        assert course.version == "1.1"
    french = client.get("/courses/data-in-practice/lessons/thresholds", headers={"Accept-Language": "fr"})
    text = french.get_data(as_text=True)
    assert "A threshold decides what is flagged." in text and "Cette leçon n’est pas encore traduite" in text
