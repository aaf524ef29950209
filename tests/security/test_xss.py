"""Cross-site scripting, in chromium: every payload of `payloads.py` goes in through every input that reaches a page
(content, names, projects, cohorts, CSV imports, uploads, query strings), and every page that shows it must run
nothing.

How a page is judged (`Inspector`): after it loads, no dialog opened, `window.__xss` is unset, no uncaught error,
no console message about a Content Security Policy violation (the CSP blocks inline scripts, so a payload that got
through the sanitiser or the escaping shows up there), no template expression was evaluated, and the DOM holds no
active markup (event-handler attributes, javascript:/vbscript:/data: URLs, iframes, objects, scripts not served
from /static, <base>, <meta http-equiv>, <style>, SVG animations). The DOM check catches what only runs on a click
or a hover. `page.evaluate` with a function runs through the DevTools protocol, not through `eval` in the page, so
the CSP does not block it (`test_the_inspector_sees_a_script_that_would_run` checks that, and that the inspector
fails on a payload that gets through).

Content: `content check` refuses active markup in lessons (the first line of defence). To test the second, the
sanitiser, the check's patterns are switched off for the test with monkeypatch, and the real `sync` renders and
stores the lessons and notebooks; assessment files are not pattern-checked, so they go through as they are.
"""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
import yaml
from werkzeug.datastructures import MultiDict

from app.auth.models import Administration, Region, Role, User
from app.extensions import db, limiter
from tests.browser.conftest import log_in
from tests.helpers import csrf_token
from tests.security.payloads import PAYLOADS, TEMPLATE_RESULT, chunks

pytestmark = pytest.mark.browser

NEVER = re.compile(r"(?!)")
#: A payload that pages showing the payloads as text must display, character for character.
SHOWN = "<svg onload=alert(1)>"

#: Active markup in the DOM: returns one line per problem found.
AUDIT_DOM = r"""() => {
  const problems = [];
  const where = (el) => el.outerHTML.slice(0, 120);
  const scriptUrl = /^(javascript|vbscript|livescript):/i;
  const urlAttributes = new Set(["href", "src", "action", "formaction", "data", "background", "poster", "lowsrc",
    "dynsrc", "codebase", "longdesc", "ping", "srcset", "xlink:href", "to", "from", "values"]);
  const forbiddenTags = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
    "isindex", "set", "animate", "animatetransform", "animatemotion", "handler", "listener"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (forbiddenTags.has(tag)) problems.push(`<${tag}> element: ${where(el)}`);
    if (tag === "script" && !/^\/static\//.test(el.getAttribute("src") || "")) problems.push(`script: ${where(el)}`);
    if (tag === "meta" && el.hasAttribute("http-equiv")) problems.push(`meta http-equiv: ${where(el)}`);
    if (tag === "style" || (tag === "link" && !el.closest("head"))) problems.push(`<${tag}> in the page: ${where(el)}`);
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\u0000-\u0020]/g, "");
      if (name.startsWith("on")) problems.push(`${name} handler: ${where(el)}`);
      if (name === "srcdoc" || name === "formaction") problems.push(`${name}: ${where(el)}`);
      if (name === "style" && /url\(|expression|javascript|behavior|binding/i.test(attribute.value))
        problems.push(`active style: ${where(el)}`);
      if (urlAttributes.has(name) || name.endsWith(":href")) {
        if (scriptUrl.test(value)) problems.push(`script URL in ${name}: ${where(el)}`);
        if (/^data:/i.test(value) && !(tag === "img" && name === "src" && /^data:image\//i.test(value)))
          problems.push(`data URL in ${name}: ${where(el)}`);
        if (["src", "data", "background", "poster", "srcset"].includes(name) && /^(https?:)?\/\//i.test(value))
          problems.push(`resource from another site in ${name}: ${where(el)}`);
        // The address as this browser reads it (it drops tabs and controls and reads \ as /), not as written.
        let read = null;
        try { read = new URL(attribute.value, document.baseURI); } catch (error) { read = null; }
        if (read && /^(javascript|vbscript|data):$/.test(read.protocol) && !(tag === "img" && name === "src"
            && read.href.startsWith("data:image/")))
          problems.push(`${read.protocol} URL in ${name} as the browser reads it: ${where(el)}`);
        if (read && ["src", "data", "background", "poster"].includes(name) && /^https?:$/.test(read.protocol)
            && read.host !== location.host)
          problems.push(`resource from ${read.host} in ${name} as the browser reads it: ${where(el)}`);
      }
      if (tag === "form" && name === "action" && !(value.startsWith("/") && !value.startsWith("//")))
        problems.push(`form posting elsewhere: ${where(el)}`);
    }
  }
  return problems;
}"""


class Inspector:
    """Watches a page for anything a payload could have made run; `visit` and `check` record problems by page."""

    def __init__(self, page) -> None:
        self.page = page
        self.events: list[str] = []
        self.problems: list[str] = []
        self.pages = 0
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.events.append(f"uncaught error: {error}"))

    def _dialog(self, dialog) -> None:
        self.events.append(f"{dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.events.append(f"CSP violation: {message.text[:200]}")

    def visit(self, path: str, label: str | None = None, shows: str | None = None) -> None:
        """Open `path` (it must answer 200) and judge it; `shows` is a payload the page must show as text, proof
        that the payloads reached it."""
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        self.check(label or path)
        if shows is not None:
            text = " ".join(self.page.evaluate("() => document.body.innerText").split())
            assert " ".join(shows.split()) in text, f"{label or path} does not show {shows!r}"

    def check(self, label: str) -> None:
        """Judge the page now showing."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # handlers that fire just after load (autofocus, toggle, media errors)
        self.pages += 1
        found = list(self.events)
        self.events.clear()
        marker = self.page.evaluate("() => typeof window.__xss === 'undefined' ? null : String(window.__xss)")
        if marker is not None:
            found.append(f"window.__xss is {marker}")
        found += self.page.evaluate(AUDIT_DOM)
        text = self.page.evaluate("() => document.documentElement.innerText")
        if TEMPLATE_RESULT in text or "<class '" in text:
            found.append("a template expression was evaluated")
        self.problems += [f"{label}: {problem}" for problem in found]

    def absorb(self, *others: Inspector) -> None:
        """Count another page's findings as this one's (a test that acts as several people)."""
        for other in others:
            self.problems += other.problems
            self.pages += other.pages

    def assert_clean(self, minimum_pages: int) -> None:
        assert self.problems == [], f"{len(self.problems)} problems:\n" + "\n".join(self.problems[:60])
        assert self.pages >= minimum_pages, f"only {self.pages} pages were checked"


@pytest.fixture
def open_as(browser, live_server):
    """A new browser page (its own context, so its own session) logged in as `email`, with an Inspector."""
    contexts = []

    def open_page(email: str | None = None):
        context = browser.new_context(base_url=live_server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        inspector = Inspector(page)
        if email:
            log_in(page, email)
        return page, inspector

    yield open_page
    for context in contexts:
        context.close()


def test_there_are_enough_payloads():
    """Are there at least 100 distinct payloads, each short enough for any name field?"""
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 100
    assert max(len(p) for p in PAYLOADS) <= 200 and not any("\x00" in p for p in PAYLOADS)


def test_the_inspector_sees_a_script_that_would_run(open_as):
    """Does the inspector run under the CSP, and does it report markup that got through (blocked or not)?"""
    page, inspector = open_as()
    inspector.visit("/catalogue")
    assert inspector.problems == []
    page.evaluate("() => { window.__xss = 1 }")
    page.set_content(
        '<p><img src="/nowhere" onerror="window.__xss=2"><a href="javascript:alert(1)">x</a>'
        '<img src="/\\evil.example/x.png" alt=""><a href="da&#x09;ta:text/html,x">y</a></p>'
    )
    inspector.check("planted")
    found = "\n".join(inspector.problems)
    assert "window.__xss is 1" in found and "onerror handler" in found and "script URL in href" in found
    assert "resource from evil.example in src as the browser reads it" in found  # read as //evil.example
    assert "data: URL in href as the browser reads it" in found
    assert "CSP violation" in found


# Content: lessons, notebooks, assessments, glossary, bibliography, catalogue --------------------------------


def _dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000))


def _markdown_lesson() -> str:
    parts = []
    for payload in PAYLOADS:
        one_line = " ".join(payload.split())
        parts += [
            payload,
            f"## {one_line}",
            f"- {one_line}\n- *{one_line}*",
            f"> {one_line}",
            f"| a | b |\n|---|---|\n| {one_line} | [{one_line}](https://example.org/) |",
            f"`{one_line}`",
            f"```html\n{payload}\n```",
        ]
    return "\n\n".join(parts)


def _notebook() -> str:
    v4 = nbformat.v4
    cells = []
    for payload in PAYLOADS:
        svg = f'<svg xmlns="http://www.w3.org/2000/svg">{payload}</svg>'
        outputs = [
            v4.new_output("display_data", data={"text/html": payload, "text/plain": "html"}),
            v4.new_output("display_data", data={"text/html": payload}, metadata={"text/html": {"isolated": True}}),
            v4.new_output("display_data", data={"image/svg+xml": svg, "text/plain": "svg"}),
            v4.new_output("display_data", data={"application/javascript": "window.__xss=1", "text/plain": "js"}),
            v4.new_output("display_data", data={"text/javascript": "alert(1)"}),
            v4.new_output("display_data", data={"text/markdown": payload}),
            v4.new_output("display_data", data={"text/latex": payload}),
            v4.new_output("stream", name="stdout", text=payload),
            v4.new_output("execute_result", data={"text/html": payload, "text/plain": payload}, execution_count=1),
            v4.new_output("error", ename="XSS", evalue=payload, traceback=[f"\x1b[31m{payload}\x1b[0m"]),
        ]
        cells.append(v4.new_markdown_cell(payload))
        cells.append(v4.new_code_cell(source=payload, outputs=outputs, execution_count=1))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {"x": {"payload": PAYLOADS}}, "version_major": 2}
    }
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


def _questions() -> list[dict]:
    n = len(PAYLOADS)
    p = lambda i: PAYLOADS[i % n]  # noqa: E731
    questions: list[dict] = []
    for i in range(n):
        questions.append(
            {
                "id": f"mc{i}",
                "type": "multiple_choice",
                "text": p(i),
                "explanation": p(i + 1),
                "choices": [
                    {"text": p(i + 2), "correct": True, "feedback": p(i + 3)},
                    {"text": p(i + 4), "feedback": p(i + 5)},
                ],
            }
        )
    for j in range(0, n, 12):
        group = [p(k) for k in range(j, j + 12)]
        questions += [
            {
                "id": f"sc{j}",
                "type": "single_choice",
                "text": group[0],
                "choices": [{"text": t, "correct": k == 0, "feedback": t} for k, t in enumerate(group)],
            },
            {"id": f"ord{j}", "type": "ordering", "text": group[1], "items": group},
            {
                "id": f"match{j}",
                "type": "matching",
                "text": group[2],
                "pairs": [{"left": t, "right": group[(k + 1) % 12]} for k, t in enumerate(group)],
            },
            {"id": f"num{j}", "type": "numeric", "text": group[3], "answer": 1, "unit": group[4]},
            {"id": f"short{j}", "type": "short_text", "text": group[5], "accepted": group[6:9]},
            {"id": f"tf{j}", "type": "true_false", "text": group[9], "answer": True, "explanation": group[10]},
        ]
    return questions


def write_xss_content(root: Path) -> None:
    """A curriculum made of payloads: catalogue, glossary, bibliography, a course with a Markdown lesson, a
    notebook, reading lessons and an assessment."""
    long_names = chunks(PAYLOADS, 300)
    everything = "\n".join(PAYLOADS)
    _dump(
        root / "catalogue.yml",
        {
            "tiers": [{"slug": "foundation", "title": long_names[0]}],
            "tracks": [{"slug": "xss", "title": long_names[1], "summary": everything}],
        },
    )
    _dump(
        root / "glossary.yml",
        {"terms": [{"slug": f"t{i}", "term": p, "definition": p} for i, p in enumerate(PAYLOADS)]},
    )
    _dump(
        root / "bibliography.yml",
        {
            "references": [
                {"key": f"r{i}", "title": p, "authors": p, "publisher": p, "year": 2020, "note": p}
                for i, p in enumerate(PAYLOADS)
            ]
        },
    )
    course = root / "courses" / "xss-course"
    (course / "lessons").mkdir(parents=True)
    (course / "lessons" / "payloads.md").write_text(_markdown_lesson())
    (course / "notebooks").mkdir()
    (course / "notebooks" / "payloads.ipynb").write_text(_notebook())
    questions = _questions()
    _dump(
        course / "assessment.yml",
        {
            "slug": "final",
            "title": long_names[2],
            "pass_mark": 50,
            "draw": len(questions) // 2,
            "review": "after_submission",
            "questions": questions,
        },
    )
    _dump(
        course / "course.yml",
        {
            "slug": "xss-course",
            "title": long_names[3],
            "track": "xss",
            "tier": "foundation",
            "summary": everything,
            "description": "\n\n".join(PAYLOADS),
            "estimated_hours": 1,
            "version": "1.0",
            "objectives": PAYLOADS,
            "modules": [
                {
                    "slug": "lessons",
                    "title": long_names[4],
                    "lessons": [
                        {"slug": "markdown", "title": long_names[5], "kind": "markdown", "file": "lessons/payloads.md"},
                        {
                            "slug": "notebook",
                            "title": long_names[6],
                            "kind": "notebook",
                            "file": "notebooks/payloads.ipynb",
                        },
                    ],
                },
                {
                    "slug": "readings",
                    "title": long_names[7],
                    "lessons": [
                        {
                            "slug": f"r{i}",
                            "title": p,
                            "kind": "reading",
                            "url": "https://example.org/",
                            "optional": True,
                        }
                        for i, p in enumerate(PAYLOADS)
                    ],
                },
            ],
            "assessments": [{"file": "assessment.yml"}],
        },
    )


def _answers_choosing_everything(attempt) -> MultiDict:
    """Answers to every question, ticking every choice, so the review shows every choice's feedback."""
    from app.assessments.models import Question

    form = MultiDict()
    for question in db.session.scalars(sa.select(Question).where(Question.id.in_(attempt.question_ids))):
        field, spec = f"q{question.id}", question.spec
        if question.type == "multiple_choice":
            for choice in spec["choices"]:
                form.add(field, choice["id"])
        elif question.type == "single_choice":
            form.add(field, spec["choices"][0]["id"])
        elif question.type == "true_false":
            form.add(field, "false")
        elif question.type == "numeric":
            form.add(field, "2")
        elif question.type == "short_text":
            form.add(field, "no")
        elif question.type in ("ordering", "matching"):
            for position, item in enumerate(spec["items"], start=1):
                form.add(f"{field}-{item['id']}", str(position) if question.type == "ordering" else item["id"])
    return form


def test_content_is_inert(app, open_as, make_user, make_administration, tmp_path, monkeypatch):
    """Do lessons, notebooks (Markdown, HTML, SVG, JavaScript outputs), questions, choices, feedback, glossary,
    bibliography and catalogue texts made of payloads run nothing on any page that shows them?"""
    from app.assessments import services as assessments
    from app.assessments.models import Assessment, Attempt, Question
    from app.assessments.types import TYPES
    from app.content import check
    from app.content.sync import sync
    from app.courses import services as courses
    from app.courses.models import Course

    monkeypatch.setattr(check, "ACTIVE_MARKUP", NEVER)  # let the payloads reach the sanitiser (module docstring)
    monkeypatch.setattr(check.links, "markdown_problems", lambda text: [])
    monkeypatch.setattr(check.links, "notebook_problems", lambda text, notebook: [])
    write_xss_content(tmp_path / "content")
    learner = make_user(Role.LEARNER, make_administration("KE"), email="learner@example.org")
    trainer = make_user(Role.TRAINER, make_administration("WCO", region=None), email="trainer@example.org")
    with app.app_context():
        sync(tmp_path / "content")
        user = db.session.get(User, learner.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "xss-course"))
        courses.enrol(user, course)
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.course_id == course.id))
        attempt = assessments.start_attempt(user, assessment)
        # Show every question of the bank on this one attempt, not only the drawn half.
        bank = db.session.scalars(sa.select(Question).where(Question.assessment_id == assessment.id)).all()
        attempt.question_ids = [q.id for q in bank]
        # The form below posts bank ids: tokens that are the bank ids, as attempts from before tokens have.
        layouts = {str(q.id): TYPES[q.type].layout(q.spec, False, random.Random(1), token=str) for q in bank}
        attempt.orders = assessments.orders_for(layouts)
        db.session.commit()
        attempt_id = attempt.id

    page, inspector = open_as(learner.email)
    for path, shows in (
        ("/", None),
        ("/catalogue", SHOWN),
        ("/courses/xss-course", SHOWN),
        ("/courses/xss-course/lessons/markdown", SHOWN),
        ("/courses/xss-course/lessons/notebook", SHOWN),
        ("/courses/xss-course/lessons/r0", None),
        ("/glossary", SHOWN),
        ("/bibliography", SHOWN),
        ("/my-learning", None),
        ("/courses/xss-course/assessments/final", None),
        (f"/attempts/{attempt_id}", SHOWN),
    ):
        inspector.visit(path, shows=shows)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assessments.submit(attempt, _answers_choosing_everything(attempt))
        db.session.commit()
    inspector.visit(f"/attempts/{attempt_id}/result", shows=SHOWN)
    staff_page, staff = open_as(trainer.email)
    staff.visit("/courses/xss-course/assessments/final/report")
    staff.visit("/courses/xss-course/lessons/notebook", "notebook (preview)")
    # The course editor shows the same payloads: its draft, lesson editors and previews, and the question bank.
    from app.authoring import drafts

    with app.app_context():
        author = db.session.get(User, trainer.id)
        drafts.add_author("xss-course", author, assigned_by=None)
        drafts.start_draft(db.session.scalar(sa.select(Course).where(Course.slug == "xss-course")), author)
        db.session.commit()
    for path in (
        "/author",
        "/author/xss-course",
        "/author/xss-course/details",
        "/author/xss-course/lessons/markdown",
        "/author/xss-course/lessons/notebook",
        "/author/xss-course/assessments/final",
        "/author/xss-course/assessments/final/questions/mc0",
        "/author/xss-course/assessments/final/questions/match0",
        "/author/xss-course/assessments/final/preview?answers=1",
    ):
        staff.visit(path, f"{path} (editor)")
    inspector.absorb(staff)
    inspector.assert_clean(minimum_pages=22)


# People, administrations, cohorts, certificates ------------------------------------------------------------


def _code(index: int) -> str:
    return "Z" + chr(65 + index // 26) + chr(65 + index % 26)


def test_names_of_people_administrations_and_cohorts_are_inert(app, open_as, make_user, make_administration, synced):
    """Do payloads as full names, administration names, cohort names and certificate names/titles run nothing on
    the people pages, the administrations page, cohort pages, the coordinator's dashboard, My certificates and the
    public verification page?"""
    from app.certificates import codes
    from app.certificates.models import Certificate
    from app.courses.models import Course
    from app.directorate.models import Cohort, CohortMember

    kenya = make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA)
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None), email="admin@example.org")
    holder = make_user(Role.LEARNER, kenya, email="holder@example.org", full_name=PAYLOADS[0])
    names = chunks(PAYLOADS, 200)
    titles = chunks(PAYLOADS, 300)
    with app.app_context():
        administrations = [
            Administration(code=_code(i), name=p, region=Region.EUROPE) for i, p in enumerate(PAYLOADS + names)
        ]
        db.session.add_all(administrations)
        officers = [
            User(email=f"p{i}@example.org", full_name=p, administration_id=kenya.id) for i, p in enumerate(PAYLOADS)
        ]
        chunk_people = [
            User(email=f"c{i}@example.org", full_name=name, administration=administrations[i])
            for i, name in enumerate(names)
        ]
        db.session.add_all(officers + chunk_people)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))
        cohorts = [
            Cohort(name=p, administration_id=kenya.id, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
            for p in PAYLOADS + names
        ]
        for cohort in cohorts:
            cohort.courses = [intro]
        db.session.add_all(cohorts)
        db.session.flush()
        db.session.add_all(CohortMember(cohort_id=cohorts[0].id, user_id=u.id) for u in officers)
        certificates = [
            Certificate(
                code=codes.new_code(),
                issuer=titles[(i + 1) % len(titles)],
                user_id=holder.id,
                kind="manual",
                achievement_key=f"manual/xss-{i}",
                title=title,
                recipient_name=titles[(i + 2) % len(titles)],
                track_title=titles[(i + 3) % len(titles)],
                tier_title=titles[(i + 4) % len(titles)],
                reason=title,
                hours=1,
            )
            for i, title in enumerate(titles + PAYLOADS)
        ]
        db.session.add_all(certificates)
        db.session.commit()
        chunk_ids = [u.id for u in chunk_people]
        chunk_administrations = [a.id for a in administrations[-len(names) :]]
        cohort_id = cohorts[0].id
        codes_to_verify = [c.code for c in certificates[: len(titles)]]

    page, inspector = open_as(admin.email)
    for number in range(1, 6):
        inspector.visit(f"/people?page={number}")
    inspector.visit("/people?q=script")
    inspector.visit(f"/people?administration={chunk_administrations[0]}")
    for user_id in chunk_ids:
        inspector.visit(f"/people/{user_id}")
    inspector.visit("/administrations", shows=SHOWN)
    inspector.visit(f"/administrations/{chunk_administrations[0]}/edit")
    inspector.visit(f"/coordinator?administration={kenya.id}", shows=SHOWN)
    for administration_id in chunk_administrations[:10]:
        inspector.visit(f"/coordinator?administration={administration_id}")
    inspector.visit("/cohorts", shows=SHOWN)
    inspector.visit(f"/cohorts/{cohort_id}", shows=SHOWN)
    inspector.visit(f"/cohorts/{cohort_id}/edit")
    inspector.visit("/directorate")
    inspector.visit("/people/new")
    for user_id in chunk_ids[:5]:  # the flash message names the person
        page.goto(f"/people/{user_id}")
        page.get_by_role("button", name="Deactivate").click()
        page.wait_for_url(f"**/people/{user_id}")
        inspector.check(f"flash after deactivating {user_id}")

    mine, holder_inspector = open_as(holder.email)
    holder_inspector.visit("/certificates", shows=SHOWN)
    holder_inspector.visit("/")
    public, public_inspector = open_as()
    for code in codes_to_verify:
        limiter.reset()  # 30 verifications a minute per address; this is not what is tested here
        public_inspector.visit(f"/verify/{code}")
    inspector.absorb(holder_inspector, public_inspector)
    inspector.assert_clean(minimum_pages=60)


# Projects, milestones, targets, evidence files, workshops -----------------------------------------------------


PROJECT_CODES = ["<IMG SRC=X ONERROR=ALERT(1)>", '"ONMOUSEOVER="ALERT(1)', "'><SVG ONLOAD=ALERT(1)>", "{{9437*7}}"]


def test_projects_milestones_targets_and_evidence_are_inert(app, open_as, make_user, make_administration, synced):
    """Do payloads as project codes, titles, partners, objectives, milestone titles, notes, links and evidence file
    names, target labels, cohort names and workshop texts run nothing on the project pages, the overview, the
    milestone form, the audit log and the workshop pages?"""
    from app.courses.models import Course
    from app.directorate import services
    from app.directorate.models import Cohort, Milestone, Project

    kenya = make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA)
    director = make_user(Role.DIRECTORATE, make_administration("WCO", region=None), email="director@example.org")
    titles = chunks(PAYLOADS, 300)
    with app.app_context():
        actor = db.session.get(User, director.id)
        administration = db.session.get(Administration, kenya.id)
        intro = db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))

        def project(code: str, title: str) -> Project:
            return services.save_project(
                actor,
                None,
                code=code,
                title=title,
                partner=title,
                start_date=date(2025, 1, 1),
                end_date=date(2027, 12, 31),
                status="active",
                objectives="\n".join(PAYLOADS),
                lead=actor,
                administrations=[administration],
                course_list=[intro],
            )

        main = project("KE-DATA", titles[0])
        others = [project(f"P{i}", title) for i, title in enumerate(titles[1:])]
        others += [project(code, PAYLOADS[i]) for i, code in enumerate(PROJECT_CODES)]
        for i, payload in enumerate(PAYLOADS):
            services.save_milestone(
                actor,
                main,
                None,
                title=payload,
                due_date=date(2025, 1, 1) + timedelta(days=5 * i),
                status=("planned", "in_progress", "done", "cancelled")[i % 4],
                completed_on=date(2025, 6, 1) if i % 4 == 2 else None,
                evidence_note=payload,
                evidence_url=f"https://example.org/{payload}",
            )
            services.save_target(
                actor, main, None, year=2025 + i % 3, indicator="custom", target_value=10, label=payload, manual_value=3
            )
        for payload in PAYLOADS[:40]:
            db.session.add(
                Cohort(
                    name=payload,
                    administration_id=kenya.id,
                    project_id=main.id,
                    start_date=date(2026, 1, 1),
                    end_date=date(2026, 12, 31),
                )
            )
        db.session.commit()
        milestones = [m.id for m in db.session.scalars(sa.select(Milestone).order_by(Milestone.id).limit(12))]
        codes = [p.code for p in others]

    # Evidence files uploaded with payloads as their names, through the milestone form.
    client = app.test_client()
    from tests.helpers import AuthActions

    AuthActions(client).login(director.email)
    for milestone_id, payload in zip(milestones, PAYLOADS, strict=False):
        path = f"/projects/KE-DATA/milestones/{milestone_id}"
        response = client.post(
            path,
            data={
                "csrf_token": csrf_token(client, path),
                "title": payload,
                "due_date": "2025-02-01",
                "status": "planned",
                "evidence_file": (io.BytesIO(b"evidence"), payload.replace("\n", " ")),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    workshop_id = _payload_workshop(app, director, kenya)

    page, inspector = open_as(director.email)
    inspector.visit("/directorate")
    inspector.visit("/projects/KE-DATA", shows=SHOWN)
    for code in codes:
        inspector.visit(f"/projects/{_quote(code)}")
    for milestone_id in milestones:
        inspector.visit(f"/projects/KE-DATA/milestones/{milestone_id}")
    inspector.visit("/projects/KE-DATA/edit")
    inspector.visit("/projects/KE-DATA/targets/new")
    inspector.visit("/cohorts/new")
    inspector.visit("/audit", shows=SHOWN)
    for path in ("/workshops", f"/workshops/{workshop_id}", f"/workshops/{workshop_id}/attendance"):
        inspector.visit(path)
    inspector.visit(f"/workshops/{workshop_id}/edit", shows=SHOWN)
    inspector.assert_clean(minimum_pages=30)


def _quote(code: str) -> str:
    from urllib.parse import quote

    return quote(code, safe="")


def _payload_workshop(app, director, administration) -> int:
    """A workshop whose every text is a payload, with a registered officer named by one."""
    from app.workshops import services as workshops

    today = date.today()
    names = chunks(PAYLOADS, 300)
    with app.app_context():
        actor = db.session.get(User, director.id)
        officer = User(email="officer@example.org", full_name=PAYLOADS[1], administration_id=administration.id)
        db.session.add(officer)
        workshop = workshops.save_workshop(
            actor,
            None,
            kind="data_policy",
            title=names[0],
            description="\n".join(PAYLOADS),
            objectives="\n".join(PAYLOADS),
            start_date=today + timedelta(days=10),
            end_date=today + timedelta(days=12),
            capacity=5,
            registration_opens=today - timedelta(days=1),
            registration_closes=today + timedelta(days=9),
            administrations=[db.session.get(Administration, administration.id)],
            academics=[(p, p) for p in PAYLOADS[:30]],
            facilitator_users=[],
        )
        start = datetime.combine(workshop.start_date, datetime.min.time())
        for i, payload in enumerate(PAYLOADS[:30]):
            workshops.add_session(
                workshop,
                title=payload,
                starts_at=start + timedelta(hours=i),
                ends_at=start + timedelta(hours=i, minutes=30),
                mode="in_person",
                place=payload,
            )
        for i, payload in enumerate(PAYLOADS[:30]):
            workshops.add_material(workshop, payload, payload, f"material {i}".encode())
        workshops.set_output(workshop, "\n".join(PAYLOADS), "https://example.org/" + PAYLOADS[0], None, None)
        db.session.flush()
        workshops.register(actor, workshop, officer)
        db.session.commit()
        return workshop.id


# CSV imports: the error pages echo what was uploaded ---------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _upload(page, tmp_path: Path, name: str, data: bytes, label: str, button: str, dry_run: bool = False) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_label(label).set_input_files(str(path))
    if dry_run:
        page.get_by_label("Check only (import nothing)").check()
    page.get_by_role("button", name=button).click()


def test_csv_imports_echo_payloads_inertly(app, open_as, make_user, make_administration, synced, tmp_path):
    """When people and cohort imports list problems (or a dry run lists the officers), do the values they echo from
    the file run nothing?"""
    from app.courses.models import Course
    from app.directorate.models import Cohort

    kenya = make_administration("KE", "Kenya Revenue Authority", Region.EAST_SOUTHERN_AFRICA)
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None), email="admin@example.org")
    coordinator = make_user(Role.COORDINATOR, kenya, email="coordinator@example.org")
    with app.app_context():
        elsewhere = [Administration(code=_code(i), name=p, region=Region.EUROPE) for i, p in enumerate(PAYLOADS)]
        db.session.add_all(elsewhere)
        db.session.flush()
        db.session.add_all(
            User(email=f"other{i}@example.org", full_name=p, administration_id=a.id)
            for i, (p, a) in enumerate(zip(PAYLOADS, elsewhere, strict=True))
        )
        cohort = Cohort(name="Import target", administration_id=kenya.id, start_date=date(2026, 1, 1),
                        end_date=date(2026, 12, 31))  # fmt: skip
        cohort.courses = [db.session.scalar(sa.select(Course).where(Course.slug == "intro-to-data"))]
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id

    header = ["email", "full_name", "administration", "role"]
    page, inspector = open_as(admin.email)
    page.goto("/people/import")
    bad = _csv([header] + [[p, p, p, p] for p in PAYLOADS])
    _upload(page, tmp_path, "bad.csv", bad, "CSV file", "Import")
    assert page.get_by_text("nothing was imported").count() > 0
    inspector.check("people import: problems")
    good = _csv([header] + [[f"new{i}@example.org", p, "KE", "learner"] for i, p in enumerate(PAYLOADS)])
    _upload(page, tmp_path, "good.csv", good, "CSV file", "Import", dry_run=True)
    assert page.get_by_text("The file is correct").count() > 0
    inspector.check("people import: dry run")
    header_payloads = _csv([PAYLOADS[:4], ["a@example.org", "A", "KE", "learner"]])
    _upload(page, tmp_path, "header.csv", header_payloads, "CSV file", "Import")
    inspector.check("people import: unknown columns")

    coordinator_page, coordinator_inspector = open_as(coordinator.email)
    coordinator_page.goto(f"/cohorts/{cohort_id}")
    rows = [["email", "full_name"]]
    rows += [[p, p] for p in PAYLOADS]
    rows += [[f"other{i}@example.org", ""] for i in range(len(PAYLOADS))]
    rows += [[f"nobody{i}@example.org", ""] for i in range(10)]
    _upload(coordinator_page, tmp_path, "cohort.csv", _csv(rows), "CSV file (email, full_name)", "Add the officers")
    assert coordinator_page.get_by_text("nobody was added").count() > 0
    coordinator_inspector.check("cohort import: problems")
    coordinator_page.goto(f"/cohorts/{cohort_id}")
    unknown = _csv([["email", *PAYLOADS[:5]], ["a@example.org"] + [""] * 5])
    _upload(coordinator_page, tmp_path, "cohort2.csv", unknown, "CSV file (email, full_name)", "Add the officers")
    coordinator_inspector.check("cohort import: unknown columns")
    inspector.absorb(coordinator_inspector)
    inspector.assert_clean(minimum_pages=5)


# Reflected input: query strings and form values echoed back ---------------------------------------------------------


def test_reflected_input_is_escaped_in_the_html(app, client, make_user, make_administration):
    """Does every page that echoes a query string or a posted value escape every payload (no payload with markup
    characters appears verbatim in the HTML)?"""
    admin = make_user(Role.ADMIN, make_administration("WCO", region=None), email="admin@example.org")
    staff = app.test_client()
    from tests.helpers import AuthActions

    AuthActions(staff).login(admin.email)
    token = csrf_token(staff, "/people/new")
    verbatim = []
    for payload in PAYLOADS:
        if not set(payload) & set("<>\"'&"):
            continue
        limiter.reset()
        responses = {
            "catalogue": client.get("/catalogue", query_string={"q": payload}),
            "glossary": client.get("/glossary", query_string={"q": payload}),
            "bibliography": client.get("/bibliography", query_string={"q": payload}),
            "verify form": client.get("/verify", query_string={"code": payload}),
            "verify code": client.get(f"/verify/{_quote(payload)}"),
            "people search": staff.get("/people", query_string={"q": payload}),
            "invite form": staff.post(
                "/people/new",
                data={"csrf_token": token, "email": payload, "full_name": payload, "role": "learner"},
            ),
            "administration form": staff.post(
                "/administrations/new", data={"csrf_token": token, "code": payload[:3], "name": payload}
            ),
        }
        for label, response in responses.items():
            if payload in response.get_data(as_text=True):
                verbatim.append(f"{label}: {payload!r}")
    assert verbatim == []


def test_reflected_input_is_inert_in_the_browser(open_as):
    """Do query strings and form values made of payloads, echoed back by search pages, the login form and the
    verification form, run nothing in the browser?"""
    page, inspector = open_as()
    for chunk in chunks(PAYLOADS, 200):
        inspector.visit(f"/catalogue?q={_quote(chunk)}", "catalogue search")
    for chunk in chunks(PAYLOADS, 600)[:6]:
        inspector.visit(f"/glossary?q={_quote(chunk)}", "glossary search")
        inspector.visit(f"/verify?code={_quote(chunk)}", "verification form")
    limiter.reset()
    for chunk in chunks(PAYLOADS, 250)[:8]:
        page.goto("/login")
        page.get_by_label("Email").fill(chunk)
        page.get_by_label("Password").fill("x")
        page.get_by_role("button", name="Log in").click()
        inspector.check("login form echo")
    inspector.assert_clean(minimum_pages=40)
