"""Every page a learner sees, reached by clicking from `/` on the shipped curriculum.

The accessibility and page-weight tests walk the same pages: `learner_pages(page)` yields each
page's name once the page has loaded, and the caller checks it (and may prepare the browser
before the next click: the walk resumes only when the caller asks for the next page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tests.browser.conftest import log_in

SHIPPED_CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSE = "Customs data foundations"
NOTEBOOK_LESSON = "Exploring the declarations dataset"


def import_shipped_curriculum(app) -> None:
    """The curriculum in content/ (its notebooks, wide tables and plots), as `make run` loads it."""
    from app.content.sync import sync
    from app.extensions import db

    with app.app_context():
        sync(SHIPPED_CONTENT)
        db.session.commit()


def graduate(app, user_id: int) -> None:
    """Take the learner through another course, as the demo does, so a certificate shows."""
    from app.auth.models import User
    from app.demo import _graduate
    from app.extensions import db

    with app.app_context():
        _graduate(db.session.get(User, user_id))
        db.session.commit()


def _open_assessment(page) -> None:
    link = page.get_by_role("link", name=re.compile("final assessment"))
    if link.count():
        link.first.click()
    else:  # the course page does not list its assessments yet (issue 15): open it by its address
        page.goto(page.url.split("#")[0].rstrip("/") + "/assessments/final-assessment")


def learner_pages(page, email: str, on_the_way=None) -> Iterator[str]:
    """Walk the learner's pages from `/` by clicking, yielding each page's name once it is shown.

    `on_the_way(name)` runs just before the click that opens page `name`."""
    before = on_the_way or (lambda _name: None)

    def open_by(name: str, click) -> str:
        before(name)
        click()
        page.wait_for_load_state("load")
        return name

    page.goto("/")
    log_in(page, email)
    nav = page.get_by_role("navigation", name="Main")
    yield open_by("catalogue", lambda: nav.get_by_role("link", name="Catalogue").click())
    yield open_by("course page", lambda: page.get_by_role("link", name=COURSE).first.click())
    yield open_by("Markdown lesson", lambda: page.get_by_role("button", name="Enrol").click())
    yield open_by("notebook lesson", lambda: page.get_by_role("link", name=NOTEBOOK_LESSON).first.click())
    yield open_by("glossary", lambda: nav.get_by_role("link", name="Glossary").click())
    yield open_by("bibliography", lambda: page.get_by_role("link", name="Bibliography of reference documents").click())
    yield open_by("My learning", lambda: nav.get_by_role("link", name="My learning").click())
    nav.get_by_role("link", name="Catalogue").click()
    page.get_by_role("link", name=COURSE).first.click()
    yield open_by("assessment overview", lambda: _open_assessment(page))
    yield open_by("attempt page", lambda: page.get_by_role("button", name=re.compile("Start an attempt")).click())

    def submit() -> None:
        page.get_by_role("button", name="Submit for grading").click()
        # Questions left blank: the page asks first (in place, with JavaScript). Wait for the question or the
        # result itself: "load" is already true of the attempt page, which the walk would otherwise measure.
        anyway = page.get_by_role("button", name="Submit anyway")
        anyway.or_(page.get_by_role("heading", name=re.compile("^Result|Score"))).first.wait_for()
        if anyway.count():
            anyway.click()
        page.wait_for_url(re.compile(r"/attempts/\d+/result$"))

    yield open_by("result page", submit)
    yield open_by("My certificates", lambda: nav.get_by_role("link", name="My certificates").click())
    yield open_by("verify page", lambda: page.get_by_role("link", name="Public verification page").first.click())
