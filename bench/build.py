"""Build a synthetic academy in a bench database, fast, with bulk inserts into the app's own tables.

Run after `flask db upgrade` and `flask content sync` on the same database (the driver, run.py,
does all three). Deterministic: the same size and seed give the same academy (certificate codes
and session tokens aside).

    python bench/build.py --database-url sqlite:///bench/runs/S/academy.sqlite --size S --out facts.json

At size L: 180 administrations, 20,000 learners, about 50,000 enrolments, 300,000 lesson progress
rows, 100,000 assessment attempts (with their responses), 50 projects with milestones, targets
and cohorts. M is a tenth of that, S a hundredth. On top of the population, the same "featured"
accounts exist at every size, so that a page's SQL statement count can be compared across sizes:
32 page learners with one fixed history, a directorate officer, a learner ready for the final
assessment (for counting the exam's statements) and the exam spike's learners.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.datastructures import MultiDict  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

import app.assessments.models  # noqa: E402, F401  (every model registers its table)
import app.audit.models  # noqa: E402, F401
import app.auth.models  # noqa: E402, F401
import app.certificates.models  # noqa: E402, F401
import app.courses.models  # noqa: E402, F401
import app.directorate.models  # noqa: E402, F401
from app.assessments.services import orders_for  # noqa: E402
from app.assessments.types import TYPES  # noqa: E402
from app.auth.models import Region  # noqa: E402
from app.certificates.codes import new_code  # noqa: E402
from app.extensions import db  # noqa: E402

T = db.metadata.tables

#: Size L; M is a tenth, S a hundredth.
FULL = {
    "administrations": 180,
    "learners": 20_000,
    "enrolments": 50_000,
    "lesson_progress": 300_000,
    "attempts": 100_000,
    "projects": 50,
}
FACTORS = {"S": 0.01, "M": 0.1, "L": 1.0}

PASSWORD = "bench-password-2026"  # noqa: S105 (synthetic accounts on a throwaway database)
DOMAIN = "bench.test"
PAGE_LEARNERS = 32
#: Learners enrolled in COURSE who have opened none of its lessons: run.py's "first visits" crowd.
FIRST_VISIT_LEARNERS = 32
COURSE = "customs-data-foundations"  # the lesson page, the exam spike and the stored certificate
ISSUER = "Customs Data Academy"
#: The page learners' history: (course slug, lessons completed or "all", attempts failed, passed).
PAGE_HISTORY = [
    ("customs-data-foundations", "all", 1, True),
    ("evidence-based-policy-making", "all", 0, True),
    ("risk-and-fraud-analytics", 4, 1, False),
    ("data-governance-and-ethics", 2, 0, False),
    ("capacity-building-framework", 0, 0, False),
]
FEATURED_PROJECT_COURSES = ["customs-data-foundations", "risk-and-fraud-analytics", "evidence-based-policy-making"]


def targets_for(size: str) -> dict[str, int]:
    factor = FACTORS[size]
    wanted = {key: round(value * factor) for key, value in FULL.items()}
    wanted["administrations"] = max(2, wanted["administrations"])
    wanted["projects"] = max(1, wanted["projects"])
    return wanted


class Ids:
    """Primary keys handed out in Python, so related rows are built without a round trip."""

    def __init__(self, conn) -> None:
        self.conn, self.next = conn, {}

    def __call__(self, table: str) -> int:
        if table not in self.next:
            self.next[table] = (self.conn.scalar(sa.select(sa.func.max(T[table].c.id))) or 0) + 1
        value = self.next[table]
        self.next[table] += 1
        return value


class Rows:
    """Rows waiting to be inserted, table by table, in foreign key order."""

    ORDER = [
        "administrations",
        "users",
        "enrolments",
        "lesson_progress",
        "attempts",
        "responses",
        "certificates",
        "projects",
        "project_administrations",
        "project_courses",
        "milestones",
        "targets",
        "cohorts",
        "cohort_courses",
        "cohort_members",
        "audit_entries",
    ]

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {name: [] for name in self.ORDER}

    def add(self, table: str, **row) -> dict:
        self.tables[table].append(row)
        return row

    def insert(self, conn, chunk: int = 20_000) -> dict[str, float]:
        seconds = {}
        for name in self.ORDER:
            started = time.perf_counter()
            # executemany needs the same keys in every row of a batch.
            shapes: dict[tuple, list[dict]] = {}
            for row in self.tables[name]:
                shapes.setdefault(tuple(row), []).append(row)
            for rows in shapes.values():
                for start in range(0, len(rows), chunk):
                    conn.execute(T[name].insert(), rows[start : start + chunk])
            seconds[name] = time.perf_counter() - started
        return seconds


# Answers -------------------------------------------------------------------------------------


def answer_fields(qid: int, qtype: str, spec: dict, right: bool) -> list[tuple[str, str]]:
    """The form fields that answer a question, rightly or wrongly (as a browser would post them)."""
    name = f"q{qid}"
    if qtype in ("single_choice", "multiple_choice"):
        correct = [c["id"] for c in spec["choices"] if c["correct"]]
        wrong = [c["id"] for c in spec["choices"] if not c["correct"]] or correct
        if qtype == "single_choice":
            return [(name, correct[0] if right else wrong[0])]
        return [(name, cid) for cid in (correct if right else wrong[:1])]
    if qtype == "true_false":
        return [(name, "true" if spec["answer"] == right else "false")]
    if qtype == "numeric":
        return [(name, repr(spec["answer"] if right else spec["answer"] + 1000 + 10 * spec["tolerance"]))]
    if qtype == "short_text":
        return [(name, spec["accepted"][0] if right else "no idea")]
    items = [item["id"] for item in spec["items"]]
    if qtype == "ordering":
        order = items if right else items[::-1] if len(items) > 1 else items
        return [(f"{name}-{item}", str(order.index(item) + 1)) for item in items]
    if qtype == "matching":
        shifted = items if right else items[1:] + items[:1]
        return [(f"{name}-{left}", target) for left, target in zip(items, shifted, strict=True)]
    raise ValueError(qtype)


def stored_answer(qid: int, qtype: str, spec: dict, right: bool):
    """What the app stores for that answer: the question type reads the posted fields (on a page whose
    tokens are the bank ids, as answer_fields writes them)."""
    layout = TYPES[qtype].layout(spec, False, random.Random(0), token=str)
    return TYPES[qtype].read(spec, layout, MultiDict(answer_fields(qid, qtype, spec, right)), f"q{qid}")


def labels(qtype: str, spec: dict) -> dict[str, dict[str, str]]:
    """The text the attempt page shows for each bank id: how a learner finds a choice under its token."""
    if qtype in ("single_choice", "multiple_choice"):
        return {
            "choices": {
                c["id"]: " ".join(html.unescape(re.sub("<[^>]+>", " ", c["html"])).split()) for c in spec["choices"]
            }
        }
    if qtype == "ordering":
        return {"items": {item["id"]: item["text"] for item in spec["items"]}}
    if qtype == "matching":
        return {
            "left": {item["id"]: item["left"] for item in spec["items"]},
            "right": {item["id"]: item["right"] for item in spec["items"]},
        }
    return {}


# The curriculum, as synced -------------------------------------------------------------------


def load_curriculum(conn) -> dict:
    courses = {}
    rows = conn.execute(
        sa.select(T["courses"].c.id, T["courses"].c.slug, T["courses"].c.title, T["courses"].c.track_id)
        .add_columns(T["courses"].c.tier_id, T["courses"].c.estimated_hours, T["courses"].c.version)
        .add_columns(T["tiers"].c.rank, T["tiers"].c.title.label("tier_title"), T["tracks"].c.slug.label("track_slug"))
        .add_columns(T["tracks"].c.title.label("track_title"), T["tiers"].c.slug.label("tier_slug"))
        .join(T["tiers"], T["tiers"].c.id == T["courses"].c.tier_id)
        .join(T["tracks"], T["tracks"].c.id == T["courses"].c.track_id)
        .where(T["courses"].c.retired_at.is_(None))
        .order_by(T["tracks"].c.position, T["tiers"].c.rank)
    ).mappings()
    for row in rows:
        courses[row["slug"]] = dict(row, lessons=[], assessment=None)
    by_id = {c["id"]: c for c in courses.values()}
    lessons = T["lessons"]
    for row in conn.execute(
        sa.select(lessons.c.id, lessons.c.course_id, lessons.c.slug, lessons.c.kind, lessons.c.optional)
        .where(lessons.c.retired_at.is_(None))
        .order_by(lessons.c.course_id, lessons.c.position)
    ).mappings():
        if row["course_id"] in by_id:
            by_id[row["course_id"]]["lessons"].append(dict(row))
    assessments, questions = T["assessments"], T["questions"]
    for row in conn.execute(
        sa.select(assessments).where(assessments.c.retired_at.is_(None), assessments.c.required.is_(True))
    ).mappings():
        if row["course_id"] in by_id and by_id[row["course_id"]]["assessment"] is None:
            by_id[row["course_id"]]["assessment"] = dict(row, questions=[])
    by_assessment = {c["assessment"]["id"]: c["assessment"] for c in courses.values() if c["assessment"]}
    for row in conn.execute(
        sa.select(questions.c.id, questions.c.assessment_id, questions.c.type, questions.c.spec, questions.c.points)
        .where(questions.c.retired_at.is_(None))
        .order_by(questions.c.position)
    ).mappings():
        if row["assessment_id"] in by_assessment:
            by_assessment[row["assessment_id"]]["questions"].append(dict(row))
    if COURSE not in courses or not any(lesson["kind"] == "notebook" for lesson in courses[COURSE]["lessons"]):
        raise SystemExit(f"No course {COURSE} with a notebook lesson: run `flask content sync` first.")
    for course in courses.values():
        course["required"] = [lesson for lesson in course["lessons"] if not lesson["optional"]]
    return courses


# The academy -------------------------------------------------------------------------------


class Academy:
    def __init__(self, conn, size: str, seed: int, spike: int) -> None:
        self.conn, self.size, self.spike = conn, size, spike
        self.rng = random.Random(seed)
        self.ids = Ids(conn)
        self.rows = Rows()
        self.wanted = targets_for(size)
        self.now = datetime.now().replace(microsecond=0)
        self.today = date.today()
        self.courses = load_curriculum(conn)
        self.by_track: dict[int, list[dict]] = {}
        for course in self.courses.values():
            self.by_track.setdefault(course["track_id"], []).append(course)
        for track in self.by_track.values():
            track.sort(key=lambda c: c["rank"])
        self.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # cheap on purpose
        self.users_by_admin: dict[int, list[int]] = {}
        self.names: dict[int, str] = {}
        self.certificate_of_page_learner: str | None = None

    def days_ago(self, low: float, high: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(low, high), seconds=self.rng.randrange(86400))

    # People --------------------------------------------------------------------------------

    def administrations(self) -> list[dict]:
        import pycountry

        secretariat = self.conn.execute(
            sa.select(T["administrations"].c.id).where(T["administrations"].c.code == "WCO")
        ).scalar()
        if secretariat is None:
            secretariat = self.rows.add(
                "administrations", id=self.ids("administrations"), code="WCO", name="WCO Secretariat", region=None
            )["id"]
        self.secretariat = secretariat
        countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
        regions = list(Region)
        result = []
        for index, country in enumerate(countries[: self.wanted["administrations"]]):
            result.append(
                self.rows.add(
                    "administrations",
                    id=self.ids("administrations"),
                    code=country.alpha_2,
                    name=f"Customs administration of {country.name}"[:200],
                    region=regions[index % len(regions)].value,
                    created_at=self.days_ago(900, 1000),
                )
            )
        return result

    def user(self, email: str, name: str, role: str, administration_id: int, login: bool = True) -> int:
        user_id = self.ids("users")
        self.rows.add(
            "users",
            id=user_id,
            email=email,
            full_name=name,
            password_hash=self.password_hash,
            role=role,
            administration_id=administration_id,
            active=True,
            session_token=f"{self.rng.getrandbits(128):032x}",
            locale=None,
            created_at=self.days_ago(720, 900),
            last_login_at=self.days_ago(0, 60) if login else None,
        )
        self.names[user_id] = name
        return user_id

    # Learning ------------------------------------------------------------------------------

    def enrol(self, user_id: int, course: dict, lessons_done, failed: int, passed: bool, since: datetime) -> None:
        """One enrolment with its lesson progress, attempts (with responses) and certificates."""
        required = course["required"]
        done = len(required) if lessons_done == "all" else min(lessons_done, len(required))
        completed = passed and done == len(required)
        enrolled_at = since
        finished = enrolled_at + timedelta(days=self.rng.uniform(5, 60))
        finished = min(finished, self.now - timedelta(minutes=5))
        opened = required[: done + (1 if done < len(required) and self.rng.random() < 0.5 else 0)]
        moments = sorted(enrolled_at + (finished - enrolled_at) * self.rng.random() for _ in opened)
        for lesson, moment in zip(opened, moments, strict=True):
            self.rows.add(
                "lesson_progress",
                id=self.ids("lesson_progress"),
                user_id=user_id,
                lesson_id=lesson["id"],
                first_opened_at=moment,
                completed_at=moment + timedelta(minutes=30) if lesson in required[:done] else None,
            )
        self.rows.add(
            "enrolments",
            id=self.ids("enrolments"),
            user_id=user_id,
            course_id=course["id"],
            enrolled_at=enrolled_at,
            completed_at=finished if completed else None,
            last_lesson_id=opened[-1]["id"] if opened else None,
            lessons_completed=done,
        )
        assessment = course["assessment"]
        if assessment is not None:
            limit = assessment["max_attempts"] or 3
            failed = min(failed, limit - (1 if passed else 0))
            for number in range(1, failed + (1 if passed else 0) + 1):
                self.attempt(user_id, assessment, number, passed and number == failed + 1, finished)
        if completed:
            self.certificates(user_id, course, finished)

    def attempt(self, user_id: int, assessment: dict, number: int, passed: bool, when: datetime) -> None:
        bank = assessment["questions"]
        drawn = self.rng.sample(bank, min(assessment["draw"], len(bank)))
        maximum = sum(q["points"] for q in drawn)
        for _ in range(20):
            right = {q["id"]: self.rng.random() < (0.85 if passed else 0.45) for q in drawn}
            score = sum(q["points"] for q in drawn if right[q["id"]])
            if (100 * score / maximum >= assessment["pass_mark"]) == passed:
                break
        else:
            right = {q["id"]: passed for q in drawn}
            score = maximum if passed else 0
        attempt_id = self.ids("attempts")
        started = when - timedelta(minutes=self.rng.uniform(15, 35) + 60 * (3 - number))
        self.rows.add(
            "attempts",
            id=attempt_id,
            assessment_id=assessment["id"],
            user_id=user_id,
            number=number,
            status="submitted",
            started_at=started,
            deadline=started + timedelta(minutes=assessment["time_limit_minutes"])
            if assessment["time_limit_minutes"]
            else None,
            submitted_at=started + timedelta(minutes=12),
            question_ids=[q["id"] for q in drawn],
            orders=orders_for(
                {
                    str(q["id"]): TYPES[q["type"]].layout(q["spec"], assessment["shuffle_choices"], self.rng)
                    for q in drawn
                }
            ),
            score=float(score),
            max_score=float(maximum),
            percent=round(100 * score / maximum, 2),
            passed=passed,
        )
        for q in drawn:
            self.rows.add(
                "responses",
                id=self.ids("responses"),
                attempt_id=attempt_id,
                question_id=q["id"],
                answer=self.answers[(q["id"], right[q["id"]])],
                saved_at=started + timedelta(minutes=10),
                credit=1.0 if right[q["id"]] else 0.0,
            )

    def certificates(self, user_id: int, course: dict, when: datetime) -> None:
        status = "revoked" if self.rng.random() < 0.01 else "valid"
        code = new_code()
        self.rows.add(
            "certificates",
            id=self.ids("certificates"),
            code=code,
            user_id=user_id,
            kind="course",
            achievement_key=f"course/{course['slug']}/{course['version']}",
            course_id=course["id"],
            title=course["title"],
            track_title=course["track_title"],
            tier_title=course["tier_title"],
            recipient_name=self.names[user_id],
            hours=course["estimated_hours"],
            course_version=course["version"],
            issuer=ISSUER,
            issued_at=when,
            status=status,
            revoked_at=when + timedelta(days=3) if status == "revoked" else None,
            revoked_reason="Synthetic revocation" if status == "revoked" else None,
        )
        if self.certificate_of_page_learner is None and course["slug"] == COURSE and user_id == self.page_learners[0]:
            self.certificate_of_page_learner = code
        # Every tier of a shipped track has one course: completing it completes the tier.
        if len([c for c in self.by_track[course["track_id"]] if c["tier_id"] == course["tier_id"]]) == 1:
            self.rows.add(
                "certificates",
                id=self.ids("certificates"),
                code=new_code(),
                user_id=user_id,
                kind="tier",
                achievement_key=f"tier/{course['track_slug']}/{course['tier_slug']}",
                course_id=None,
                title=f"{course['track_title']} — {course['tier_title']}",
                track_title=course["track_title"],
                tier_title=course["tier_title"],
                recipient_name=self.names[user_id],
                hours=course["estimated_hours"],
                issuer=ISSUER,
                issued_at=when,
                status="valid",
            )

    def history(self, user_id: int, enrolments_wanted: float, progress_per_enrolment: float):
        """A random but plausible learner history: tiers in order within tracks."""
        k = max(1, min(9, round(self.rng.expovariate(1 / max(0.1, enrolments_wanted - 0.45)) + 0.5)))
        tracks = list(self.by_track.values())
        self.rng.shuffle(tracks)
        plan = [course for track in tracks for course in track][:k]
        since = self.days_ago(30, 700)
        for index, course in enumerate(plan):
            continues = index + 1 < len(plan) and plan[index + 1]["track_id"] == course["track_id"]
            finishes = continues or self.rng.random() < 0.45
            lessons = len(course["required"])
            if finishes:
                done, failed = "all", self.rng.choices((0, 1, 2), (0.15, 0.35, 0.5))[0]
            else:
                done = min(lessons, max(0, round(self.rng.gauss(progress_per_enrolment, 2))))
                weights = (0.2, 0.3, 0.3, 0.2) if done == lessons else (0.5, 0.3, 0.2, 0.0)
                failed = self.rng.choices((0, 1, 2, 3), weights)[0]
            self.enrol(user_id, course, done, failed, finishes, since)
            since = min(since + timedelta(days=self.rng.uniform(20, 90)), self.now - timedelta(days=1))

    # Projects ------------------------------------------------------------------------------

    def project(self, index: int, administrations: list[dict], leads: list[int], featured: bool) -> None:
        rng, project_id = self.rng, self.ids("projects")
        if featured:
            start = date(self.today.year - 1, 1, 1)
            end = date(self.today.year + 1, 12, 31)
            beneficiaries = administrations[:2]
            course_list = [self.courses[slug] for slug in FEATURED_PROJECT_COURSES]
        else:
            start = self.today - timedelta(days=rng.randrange(0, 1100))
            end = start + timedelta(days=rng.randrange(500, 1500))
            beneficiaries = rng.sample(administrations, min(len(administrations), rng.randint(1, 4)))
            course_list = rng.sample(list(self.courses.values()), rng.randint(2, 4))
        code = f"BENCH-{index + 1:03d}"
        self.rows.add(
            "projects",
            id=project_id,
            code=code,
            title=f"Synthetic capacity building project {index + 1}",
            partner="Synthetic partner",
            start_date=start,
            end_date=end,
            status="active" if featured or rng.random() < 0.8 else rng.choice(["planned", "suspended", "closed"]),
            objectives="Build data capacity in the beneficiary administrations.",
            lead_id=leads[index % len(leads)],
            created_at=datetime.combine(start, datetime.min.time()),
        )
        for administration in beneficiaries:
            self.rows.add("project_administrations", project_id=project_id, administration_id=administration["id"])
        for course in course_list:
            self.rows.add("project_courses", project_id=project_id, course_id=course["id"])
        span = (end - start).days
        for number in range(5 if featured else rng.randint(3, 6)):
            due = start + timedelta(days=span * (number + 1) // 7)
            status = "done" if due < self.today and (featured or rng.random() < 0.8) else "planned"
            self.rows.add(
                "milestones",
                id=self.ids("milestones"),
                project_id=project_id,
                title=f"Milestone {number + 1}",
                due_date=due,
                status=status,
                completed_on=due if status == "done" else None,
                evidence_note="",
            )
        for year in range(start.year, end.year + 1):
            for indicator in ("enrolled", "certified", "custom") if featured else ("enrolled", "certified"):
                self.rows.add(
                    "targets",
                    id=self.ids("targets"),
                    project_id=project_id,
                    year=year,
                    indicator=indicator,
                    track_id=None,
                    tier_id=None,
                    label="Data policy adopted" if indicator == "custom" else "",
                    target_value=float(rng.randint(5, 60)),
                    manual_value=1.0 if indicator == "custom" else None,
                )
        for number in range(3 if featured else rng.randint(1, 3)):
            administration = beneficiaries[number % len(beneficiaries)]
            cohort_id = self.ids("cohorts")
            self.rows.add(
                "cohorts",
                id=cohort_id,
                name=f"{code} cohort {number + 1}",
                administration_id=administration["id"],
                project_id=project_id,
                start_date=start + timedelta(days=30 * number),
                end_date=min(end, start + timedelta(days=30 * number + 180)),
                created_by_id=leads[0],
                created_at=datetime.combine(start, datetime.min.time()),
            )
            for course in course_list:
                self.rows.add("cohort_courses", cohort_id=cohort_id, course_id=course["id"])
            officers = self.users_by_admin.get(administration["id"], [])
            for user_id in rng.sample(officers, min(len(officers), 25 if featured else rng.randint(5, 40))):
                self.rows.add(
                    "cohort_members",
                    id=self.ids("cohort_members"),
                    cohort_id=cohort_id,
                    user_id=user_id,
                    added_at=datetime.combine(start, datetime.min.time()),
                )
        for number in range(25 if featured else rng.randint(2, 8)):
            self.rows.add(
                "audit_entries",
                id=self.ids("audit_entries"),
                at=datetime.combine(start, datetime.min.time()) + timedelta(hours=number),
                user_id=leads[0],
                entity="project",
                entity_id=project_id,
                action="create" if number == 0 else "update",
                label=code,
                before=None if number == 0 else {"status": "planned"},
                after={"status": "active"},
            )

    # Everything ----------------------------------------------------------------------------

    def build(self) -> dict:
        rng, wanted = self.rng, self.wanted
        self.answers = {
            (q["id"], right): stored_answer(q["id"], q["type"], q["spec"], right)
            for course in self.courses.values()
            if course["assessment"]
            for q in course["assessment"]["questions"]
            for right in (True, False)
        }
        administrations = self.administrations()
        first = administrations[0]["id"]
        staff = [
            self.user(f"bench.directorate@{DOMAIN}", "Bench Directorate", "directorate", self.secretariat),
            self.user(f"bench.directorate2@{DOMAIN}", "Bench Directorate Two", "directorate", self.secretariat),
        ]
        self.user(f"bench.admin@{DOMAIN}", "Bench Admin", "admin", self.secretariat)
        self.user(f"bench.trainer@{DOMAIN}", "Bench Trainer", "trainer", self.secretariat)
        for administration in administrations:
            self.user(
                f"coordinator@{administration['code'].lower()}.{DOMAIN}",
                f"Coordinator {administration['code']}",
                "coordinator",
                administration["id"],
            )
        # The featured accounts: the same at every size.
        self.page_learners = []
        for number in range(1, PAGE_LEARNERS + 1):
            user_id = self.user(f"bench.page.{number:02d}@{DOMAIN}", f"Page Learner {number:02d}", "learner", first)
            self.page_learners.append(user_id)
            since = self.now - timedelta(days=400)
            for slug, done, failed, passed in PAGE_HISTORY:
                self.enrol(user_id, self.courses[slug], done, failed, passed, since)
                since += timedelta(days=60)
        counter = self.user(f"bench.counter@{DOMAIN}", "Counter Learner", "learner", first)
        self.enrol(counter, self.courses[COURSE], "all", 0, False, self.now - timedelta(days=30))
        for number in range(1, self.spike + 1):
            administration = administrations[number % len(administrations)]["id"]
            email, name = f"bench.exam.{number:04d}@{DOMAIN}", f"Exam Learner {number:04d}"
            user_id = self.user(email, name, "learner", administration)
            self.enrol(user_id, self.courses[COURSE], "all", 0, False, self.now - timedelta(days=30))
        # The population, calibrated to the wanted totals.
        per_learner = wanted["enrolments"] / max(1, wanted["learners"])
        mean_lessons = sum(len(c["required"]) for c in self.courses.values()) / len(self.courses)
        # About 60% of enrolments are completed (every lesson): the rest make up the progress rows.
        per_enrolment = wanted["lesson_progress"] / max(1, wanted["enrolments"])
        in_progress_lessons = max(0.0, (per_enrolment - 0.6 * mean_lessons) / 0.4 - 0.5)
        for number in range(wanted["learners"]):
            administration = administrations[number % len(administrations)]
            user_id = self.user(
                f"learner{number + 1:05d}@{administration['code'].lower()}.{DOMAIN}",
                f"Officer {number + 1:05d} {administration['code']}",
                "learner",
                administration["id"],
                login=rng.random() < 0.7,
            )
            self.users_by_admin.setdefault(administration["id"], []).append(user_id)
            self.history(user_id, per_learner, in_progress_lessons)
        for index in range(wanted["projects"]):
            self.project(index, administrations, staff, featured=index == 0)
        # Made last, so that the academy before them is the one earlier runs measured.
        for number in range(1, FIRST_VISIT_LEARNERS + 1):
            email, name = f"bench.first.{number:02d}@{DOMAIN}", f"First Visit Learner {number:02d}"
            self.rows.add(
                "enrolments",
                id=self.ids("enrolments"),
                user_id=self.user(email, name, "learner", first),
                course_id=self.courses[COURSE]["id"],
                enrolled_at=self.now - timedelta(days=1),
                completed_at=None,
                last_lesson_id=None,
                lessons_completed=0,
            )
        assessment = self.courses[COURSE]["assessment"]
        notebook = next(lesson for lesson in self.courses[COURSE]["lessons"] if lesson["kind"] == "notebook")
        return {
            "size": self.size,
            "password": PASSWORD,
            "page_learners": [f"bench.page.{n:02d}@{DOMAIN}" for n in range(1, PAGE_LEARNERS + 1)],
            "directorate": f"bench.directorate@{DOMAIN}",
            "counter": f"bench.counter@{DOMAIN}",
            "spike_learners": [f"bench.exam.{n:04d}@{DOMAIN}" for n in range(1, self.spike + 1)],
            "first_visit_learners": [f"bench.first.{n:02d}@{DOMAIN}" for n in range(1, FIRST_VISIT_LEARNERS + 1)],
            "course": COURSE,
            "lessons": [lesson["slug"] for lesson in self.courses[COURSE]["lessons"]],
            "notebook_lesson": notebook["slug"],
            "assessment": assessment["slug"],
            "project": "BENCH-001",
            "certificate": self.certificate_of_page_learner,
            "answer_key": {
                str(q["id"]): {
                    "right": answer_fields(q["id"], q["type"], q["spec"], True),
                    "wrong": answer_fields(q["id"], q["type"], q["spec"], False),
                    "stored_right": self.answers[(q["id"], True)],
                    "stored_wrong": self.answers[(q["id"], False)],
                    "labels": labels(q["type"], q["spec"]),
                }
                for q in assessment["questions"]
            },
        }


def fix_sequences(conn) -> None:
    """PostgreSQL: ids were given explicitly, so move each table's sequence past them."""
    if conn.dialect.name != "postgresql":
        return
    for name in Rows.ORDER:
        if "id" in T[name].c:
            conn.execute(
                # The table names are our own constants, not input.
                sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 1)) FROM {name}")  # noqa: S608
            )


def build(database_url: str, size: str, seed: int = 2026, spike: int = 2000) -> dict:
    from app.common import database  # noqa: F401  (the app's SQLite pragmas: WAL, foreign keys)

    started = time.perf_counter()
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        academy = Academy(conn, size, seed, spike)
        facts = academy.build()
        generated = time.perf_counter()
        seconds = academy.rows.insert(conn)
        fix_sequences(conn)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    facts["rows"] = {name: len(rows) for name, rows in academy.rows.tables.items()}
    facts["wanted"] = academy.wanted
    facts["build_seconds"] = {
        "generate": round(generated - started, 2),
        "insert": round(sum(seconds.values()), 2),
        "total": round(time.perf_counter() - started, 2),
    }
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", choices=sorted(FACTORS), default="S")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--spike", type=int, default=2000, help="learners ready for the exam spike")
    parser.add_argument("--out", type=Path, help="write the facts (accounts, slugs, answer key) here as JSON")
    args = parser.parse_args()
    facts = build(args.database_url, args.size, args.seed, args.spike)
    text = json.dumps(facts, indent=1, default=str)
    if args.out:
        args.out.write_text(text)
    counts = ", ".join(f"{name} {count:,}" for name, count in facts["rows"].items() if count)
    print(f"Built size {args.size} in {facts['build_seconds']['total']} s: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
