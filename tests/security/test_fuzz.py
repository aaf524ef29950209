"""Fuzzing every form: hypothesis posts random and hostile values (long strings, any unicode, NUL bytes, numbers as
text, huge numbers, impossible dates, missing and duplicated fields, odd files) with a valid CSRF token, as someone
who may use the route. Whatever the input, the answer is never a server error.

Each route's fields are read from the page that holds its form (so a new field is fuzzed without editing this
file), and each field also gets the values the page offers (its options and checkboxes), to reach past validation.
Besides the 25 generated examples a route (no shrinking: a failing example is printed as hypothesis found it), each
route gets explicit ones: a form built to pass validation, then the same with one text field (or the uploaded CSV)
holding a NUL character or filled to its maxlength, so that hostile text reaches the database.

GET routes get the same treatment in `test_urls_never_answer_with_a_server_error`: each URL parameter and every
query-string parameter the views read, set to a NUL, a number beyond any column, and odd text.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.extensions import db, limiter
from tests.security.conftest import (
    enumerate_rules,
    fill,
    login_client,
    methods,
    parameters,
    route_key,
    token_of,
    url_for_rule,
)

EXAMPLES = 25

#: Who posts to each route (someone the policy lets in), and the page that holds its form (None: the route's own
#: page). Every POST route must be here: `test_every_form_route_is_fuzzed` fails on a new one.
ROUTES: dict[str, tuple[str, str | None]] = {
    "auth.login": ("anonymous", None),
    "auth.logout": ("anonymous", "/password/forgot"),
    "language.choose": ("anonymous", "/catalogue"),
    "auth.forgot_password": ("anonymous", None),
    "auth.reset_password": ("anonymous", None),
    "auth.accept_invitation": ("anonymous", None),
    "auth.account": ("learner_a", None),
    "auth.log_out_everywhere": ("learner_a", "/account"),
    "assessments.answer": ("learner_a", "{attempt}"),
    "assessments.autosave": ("learner_a", "{attempt}"),
    "assessments.submit": ("learner_a", "{attempt}/submit"),
    "assessments.start": ("learner_a", "/courses/data-in-practice/assessments/final"),
    "courses.enrol": ("learner_a", "/courses/data-in-practice"),
    "courses.complete": ("learner_a", "/courses/intro-to-data/lessons/declarations"),
    "workshops.register": ("learner_a", "/workshops/{workshop}"),
    "workshops.cancel": ("learner_a", "/workshops/{workshop}"),
    "people.invite": ("admin", None),
    "people.import_people": ("admin", None),
    "people.deactivate": ("admin", "/people/{learner}"),
    "people.reactivate": ("admin", "/people/{learner}"),
    "people.resend_invitation": ("admin", "/people/{learner}"),
    "people.edit_administration /administrations/new": ("admin", None),
    "people.edit_administration /administrations/<int:administration_id>/edit": ("admin", None),
    "admin.retry": ("admin", "/admin/jobs"),
    "admin.retry_all": ("admin", "/admin/jobs"),
    "certificates.issue": ("admin", None),
    "certificates.revoke": ("admin", None),
    "certificates.reissue": ("admin", None),
    "cohorts.edit_cohort /cohorts/new": ("coordinator_a", None),
    "cohorts.edit_cohort /cohorts/<int:cohort_id>/edit": ("coordinator_a", None),
    "cohorts.add_member": ("coordinator_a", "/cohorts/{cohort}"),
    "cohorts.import_members": ("coordinator_a", "/cohorts/{cohort}"),
    "cohorts.remove_member": ("coordinator_a", "/cohorts/{cohort}"),
    "cohorts.prepare_certificates_zip": ("directorate", "/cohorts/{cohort}"),
    "directorate.prepare_export": ("directorate", "/directorate?start=2020-01-01&end=2026-12-31"),
    "auth.account_sex": ("learner_a", "/account"),
    "people.person_sex": ("directorate", "/people/{learner}"),
    "results.edit_result /projects/<code>/results/new": ("directorate", None),
    "results.edit_result /projects/<code>/results/<int:result_id>": ("directorate", None),
    "results.edit_indicator /projects/<code>/results/<int:result_id>/indicators/new": ("directorate", None),
    "results.edit_indicator /projects/<code>/results/<int:result_id>/indicators/<int:indicator_id>": (
        "directorate",
        None,
    ),
    "results.enter_value": ("directorate", None),
    "results.edit_risk /projects/<code>/risks/new": ("directorate", None),
    "results.edit_risk /projects/<code>/risks/<int:risk_id>": ("directorate", None),
    "results.thresholds": ("directorate", None),
    "donor.period": ("directorate", None),
    "donor.import_indicator_values": ("directorate", None),
    "directorate.edit_project /projects/new": ("directorate", None),
    "directorate.edit_project /projects/<code>/edit": ("directorate", None),
    "directorate.edit_milestone /projects/<code>/milestones/new": ("directorate", None),
    "directorate.edit_milestone /projects/<code>/milestones/<int:milestone_id>": ("directorate", None),
    "directorate.edit_target /projects/<code>/targets/new": ("directorate", None),
    "directorate.edit_target /projects/<code>/targets/<int:target_id>": ("directorate", None),
    "workshops.edit /workshops/new": ("directorate", None),
    "workshops.edit /workshops/<int:workshop_id>/edit": ("directorate", None),
    "workshops.add_session": ("directorate", "/workshops/{workshop}"),
    "workshops.add_material": ("directorate", "/workshops/{workshop}"),
    "workshops.output": ("directorate", "/workshops/{workshop}"),
    "workshops.register_officer": ("directorate", "/workshops/{workshop}"),
    "workshops.attendance": ("directorate", None),
    "workshops.attendance_csv": ("directorate", "/workshops/{workshop}/attendance"),
    # The course editor, on the draft of data-in-practice: what removes or publishes comes last.
    "authoring.new": ("directorate", None),
    "authoring.import_course": ("admin", None),
    "authoring.details": ("directorate", None),
    "authoring.add_module": ("directorate", "{course}"),
    "authoring.change_module": ("directorate", "{course}"),
    "authoring.reorder": ("directorate", "{course}"),
    "authoring.start": ("directorate", "{course}"),
    "authoring.new_lesson": ("directorate", None),
    "authoring.lesson": ("directorate", None),
    "authoring.preview": ("directorate", "{course}/lessons/indicators"),
    "authoring.add_attachment": ("directorate", "{course}/lessons/indicators"),
    "authoring.move_lesson": ("directorate", "{course}"),
    "authoring.new_assessment": ("directorate", None),
    "authoring.assessment": ("directorate", None),
    "authoring.new_question": ("directorate", None),
    "authoring.question": ("directorate", None),
    "authoring.assign_author": ("directorate", "{course}"),
    "authoring.remove_attachment": ("directorate", "{course}/lessons/indicators"),
    "authoring.change_question": ("directorate", "{course}/assessments/final"),
    "authoring.remove_lesson": ("directorate", "{course}"),
    "authoring.remove_assessment": ("directorate", "{course}/assessments/final"),
    "authoring.remove_author": ("directorate", "{course}"),
    "authoring.publish": ("directorate", "{course}"),
    "authoring.discard": ("directorate", "{course}"),
}

HOSTILE = [
    "", " ", "\t\r\n", "0", "-1", "-0", "1.5", "1,5", "1e309", "-1e309", "NaN", "inf", "0x10", "١٢٣",
    "99999999999999999999999999999999", "-99999999999999999999999999999999", "2147483648", "9223372036854775808",
    "0000-00-00", "2025-02-30", "2025-13-01", "9999-12-31", "0001-01-01", "-2025-01-01", "2025-01-01T25:61",
    "10000-01-01", "2025-1-1", "true", "false", "on", "None", "null", "[]", "{}", "\x00", "a\x00b", "\x1b[31m",
    "\u202e", "ǅ", "🙂" * 80, "A" * 5000, "é" * 40_000, "<script>alert(1)</script>", "' OR 1=1 --", "%s%n",
    "{{7*7}}", "../../etc/passwd", "CON", "x@y", "a@b.c", "learner.a@example.org", "LEARNER.A@EXAMPLE.ORG ",
    "pending@example.org", "KE", "SN", "WCO", "ZZ", "learner", "admin", "coordinator", "https://example.org",
    "javascript:alert(1)", "=cmd|' /C calc'!A0", "q1", "c0", "i0", "p0", "submit", "delete",
]  # fmt: skip

#: Routes whose form lives elsewhere: saving as you go posts the attempt form's fields.
FORM_OF = {
    "assessments.autosave": "/attempts/{attempt}",
    "authoring.preview": "/author/data-in-practice/lessons/indicators",
}

CSV_HEADERS = ["email", "full_name", "administration", "role", "session", "present", "Email", " email ", "", "x"]


def values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=300),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(str),
    )


def csv_files() -> st.SearchStrategy[bytes]:
    cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40).filter(lambda t: "\x00" not in t))
    rows = st.lists(st.lists(cell, min_size=0, max_size=6), max_size=8)
    header = st.lists(st.sampled_from(CSV_HEADERS), min_size=1, max_size=5)
    separator = st.sampled_from([",", ";", "\t"])
    text = st.builds(lambda h, r, s: "\n".join(s.join(line) for line in [h, *r]), header, rows, separator).map(
        lambda t: t.encode("utf-8")
    )
    return st.one_of(text, text.map(lambda b: b"\xef\xbb\xbf" + b), st.binary(max_size=500))


def filenames() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["x.csv", "x.html", "..", "../../etc/passwd", "a" * 300, "CON", "\u202egpj.exe", "é.pdf"]),
        st.text(min_size=1, max_size=60).filter(lambda t: not set(t) & set('"\r\n\x00\\')),
    )


class FormReader(HTMLParser):
    """The form that posts to `action` on a page: its fields, the values the page offers for each, the value each
    holds now, its type and its maxlength."""

    def __init__(self, page_path: str, action: str) -> None:
        super().__init__()
        self.page_path, self.action = page_path, action
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self.current: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.maxlength: dict[str, int] = {}
        self.files: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            target = urlsplit(attrs.get("action") or self.page_path).path
            self.inside = (attrs.get("method") or "get").lower() == "post" and target == urlsplit(self.action).path
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag in ("input", "textarea", "select", "button") and name and name != "csrf_token":
            kind = attrs.get("type") or tag
            if attrs.get("inputmode") in ("decimal", "numeric"):
                kind = "number"
            offered = self.fields.setdefault(name, [])
            self.types.setdefault(name, kind)
            if attrs.get("maxlength", "").isdigit():
                self.maxlength[name] = int(attrs["maxlength"])
            if attrs.get("value") is not None and kind not in ("submit", "button"):
                offered.append(attrs["value"])
                if kind not in ("checkbox", "radio") or "checked" in attrs:
                    self.current.setdefault(name, attrs["value"])
            if kind == "file":
                self.files.add(name)
            if tag == "select":
                self._select = name
            if tag == "textarea":
                self._textarea = name
        if tag == "option" and self._select and attrs.get("value") is not None:
            self.fields[self._select].append(attrs["value"])
            if "selected" in attrs or not self.current.get(self._select):
                self.current[self._select] = attrs["value"]

    def handle_data(self, data) -> None:
        if self._textarea:
            self.current[self._textarea] = self.current.get(self._textarea, "") + data

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    @property
    def text_fields(self) -> list[str]:
        """Fields that take free text (not a choice among offered values, not a file)."""
        free = {"text", "textarea", "email", "url", "search", "password", "tel"}
        return [name for name, kind in self.types.items() if kind in free]


#: Files that the upload forms accept, to build a valid base form the NUL and length examples start from.
BASE_FILES = {
    "people.import_people": b"email,full_name,administration,role\ncsv.officer@example.org,New Officer,KE,learner\n",
    "cohorts.import_members": b"email,full_name\ncohort.officer@example.org,New Officer\n",
    "workshops.attendance_csv": b"email,session,present\nlearner.a@example.org,1,yes\n",
}
#: Values a route's base form needs that no field tells (an account that exists, for instance).
BASE_VALUES = {
    "certificates.issue": {"email": "learner.a@example.org"},
    "cohorts.add_member": {"email": "learner.a@example.org"},
    "workshops.register_officer": {"email": "learner.a@example.org"},
}


def _plausible(name: str, kind: str) -> str:
    """A value that passes validation for an empty field, judged by its type and name."""
    day = date.today() + timedelta(days=30)  # inside the world's project and workshop
    if kind == "date":
        return day.isoformat()
    if kind == "datetime-local":
        return f"{day.isoformat()}T{'10' if 'end' in name else '09'}:00"
    if kind == "email":
        return "new.officer@example.org"
    if kind == "url":
        return "https://example.org/evidence"
    if kind == "number" or name in ("year", "capacity", "target_value", "hours"):
        return str(day.year) if name == "year" else "10"
    if name == "code":
        return "FR"
    return "Plausible text"


def explicit_examples(key: str, reader: FormReader) -> list[MultiDict]:
    """Forms built to pass validation, each with one free-text field (or the uploaded file) holding a NUL character
    or filled to its maxlength: they reach the database, where a careless column or check would fail."""
    base: dict[str, object] = {}
    for name, kind in reader.types.items():
        if kind in ("submit", "button") or (kind == "checkbox" and name not in reader.current):
            continue
        offered = [value for value in reader.fields.get(name, []) if value]
        if name in reader.files:
            base[name] = (BASE_FILES.get(key, b"%PDF-1.4 plausible"), "plausible.csv")
        else:
            current = (reader.current.get(name) or "").strip()
            base[name] = current or (offered[0] if offered else _plausible(name, kind))
    base.update(BASE_VALUES.get(key, {}))
    examples = []
    for name in reader.text_fields:
        value = str(base.get(name) or "x")
        examples.append({**base, name: value[:1] + "\x00" + value[1:]})
        examples.append({**base, name: ("A" * reader.maxlength[name]) if name in reader.maxlength else "A" * 5000})
    for name in sorted(reader.files) if key in BASE_FILES else []:
        content, filename = base[name]
        examples.append({**base, name: (content.replace(b"New Officer", b"New\x00Officer"), filename)})
        examples.append({**base, name: (content.replace(b"New Officer", b"N" * 5000), filename)})
    result = []
    for form in [base, *examples]:
        data = MultiDict()
        for name, value in form.items():
            data.add(name, value)
        result.append(data)
    return result


def _with_files(data: MultiDict) -> MultiDict:
    """The same form, each (bytes, filename) upload made a fresh stream (a stream is consumed by one post)."""
    return MultiDict([(k, (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v) for k, v in data.items(multi=True)])


def form_data(fields: dict[str, list[str]], files: set[str]) -> st.SearchStrategy[MultiDict]:
    """Random form contents: each field missing, given once or twice, with a hostile or an offered value."""

    def field(name: str, offered: list[str]):
        if name in files:
            return st.one_of(st.none(), st.tuples(st.one_of(csv_files(), st.binary(max_size=2000)), filenames()))
        one = st.one_of(values(), st.sampled_from(offered)) if offered else values()
        return st.one_of(st.none(), one, one, st.lists(one, min_size=2, max_size=3))

    named = st.fixed_dictionaries({name: field(name, offered) for name, offered in fields.items()})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), values(), max_size=2)

    def build(chosen: dict, more: dict) -> MultiDict:
        data = MultiDict()
        for name, value in {**more, **chosen}.items():
            if name == "csrf_token" or value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                data.add(name, item)
        return data

    return st.builds(build, named, extra)


def _open_attempt(app, world) -> int:
    """A second, open attempt of learner A showing every question of the bank (every type), so answers of every
    kind can be saved (the world's first attempt is submitted)."""
    import random

    from app.assessments import services
    from app.assessments.models import Assessment, Question
    from app.assessments.types import TYPES

    with app.app_context():
        learner = db.session.get(User, world.people["learner_a"].id)
        assessment = db.session.scalar(sa.select(Assessment).where(Assessment.slug == "final"))
        attempt = services.start_attempt(learner, assessment)
        bank = db.session.scalars(sa.select(Question).where(Question.assessment_id == assessment.id)).all()
        attempt.question_ids = [q.id for q in bank]
        # The form below posts bank ids: tokens that are the bank ids, as attempts from before tokens have.
        layouts = {str(q.id): TYPES[q.type].layout(q.spec, False, random.Random(1), token=str) for q in bank}
        attempt.orders = services.orders_for(layouts)
        db.session.commit()
        return attempt.id


def _tier_certificate(app, world) -> str:
    """Learner A's other certificate (the tier's): revoked by one route while the other reissues the course's."""
    from app.certificates.models import Certificate

    with app.app_context():
        return db.session.scalar(
            sa.select(Certificate.code).where(
                Certificate.user_id == world.people["learner_a"].id, Certificate.kind == "tier"
            )
        )


def _fresh_tokens(app, world) -> None:
    """New reset and invitation links (a successful post uses them up)."""
    from app.auth import services

    with app.app_context():
        world.reset_token = services.make_token(
            db.session.get(User, world.people["learner_a"].id), services.PASSWORD_RESET
        )
        world.invitation_token = services.make_token(db.session.get(User, world.pending_id), services.INVITATION)


def _form_page(template: str | None, url: str, world, attempt_id: int) -> str:
    if template is None:
        return url
    return template.format(
        attempt=f"/attempts/{attempt_id}",
        workshop=world.workshop_id,
        learner=world.people["learner_a"].id,
        cohort=world.cohort_id,
        course="/author/data-in-practice",
    )


def _describe(error: BaseException) -> str:
    """An error and the example that caused it; each one of a group (hypothesis found several)."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(_describe(one) for one in error.exceptions)
    notes = "\n".join(getattr(error, "__notes__", []))
    return f"  {type(error).__name__}: {str(error)[:400]}\n  {notes[:1200]}"


def _post_rules(app):
    return [rule for rule in enumerate_rules(app) if methods(rule) & {"POST", "PUT", "PATCH", "DELETE"}]


def test_every_form_route_is_fuzzed(app):
    """Is every route that takes a POST listed in ROUTES (with who may post to it), and nothing else?"""
    keys = {route_key(app, rule) for rule in _post_rules(app)}
    assert sorted(keys - ROUTES.keys()) == [], "POST routes missing from ROUTES"
    assert sorted(ROUTES.keys() - keys) == [], "ROUTES names routes that no longer exist"


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _fuzzer(app, world, session: dict, rule, key: str, url: str, method: str, reader: FormReader):
    """The hypothesis test of one route: post generated forms, never get a server error."""

    @FUZZ_SETTINGS
    @given(data=form_data(reader.fields, reader.files))
    def post(data: MultiDict) -> None:
        limiter.reset()  # rate limits are tested elsewhere; here they would hide the handlers
        target = url
        if key in ("auth.reset_password", "auth.accept_invitation"):
            _fresh_tokens(app, world)
            target = url_for_rule(rule, world)
        client = session["client"]
        # A post may have ended the session (no form, no token): the request is then refused, never a 500.
        data = MultiDict([("csrf_token", token_of(client) or ""), *_with_files(data).items(multi=True)])
        response = client.open(target, method=method, data=data)
        response.close()
        assert response.status_code < 500, f"{key}: {response.status_code}"

    for data in explicit_examples(key, reader):
        post = example(data=data)(post)
    return post


@pytest.mark.parametrize("actor", sorted({actor for actor, _page in ROUTES.values()}))
def test_forms_never_answer_with_a_server_error(app, world, actor):
    """Whatever this actor posts to the forms they may use (random, hostile, missing or duplicated fields), is the
    answer never a 500?"""
    attempt_id = _open_attempt(app, world)
    rules = {route_key(app, rule): rule for rule in _post_rules(app)}
    mine = [key for key, (who, _page) in ROUTES.items() if who == actor and key in rules]
    assert mine, f"no route to fuzz as {actor}"
    session = {"client": login_client(app, world, actor)}
    failures = []
    for key in mine:
        rule = rules[key]
        url = url_for_rule(rule, world).replace(f"/attempts/{world.attempt_id}", f"/attempts/{attempt_id}")
        if key == "certificates.revoke":
            url = url.replace(world.certificate_code, _tier_certificate(app, world))
        page = _form_page(ROUTES[key][1], url, world, attempt_id)
        reader = FormReader(page, FORM_OF.get(key, url).format(attempt=attempt_id))
        reader.feed(session["client"].get(page).get_data(as_text=True))
        method = sorted(methods(rule) & {"POST", "PUT", "PATCH", "DELETE"})[0]
        try:
            _fuzzer(app, world, session, rule, key, url, method, reader)()
        except Exception as error:  # noqa: BLE001 (every failure of every route is reported together)
            failures.append(f"{key} ({method} {url}):\n" + _describe(error))
        if actor != "anonymous" and session["client"].get("/account").status_code != 200:
            session["client"] = login_client(app, world, actor)  # a post may have ended the session
    assert failures == [], f"{len(failures)} route(s) failed:\n\n" + "\n\n".join(failures)


#: What a URL can carry that a form cannot refuse: a NUL, numbers beyond any column, odd text.
PATH_VALUES = ["a\x00b", "A" * 3000, "%", "..", "é🙂", "' OR '1'='1", "-1", "KE-DATA\x00"]
NUMBER_VALUES = ["0", "2147483648", "99999999999999999999"]
QUERY_VALUES = ["a\x00b", "99999999999999999999", "-1", "0", "A" * 3000, "2025-02-30", "%_", "[]", "é🙂"]
#: Every query-string parameter the views read (request.args, pagination, the verification form).
QUERY_PARAMETERS = [
    "q", "administration", "course", "completed", "region", "start", "end", "track", "session", "code", "page",
    "per_page", "user", "entity", "entity_id",
]  # fmt: skip


def _url_variants(rule, world) -> list[tuple[str, dict]]:
    """The rule's URL with each parameter replaced by each hostile value, and with hostile query strings."""
    values = world.url_values(rule.endpoint)
    variants: list[tuple[str, dict]] = []
    for name, converter in parameters(rule).items():
        for value in NUMBER_VALUES if converter == "int" else PATH_VALUES:
            variants.append((fill(rule, {**values, name: value}), {}))
    base = fill(rule, values)
    for value in QUERY_VALUES:
        variants.append((base, dict.fromkeys(QUERY_PARAMETERS, value)))
        variants.append((base, {"format": value, "table": value}))
        variants.append((base, {"format": "csv", "table": value}))
    return variants


def test_urls_never_answer_with_a_server_error(app, world):
    """Does any GET route answer a hostile URL parameter or query string (a NUL, a number beyond any column, odd
    text) with a server error?"""
    client = login_client(app, world, "admin")
    failures = []
    for rule in enumerate_rules(app):
        if "GET" not in methods(rule):
            continue
        for url, query in _url_variants(rule, world):
            limiter.reset()
            try:
                response = client.get(url, query_string=query)
                response.close()
                status = response.status_code
            except Exception as error:  # noqa: BLE001 (every failure is reported together)
                status = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
            if not isinstance(status, int) or status >= 500:
                shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in list(query.items())[:3]}
                failures.append(f"{route_key(app, rule)}: GET {url[:90]!r} {shown} → {status}")
    assert failures == [], f"{len(failures)} URL(s) failed:\n" + "\n".join(failures)
