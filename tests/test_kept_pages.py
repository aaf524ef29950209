"""A kept page holds nothing of its visitor: every page the shell stores declare, rendered for two people.

The pages to render are read from the registry (app/common/kept.py), so a new kept page fails
`test_every_kept_page_holds_nothing_of_its_visitor` until the walk below renders it.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.common import kept
from app.extensions import db
from tests.helpers import CSRF_RE, AuthActions

#: Two directorate officers who are also learners, so that each sees every kept page.
VISITORS = {
    "amina": {"full_name": "Amina Odhiambo", "email": "amina.odhiambo@kra.example"},
    "bruno": {"full_name": "Bruno Keller", "email": "bruno.keller@bazg.example"},
}
PROGRESS = re.compile(r"\d+ of \d+ lessons done")


@pytest.fixture
def visitors(app, make_user, project, monkeypatch):
    """Amina: both courses' lessons done and an attempt at the required assessment under way; Bruno: the first
    course done, nothing of the second."""
    from app.assessments import services as assessments
    from app.courses import services as courses
    from app.courses.models import Course, Lesson

    monkeypatch.setitem(app.config, "DIRECTORATE_FIGURES_SECONDS", 60)  # so the directorate's pages are kept
    people = {name: make_user(Role.DIRECTORATE, **person) for name, person in VISITORS.items()}
    with app.app_context():
        intro, practice = (
            db.session.scalar(sa.select(Course).where(Course.slug == slug))
            for slug in ("intro-to-data", "data-in-practice")
        )
        for name, person in people.items():
            user = db.session.get(User, person.id)
            for course in (intro, practice) if name == "amina" else (intro,):
                enrolment = courses.enrol(user, course)
                for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id)):
                    courses.complete_lesson(user, enrolment, lesson)
            if name == "amina":
                assessments.start_attempt(user, assessments.assessments_of(practice)[0])
            else:
                courses.enrol(user, practice)
        db.session.commit()
    return people


def _walk(app, client, project_code: str) -> list[str]:
    """Every kept page, as the visitor opens it: each course and its lessons, My learning, the directorate's
    pages, then, logged out, the catalogue and the courses. Returns the pages as the visitor got them."""
    from app.courses import structure

    with app.test_request_context():
        courses = structure.current().live
        paths = [
            path
            for course in courses
            for path in (
                f"/courses/{course.slug}",
                *(f"/courses/{course.slug}/lessons/{x.slug}" for x in course.lessons),
            )
        ]
    pages = []
    for path in [*paths, "/my-learning", "/directorate", f"/projects/{project_code}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.get_data(as_text=True))
    AuthActions(client).logout()
    for path in ["/catalogue", *(f"/courses/{course.slug}" for course in courses)]:
        pages.append(client.get(path).get_data(as_text=True))
    return pages


def _shells() -> dict[tuple, str]:
    """Every kept shell, by store and key, as the text it holds (holes left out)."""
    return {(store.name, key): "".join(shell.texts) for store in kept.shell_stores() for key, shell in store.items()}


def test_every_kept_page_holds_nothing_of_its_visitor(app, visitors, project):
    """Are the kept shells of every kept page the same for two people, and free of their names, emails, tokens,
    session and progress, while each gets their own page?"""
    shells, pages, secrets = {}, {}, {}
    for name, person in visitors.items():
        for store in kept.shell_stores():
            store.clear()
        client = app.test_client()
        AuthActions(client).login(person.email)
        cookies = [cookie.value for cookie in client._cookies.values()]
        pages[name] = _walk(app, client, project["code"])
        shells[name] = _shells()
        tokens = {match for page in pages[name] for match in CSRF_RE.findall(page)}
        secrets[name] = {person.full_name, person.email, *tokens, *cookies}
        assert tokens and cookies and all(len(secret) > 8 for secret in secrets[name])

    # Every page and part the registry declares was rendered: a new kept page must join the walk.
    declared = {(store.name, kind) for store in kept.shell_stores() for kind in store.kinds}
    rendered = {(store, key[0]) for visitor in shells.values() for store, key in visitor}
    assert rendered == declared, f"declared but not rendered: {declared - rendered}"

    amina, bruno = shells["amina"], shells["bruno"]
    page_keys = {
        (store.name, key)
        for store in kept.shell_stores()
        for visitor in shells.values()
        for s, key in visitor
        if s == store.name and key[0] in store.pages
    }
    assert page_keys and all(key in amina and key in bruno for key in page_keys), "a page was kept for one only"
    for key in amina.keys() & bruno.keys():
        assert amina[key] == bruno[key], f"{key} differs between two visitors"
    for key, text in {**amina, **bruno}.items():
        for secret in secrets["amina"] | secrets["bruno"]:
            assert secret not in text, f"{key} holds {secret!r}"
        if key in page_keys:
            assert not PROGRESS.search(text), f"{key} holds progress figures"

    # Yet each visitor was given their own: their tokens, their progress.
    assert not secrets["amina"] & secrets["bruno"]
    assert any(PROGRESS.search(page) for page in pages["amina"])
    assert {match for page in pages["amina"] for match in PROGRESS.findall(page)} != {
        match for page in pages["bruno"] for match in PROGRESS.findall(page)
    }
