"""The world the security suites attack: two administrations, one person of every kind, and objects that belong
to someone (an attempt, certificates, a cohort, a project with a milestone and a target, a workshop, links to set a
password).

`world` builds it through the services, as the application would; `enumerate_rules` and `url_for_rule` turn every
rule of `app.url_map` into a request on the world's objects; `login_client` logs a test client in as an actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa

from app.auth.models import Administration, Region, Role, User
from app.extensions import db
from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, live_server  # noqa: F401 (live_server: test_xss)
from tests.helpers import CSRF_RE, YEAR1, YEAR2, YEAR3, AuthActions, answer_form

#: Everyone the suites act as. "trainer" stands for the owning trainer too: courses have no owner yet.
ACTORS = ("anonymous", "learner_a", "learner_b", "trainer", "coordinator_a", "coordinator_b", "directorate", "admin")

ROLES = {
    "learner_a": (Role.LEARNER, "KE"),
    "learner_b": (Role.LEARNER, "SN"),
    "trainer": (Role.TRAINER, "WCO"),
    "coordinator_a": (Role.COORDINATOR, "KE"),
    "coordinator_b": (Role.COORDINATOR, "SN"),
    "directorate": (Role.DIRECTORATE, "WCO"),
    "admin": (Role.ADMIN, "WCO"),
}

#: A page every actor (logged in or not) may open and that carries a CSRF token in a form.
TOKEN_PAGE = "/password/forgot"


@dataclass
class World:
    """Identifiers of everything the suites point requests at (all of it belongs to learner A or administration A)."""

    people: dict[str, User] = field(default_factory=dict)
    administrations: dict[str, Administration] = field(default_factory=dict)
    attempt_id: int = 0
    certificate_code: str = ""
    cohort_id: int = 0
    project_code: str = ""
    milestone_id: int = 0
    target_id: int = 0
    result_id: int = 0
    indicator_id: int = 0
    value_id: int = 0
    risk_id: int = 0
    attachment_id: int = 0
    attachment_filename: str = ""
    lesson_image: str = ""  # the sha256 of a plot moved out of the intro-to-data notebook at import
    lesson_image_kind: str = "png"  # png or webp, whichever stored the plot's pixels smaller
    pending_id: int = 0
    invitation_token: str = ""
    reset_token: str = ""
    workshop_id: int = 0
    material_id: int = 0
    material_filename: str = ""
    output_filename: str = ""
    author_id: int = 0
    download_id: int = 0  # learner A's prepared download, ready
    key_thumbprint: str = ""  # the credential signing key's, which its kid URL names

    def email(self, actor: str) -> str:
        return self.people[actor].email

    def url_values(self, endpoint: str) -> dict[str, object]:
        """The value of each URL parameter for a rule of `endpoint`: someone else's object wherever there is one."""
        blueprint = endpoint.split(".", 1)[0]
        course = "intro-to-data" if endpoint.startswith(("courses.", "certificates.")) else "data-in-practice"
        return {
            "administration_id": self.administrations["KE"].id,
            "attachment_id": self.attachment_id,
            "filename": self.attachment_filename,
            "sha256": self.lesson_image,
            "kind": self.lesson_image_kind,
            "attempt_id": self.attempt_id,
            "cohort_id": self.cohort_id,
            "user_id": self.people["learner_a"].id,
            "slug": "data-in-practice" if endpoint == "courses.enrol" else course,
            "assessment_slug": "final",
            "lesson_slug": "declarations",
            # The course editor: data-in-practice has a draft, and its author is another trainer.
            "assessment": "final",
            "question": "channel-red",
            "lesson": "indicators",
            "module": "risk",
            "index": 0,
            "author_id": self.author_id,
            "code": self.project_code if blueprint in ("directorate", "results", "donor") else self.certificate_code,
            "key": str(date.today().year),  # a reporting period of the donor report
            "token": self.invitation_token if endpoint == "auth.accept_invitation" else self.reset_token,
            "milestone_id": self.milestone_id,
            "target_id": self.target_id,
            "result_id": self.result_id,
            "indicator_id": self.indicator_id,
            "value_id": self.value_id,
            "risk_id": self.risk_id,
            "fmt": "xlsx",
            "download_id": self.download_id,
            "thumbprint": self.key_thumbprint,
            "workshop_id": self.workshop_id,
            "material_id": self.material_id,
            **({"filename": self.material_filename} if endpoint == "workshops.material" else {}),
            **({"filename": self.output_filename} if endpoint == "workshops.output_file" else {}),
        }


_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def enumerate_rules(app) -> list:
    """Every rule of the URL map except the static files, in a stable order."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda r: (r.rule, r.endpoint)
    )


def route_key(app, rule) -> str:
    """The name of a rule in the tables: its endpoint, plus its path when the endpoint has several rules."""
    siblings = [r for r in app.url_map.iter_rules() if r.endpoint == rule.endpoint]
    return rule.endpoint if len(siblings) == 1 else f"{rule.endpoint} {rule.rule}"


def fill(rule, values: dict) -> str:
    """The rule's path with each parameter replaced by its value (quoted)."""
    return _PARAMETER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule)


def url_for_rule(rule, world: World) -> str:
    return fill(rule, world.url_values(rule.endpoint))


def parameters(rule) -> dict[str, str]:
    """The rule's URL parameters and their converters: {"attempt_id": "int", "slug": "default"}."""
    return {m.group(2): (m.group(1) or "default") for m in re.finditer(r"<(?:([^:<>]+):)?([^<>]+)>", rule.rule)}


def methods(rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


def token_of(client, path: str = TOKEN_PAGE) -> str:
    """A valid CSRF token for this client's session."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def outcome(response) -> str:
    """ok (2xx, or a redirect that is not to the login page), login, forbidden, notfound, bad, or the status."""
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if 300 <= status < 400:
        return "login" if urlsplit(response.headers.get("Location", "")).path == "/login" else "ok"
    return {400: "bad", 403: "forbidden", 404: "notfound"}.get(status, f"status {status}")


def _running_browser():
    """The chromium that tests/browser/conftest.py started for the session, if it is running."""
    import gc

    from playwright.sync_api import Browser

    return next((o for o in gc.get_objects() if isinstance(o, Browser) and o.is_connected()), None)


@pytest.fixture(scope="module")
def browser():
    """Chromium for the XSS suite.

    Playwright's sync API allows one instance per thread, and the browser fixtures of tests/browser are not visible
    here: reuse their browser if it is running (it is when the whole suite runs: tests/browser comes first);
    otherwise start one for this module only, stopped at its end, before tests/browser would start theirs.
    """
    playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (make test)")
    running = _running_browser()
    if running is not None:
        yield running
        return
    path = _chromium_path()
    if path is None:
        pytest.skip("chromium is not installed: apt-get install chromium (CI installs it)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def login_client(app, world: World, actor: str):
    """A test client logged in as `actor` (or anonymous)."""
    client = app.test_client()
    if actor != "anonymous":
        response = AuthActions(client).login(world.email(actor))
        assert response.status_code == 302, f"{actor} could not log in"
    return client


@pytest.fixture
def world(app, make_administration, make_user, synced) -> World:
    """Administrations KE (A) and SN (B), every actor, and learner A's records; see the module docstring."""
    from werkzeug.datastructures import MultiDict

    from app.assessments import services as assessments
    from app.assessments.models import Assessment, Attempt
    from app.auth import services as accounts
    from app.certificates.models import Certificate
    from app.courses import services as courses
    from app.courses.models import Attachment, Course, Lesson
    from app.directorate import services as directorate

    world = World()
    world.administrations = {
        "KE": make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA),
        "SN": make_administration("SN", "Direction générale des douanes du Sénégal", Region.WEST_CENTRAL_AFRICA),
        "WCO": make_administration("WCO", "WCO Secretariat", None),
    }
    for actor, (role, code) in ROLES.items():
        world.people[actor] = make_user(
            role, world.administrations[code], email=f"{actor.replace('_', '.')}@example.org", full_name=actor
        )
    pending = make_user(Role.LEARNER, world.administrations["KE"], email="pending@example.org", password=None)
    world.pending_id = pending.id

    with app.app_context():
        learner = db.session.get(User, world.people["learner_a"].id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        practice = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        enrolment = courses.enrol(learner, intro)
        for lesson in db.session.scalars(
            sa.select(Lesson).where(Lesson.course_id == intro.id, Lesson.optional.is_(False))
        ):
            courses.complete_lesson(learner, enrolment, lesson)  # issues the course and tier certificates
        courses.enrol(learner, practice)
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.course_id == practice.id))
        world.attempt_id = assessments.start_attempt(learner, assessment).id
        db.session.commit()
    wrong_answers = MultiDict(answer_form(app, world.attempt_id, right=False))
    with app.app_context():
        learner = db.session.get(User, world.people["learner_a"].id)
        assessments.submit(db.session.get(Attempt, world.attempt_id), wrong_answers)
        world.certificate_code = db.session.scalar(
            sa.select(Certificate.code).where(Certificate.user_id == learner.id, Certificate.kind == "course")
        )
        attachment = db.session.scalar(sa.select(Attachment).where(Attachment.filename == "sample.csv"))
        world.attachment_id, world.attachment_filename = attachment.id, attachment.filename
        notebook = db.session.scalar(sa.select(Lesson.html).where(Lesson.slug == "exploring"))
        world.lesson_image, world.lesson_image_kind = re.search(
            r"/lesson-images/([0-9a-f]{64})\.(png|webp)", notebook
        ).groups()

        director = db.session.get(User, world.people["directorate"].id)
        kenya = db.session.get(Administration, world.administrations["KE"].id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        project = directorate.save_project(
            director,
            None,
            code="ke-data",
            title="Data for Kenya",
            partner="A partner",
            start_date=date(YEAR1, 1, 1),
            end_date=date(YEAR3, 12, 31),
            status="active",
            objectives="Build a team.",
            lead=None,
            administrations=[kenya],
            course_list=[intro],
        )
        milestone = directorate.save_milestone(
            director, project, None, title="Diagnostic mission", due_date=date(YEAR1, 3, 1), status="planned",
            completed_on=None,
        )  # fmt: skip
        directorate.attach_evidence(director, milestone, "mission-report.pdf", b"%PDF-1.4 evidence")
        target = directorate.save_target(director, project, None, year=YEAR1, indicator="enrolled", target_value=4)
        cohort = directorate.save_cohort(
            director,
            None,
            name=f"Kenya data specialists {YEAR2}",
            administration=kenya,
            start_date=date(YEAR2, 2, 1),
            end_date=date(YEAR2, 11, 30),
            course_list=[intro],
            project=project,
        )
        directorate.add_member(director, cohort, learner)
        _add_results(director, project, world)
        world.invitation_token = accounts.make_token(db.session.get(User, pending.id), accounts.INVITATION)
        world.reset_token = accounts.make_token(learner, accounts.PASSWORD_RESET)
        db.session.commit()
        world.project_code = project.code
        world.milestone_id, world.target_id, world.cohort_id = milestone.id, target.id, cohort.id
    _add_workshop(app, world)
    _add_draft(app, world, make_user)
    _add_download(app, world)
    return world


def _add_download(app, world: World) -> None:
    """A prepared download of learner A's, ready in the Store (only they and admins may fetch it)."""
    from app.certificates import signing_keys
    from app.common import storage
    from app.downloads.models import PreparedDownload

    with app.app_context():
        download = PreparedDownload(
            user_id=world.people["learner_a"].id,
            filename="overview.csv",
            mimetype="text/csv",
            label="Overview",
            builder="app.directorate.exports.overview_file",
            params={},
            locale="en",
            status="ready",
            error="",
        )
        db.session.add(download)
        db.session.commit()
        storage.current_store().put(download.key, b"a,b\r\n1,2\r\n")
        world.download_id = download.id
        _kid = signing_keys.signing_key()[1]  # made at first use, as the first credential would
        db.session.commit()
        world.key_thumbprint = _kid.rsplit("/", 1)[1]


def _add_results(director, project, world: World) -> None:
    """KE-DATA's impact with a manual indicator, a value with an evidence file, and a risk."""
    from app.directorate import results_services as results

    impact = results.save_result(director, project, None, level="impact", statement="Faster, safer trade", parent=None)
    indicator = results.save_indicator(
        director, impact, None, name="Clearance time", unit="days", direction="lower", baseline_value=9,
        baseline_date=date(YEAR1, 1, 1), target_value=3, target_date=date(YEAR3, 12, 31), milestones={YEAR2: 6},
    )  # fmt: skip
    value = results.add_value(
        director, indicator, value=7, measured_on=date(YEAR1, 6, 1), source="Time release study",
        evidence=("time-release-study.pdf", b"%PDF-1.4 study"),
    )  # fmt: skip
    risk = results.save_risk(
        director, project, None, description="Data not shared", likelihood=3, impact=4, mitigation="", owner="",
        review_on=date(YEAR3, 1, 1),
    )  # fmt: skip
    world.result_id, world.indicator_id, world.value_id, world.risk_id = impact.id, indicator.id, value.id, risk.id


def _add_draft(app, world: World, make_user) -> None:
    """A draft of data-in-practice, started by the directorate, and a trainer (not an actor) who authors it."""
    from app.authoring import drafts
    from app.authoring.models import CourseAuthor
    from app.courses.models import Course

    author = make_user(Role.TRAINER, world.administrations["WCO"], email="author@example.org", full_name="author")
    with app.app_context():
        drafts.add_author("data-in-practice", db.session.get(User, author.id), assigned_by=None)
        practice = db.session.scalar(sa.select(Course).where(Course.slug == "data-in-practice"))
        drafts.start_draft(practice, db.session.get(User, world.people["directorate"].id))
        db.session.commit()
        world.author_id = db.session.scalar(sa.select(CourseAuthor.id).where(CourseAuthor.user_id == author.id))


def _add_workshop(app, world: World) -> None:
    """A workshop organised by the directorate for administration A, with a session, a material and an output file,
    and learner A registered."""
    from datetime import datetime, timedelta

    from app.workshops import services as workshops

    today = date.today()
    with app.app_context():
        workshop = workshops.save_workshop(
            db.session.get(User, world.people["directorate"].id),
            None,
            kind="data_technique",
            title="Risk analytics clinic",
            description="Two days on risk indicators.",
            objectives="Build three indicators.",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=31),
            capacity=20,
            registration_opens=today - timedelta(days=1),
            registration_closes=today + timedelta(days=29),
            administrations=[db.session.get(Administration, world.administrations["KE"].id)],
        )
        start = datetime.combine(workshop.start_date, datetime.min.time()) + timedelta(hours=8)
        workshops.add_session(
            workshop, title="Day one", starts_at=start, ends_at=start + timedelta(hours=4), mode="in_person",
            place="Nairobi",
        )  # fmt: skip
        material = workshops.add_material(workshop, "Slides", "slides.pdf", b"%PDF-1.4 slides")
        workshops.set_output(workshop, "Guidelines", None, "guidelines.pdf", b"%PDF-1.4 guidelines")
        learner = db.session.get(User, world.people["learner_a"].id)
        workshops.register(learner, workshop, learner)
        db.session.commit()
        world.workshop_id, world.material_id = workshop.id, material.id
        world.material_filename, world.output_filename = material.filename, workshop.output_filename
