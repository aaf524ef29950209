"""Figures that reconcile: Hypothesis builds academies and every page, export and target must agree.

Each example is a small academy: administrations in regions, officers, courses in tracks and
tiers, enrolments and completions, certificates (some revoked, some for a tier), lessons opened,
workshops with sessions and attendance, and a project with targets, spread over two years. The
expected figures are counted here in plain Python from what was generated, following the
definitions in words (app/directorate/definitions.py), and compared with what the pages and
downloads show for the same filters.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from app.auth.models import Administration, Region, Role, User
from app.certificates.models import Certificate
from app.courses.models import Course, Enrolment, Lesson, LessonProgress, Module, Tier, Track
from app.directorate import definitions, figures, reports, results
from app.directorate.models import Project, Target
from app.extensions import db, limiter
from app.workshops.models import Attendance, Workshop, WorkshopSession
from tests.helpers import PASSWORD, AuthActions

FIRST_DAY = datetime(2025, 1, 1)
HOURS = 700 * 24  # up to late November 2026: every row is before today
TODAY = date.today()
PASSWORD_HASH = generate_password_hash(PASSWORD)
REGIONS = [Region.EAST_SOUTHERN_AFRICA, Region.WEST_CENTRAL_AFRICA, Region.EUROPE]


def moment(hours: int) -> datetime:
    return FIRST_DAY + timedelta(hours=hours)


@dataclass
class Spec:
    """An academy, as plain values."""

    regions: list  # of each administration
    officers: list  # administration index of each officer
    courses: list  # (track index, tier index) of each course
    enrolments: dict  # (officer, course) -> (enrolled hour, completed hour or None)
    certificates: dict  # (officer, course) -> (issued hour, revoked)
    tier_certificates: list  # (officer, hour): not counted as "certified"
    lessons: list  # (officer, course, opened hour, completed hour or None)
    workshops: list  # (cancelled, in the project, [(session hour, {officer: present})])
    beneficiaries: list  # administration indexes of the project
    project_courses: list  # course indexes of the project


@st.composite
def academies(draw) -> Spec:
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3))
    officers = draw(st.lists(st.integers(0, len(regions) - 1), min_size=1, max_size=7))
    courses = draw(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=3))
    pairs = st.tuples(st.integers(0, len(officers) - 1), st.integers(0, len(courses) - 1))
    hour = st.integers(0, HOURS)
    enrolments = {}
    for pair, start, duration in draw(
        st.lists(st.tuples(pairs, hour, st.one_of(st.none(), st.integers(0, 2000))), max_size=14)
    ):
        enrolments.setdefault(pair, (start, None if duration is None else min(start + duration, HOURS)))
    completed = [pair for pair, (_s, done) in enrolments.items() if done is not None]
    certificates = {
        pair: (enrolments[pair][1] + draw(st.integers(0, 48)), draw(st.booleans()))
        for pair in completed
        if draw(st.booleans())
    }
    tier_certificates = draw(
        st.lists(st.tuples(st.integers(0, len(officers) - 1), hour), max_size=2, unique_by=lambda t: t[0])
    )
    lessons = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(officers) - 1),
                st.integers(0, len(courses) - 1),
                hour,
                st.one_of(st.none(), st.integers(0, 300)),
            ),
            max_size=8,
        )
    )
    session = st.tuples(hour, st.dictionaries(st.integers(0, len(officers) - 1), st.booleans(), max_size=4))
    workshops = draw(
        st.lists(st.tuples(st.booleans(), st.booleans(), st.lists(session, min_size=1, max_size=2)), max_size=2)
    )
    beneficiaries = draw(st.lists(st.integers(0, len(regions) - 1), min_size=1, unique=True))
    project_courses = draw(st.lists(st.integers(0, len(courses) - 1), unique=True))
    return Spec(
        regions, officers, courses, enrolments, certificates, tier_certificates,
        [(o, c, h, None if d is None else min(h + d, HOURS)) for o, c, h, d in lessons],
        workshops, beneficiaries, project_courses,
    )  # fmt: skip


@st.composite
def periods(draw) -> tuple[date, date | None]:
    """A period that always starts (so "By month" covers all of it) and may run to today."""
    first = draw(st.integers(0, HOURS // 24))
    last = draw(st.one_of(st.none(), st.integers(first, HOURS // 24 + 5)))
    return FIRST_DAY.date() + timedelta(days=first), None if last is None else FIRST_DAY.date() + timedelta(days=last)


@dataclass
class Built:
    spec: Spec
    administrations: list[int]
    officers: list[int]
    courses: list[int]
    tracks: list[int]
    tiers: list[int]
    project: str
    targets: dict  # (indicator, year, track index or None) -> target id


def build(spec: Spec) -> Built:
    """Store the academy, the project and one target per indicator and year."""
    tracks = [Track(slug=f"track-{i}", title=f"Track {i}", summary="") for i in range(2)]
    tiers = [Tier(slug=f"tier-{i}", title=f"Tier {i}", rank=i) for i in range(2)]
    db.session.add_all(tracks + tiers)
    db.session.flush()
    administrations = [
        Administration(code=f"A{i}", name=f"Customs {i}", region=region) for i, region in enumerate(spec.regions)
    ]
    db.session.add_all(administrations)
    db.session.flush()
    officers = [
        User(
            email=f"o{i}@example.org",
            full_name=f"Officer {i}",
            role=Role.LEARNER,
            administration_id=administrations[a].id,
        )
        for i, a in enumerate(spec.officers)
    ]
    courses = [
        Course(slug=f"c{i}", title=f"Course {i}", summary="", track_id=tracks[t].id, tier_id=tiers[r].id)
        for i, (t, r) in enumerate(spec.courses)
    ]
    db.session.add_all(officers + courses)
    db.session.flush()
    lessons = []
    for course in courses:
        module = Module(course_id=course.id, slug="m", title="M")
        db.session.add(module)
        db.session.flush()
        lessons.append(Lesson(course_id=course.id, module_id=module.id, slug="l", title="L", kind="markdown"))
    db.session.add_all(lessons)
    db.session.flush()
    for (o, c), (start, done) in spec.enrolments.items():
        db.session.add(
            Enrolment(
                user_id=officers[o].id,
                course_id=courses[c].id,
                enrolled_at=moment(start),
                completed_at=None if done is None else moment(done),
            )
        )
    for (o, c), (issued, revoked) in spec.certificates.items():
        db.session.add(_certificate(officers[o], f"course/c{c}/1.0", "course", courses[c].id, issued, revoked))
    for o, issued in spec.tier_certificates:
        db.session.add(_certificate(officers[o], "tier/0/0", "tier", None, issued, False))
    seen_lessons = set()
    for o, c, opened, done in spec.lessons:
        if (o, c) in seen_lessons:
            continue
        seen_lessons.add((o, c))
        db.session.add(
            LessonProgress(
                user_id=officers[o].id,
                lesson_id=lessons[c].id,
                first_opened_at=moment(opened),
                completed_at=None if done is None else moment(done),
            )
        )
    project = Project(
        code="P-1",
        title="Reconciled",
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        status="active",
        administrations=[administrations[a] for a in spec.beneficiaries],
        courses=[courses[c] for c in spec.project_courses],
    )
    db.session.add(project)
    db.session.flush()
    for cancelled, in_project, sessions in spec.workshops:
        hours = [h for h, _a in sessions]
        workshop = Workshop(
            kind="data_technique",
            title="W",
            start_date=moment(min(hours)).date(),
            end_date=moment(max(hours)).date(),
            capacity=30,
            registration_opens=date(2024, 1, 1),
            registration_closes=date(2024, 12, 31),
            cancelled=cancelled,
            project_id=project.id if in_project else None,
        )
        db.session.add(workshop)
        db.session.flush()
        for h, attendance in sessions:
            session = WorkshopSession(
                workshop_id=workshop.id, title="S", starts_at=moment(h), ends_at=moment(h) + timedelta(hours=2)
            )
            db.session.add(session)
            db.session.flush()
            for o, present in attendance.items():
                db.session.add(Attendance(session_id=session.id, user_id=officers[o].id, present=present))
    targets = {}
    for year in (2025, 2026):
        for indicator, track in [
            ("enrolled", None),
            ("certified", None),
            ("certified", 0),
            ("trained", None),
            ("workshops", None),
        ]:
            target = Target(
                project_id=project.id,
                year=year,
                indicator=indicator,
                target_value=5,
                track_id=None if track is None else tracks[track].id,
            )
            db.session.add(target)
            db.session.flush()
            targets[(indicator, year, track)] = target.id
    db.session.commit()
    return Built(
        spec,
        [a.id for a in administrations],
        [u.id for u in officers],
        [c.id for c in courses],
        [t.id for t in tracks],
        [t.id for t in tiers],
        project.code,
        targets,
    )


def _certificate(user, key, kind, course_id, issued, revoked) -> Certificate:
    return Certificate(
        code=f"{user.id:04d}{kind}{issued}{course_id}".ljust(26, "X")[:40],
        user_id=user.id,
        kind=kind,
        achievement_key=key,
        course_id=course_id,
        title="T",
        recipient_name=user.full_name,
        issuer="Academy",
        issued_at=moment(issued),
        status="revoked" if revoked else "valid",
    )


# The definitions, counted by hand from what was generated ----------------------------------------


def expected(built: Built, filters: figures.Filters, key: str) -> int:
    """A figure's total, from the generated academy and the definition in words."""
    spec = built.spec

    def officer_in(o: int) -> bool:
        a = spec.officers[o]
        return (filters.region is None or spec.regions[a] == filters.region) and (
            filters.administration_id is None or built.administrations[a] == filters.administration_id
        )

    def course_in(c: int | None) -> bool:
        return filters.track_id is None or (c is not None and built.tracks[spec.courses[c][0]] == filters.track_id)

    def in_period(hours: int) -> bool:
        day = moment(hours).date()
        return (filters.start is None or day >= filters.start) and (filters.end is None or day <= filters.end)

    if key == "enrolled":
        rows = [(o, c, s) for (o, c), (s, _d) in spec.enrolments.items()]
    elif key == "completed":
        rows = [(o, c, d) for (o, c), (_s, d) in spec.enrolments.items() if d is not None]
    elif key == "certified":
        rows = [(o, c, h) for (o, c), (h, revoked) in spec.certificates.items() if not revoked]
    elif key == "trained":
        rows = [(o, None, first) for (o, _w), first in trained_rows(spec).items()]
    else:
        rows = active_rows(spec, filters)
        return len({o for o, c, h in rows if officer_in(o) and course_in(c) and in_period(h)})
    return sum(1 for o, c, h in rows if officer_in(o) and course_in(c) and in_period(h))


def trained_rows(spec: Spec, project_only: bool = False) -> dict:
    """{(officer, workshop index): hour of the first session attended} for workshops not cancelled."""
    rows: dict = {}
    for w, (cancelled, in_project, sessions) in enumerate(spec.workshops):
        if cancelled or (project_only and not in_project):
            continue
        for h, attendance in sessions:
            for o, present in attendance.items():
                if present:
                    rows[(o, w)] = min(rows.get((o, w), h), h)
    return rows


def active_rows(spec: Spec, filters: figures.Filters) -> list:
    seen, rows = set(), []
    for o, c, opened, done in spec.lessons:
        if (o, c) in seen:
            continue
        seen.add((o, c))
        rows += [(o, c, opened)] + ([(o, c, done)] if done is not None else [])
    return rows


def expected_target(built: Built, indicator: str, year: int, track: int | None) -> int:
    """Officers (or workshops) a target names, counted by hand."""
    spec = built.spec

    def beneficiary(o: int) -> bool:
        return spec.officers[o] in spec.beneficiaries

    if indicator == "enrolled":
        return len(
            {
                o
                for (o, c), (s, _d) in spec.enrolments.items()
                if beneficiary(o) and c in spec.project_courses and moment(s).year == year
            }
        )
    if indicator == "certified":
        return len(
            {
                o
                for (o, c), (h, revoked) in spec.certificates.items()
                if not revoked
                and beneficiary(o)
                and moment(h).year == year
                and (track is None or spec.courses[c][0] == track)
            }
        )
    if indicator == "trained":
        return len(
            {
                o
                for (o, _w), h in trained_rows(spec, project_only=True).items()
                if beneficiary(o) and moment(h).year == year
            }
        )
    return sum(
        1
        for cancelled, in_project, sessions in spec.workshops
        if in_project and not cancelled and moment(max(h for h, _a in sessions)).year == year
        and moment(max(h for h, _a in sessions)).date() < TODAY
    )  # fmt: skip


# The properties ------------------------------------------------------------------------------------


def _empty() -> None:
    db.session.remove()
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


def _csv(client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def academy_client(app):
    """A test client and a way to reset the database, for many examples within one test.

    Its exports are built in the request whatever the period (a long one's job runs the same code:
    tests/test_prepared_downloads.py finds the job's file identical to the request's)."""
    saved = app.config["EXPORT_JOB_DAYS"]
    app.config["EXPORT_JOB_DAYS"] = 100_000
    yield app.test_client()
    app.config["EXPORT_JOB_DAYS"] = saved


# Shrinking a failing academy rebuilds a database per step and takes minutes: a failure is reported
# as generated. RECONCILE_EXAMPLES runs more examples when wanted.
@settings(
    max_examples=int(os.environ.get("RECONCILE_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(spec=academies(), period=periods(), data=st.data())
def test_every_figure_reconciles(app, academy_client, spec, period, data):
    """Do the totals, every breakdown, "By month", the coordinator's page, the exports and the targets agree?"""
    client = academy_client
    with app.app_context():
        _empty()
        built = build(spec)
        wco = Administration(code="WCO", name="WCO Secretariat", region=None)
        db.session.add(wco)
        db.session.flush()
        director = User(
            email="d@example.org",
            full_name="Director",
            role=Role.DIRECTORATE,
            password_hash=PASSWORD_HASH,
            administration_id=wco.id,
        )
        db.session.add(director)
        db.session.commit()
    limiter.reset()
    AuthActions(client).login("d@example.org")

    filters = figures.Filters(
        start=period[0],
        end=period[1],
        region=data.draw(st.one_of(st.none(), st.sampled_from(REGIONS)), label="region"),
        administration_id=data.draw(
            st.one_of(st.none(), st.sampled_from(built.administrations)), label="administration"
        ),
        track_id=data.draw(st.one_of(st.none(), st.sampled_from(built.tracks)), label="track"),
    )
    with app.app_context():
        totals = figures.totals(filters, TODAY)
        # Each total is the count of the rows its definition names.
        assert totals == {key: expected(built, filters, key) for key in definitions.FIGURES}
        for dimension in figures.DIMENSIONS:
            rows = figures.activity_by(dimension, filters, TODAY)
            keys = figures.shown(filters, dimension)
            for index, key in enumerate(keys, start=1):
                assert sum(row[index] for row in rows) == totals[key], (dimension, key)
        trend = figures.monthly_trend(filters, TODAY)
        for index, key in enumerate(figures.shown(filters, "month"), start=1):
            assert sum(row[index] for row in trend) == totals[key], ("By month", key)
        # The targets name their rows; the project's status uses the same actuals.
        (state,) = results.project_states(TODAY, [db.session.scalar(sa.select(Project.id))])
        for progress in state.targets:
            t = progress.target
            track = None if t.track_id is None else built.tracks.index(t.track_id)
            assert progress.actual == expected_target(built, t.indicator, t.year, track), (t.indicator, t.year, track)

    query = "&".join(
        f"{name}={value}"
        for name, value in [
            ("start", filters.start),
            ("end", filters.end or ""),
            ("region", filters.region.value if filters.region else ""),
            ("administration", filters.administration_id or ""),
            ("track", filters.track_id or ""),
        ]
    )
    # The overview's CSV of every breakdown, and its workbook, add up to the same totals.
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/directorate?{query}&format=xlsx&table=all").data))
    sheet_totals = {row[0]: row[1] for row in book["Totals"].iter_rows(min_row=3, values_only=True)}
    assert sheet_totals == {str(definitions.FIGURES[k].heading): n for k, n in totals.items()}
    for key in ("by-administration", "trend"):  # the workbook holds them all; two CSVs stand for the others
        header, *rows = _csv(client, f"/directorate?{query}&format=csv&table={key}")
        sheet = book[{"trend": "By month", "by-region": "By WCO region"}.get(key, f"By {key[3:]}")]
        assert [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)] == [
            [int(cell) if cell.isdigit() else cell for cell in row] for row in rows
        ]
        for index, heading in enumerate(header[1:], start=1):
            figure = next(k for k, f in definitions.FIGURES.items() if str(f.heading) == heading)
            assert sum(int(row[index]) for row in rows) == totals[figure], (key, heading)

    # The coordinator's page of each administration (and its CSV) shows the overview's figures.
    for administration_id in built.administrations:
        narrowed = figures.Filters(
            start=filters.start, end=filters.end, administration_id=administration_id, track_id=filters.track_id
        )
        with app.app_context():
            expected_totals = figures.totals(narrowed, TODAY)
        header, *rows = _csv(
            client,
            f"/coordinator?administration={administration_id}&start={filters.start}&end={filters.end or ''}"
            f"&track={filters.track_id or ''}&format=csv&table=officers",
        )
        for index, heading in enumerate(header[2:], start=2):
            figure = next(k for k, f in definitions.FIGURES.items() if str(f.heading) == heading)
            if figure == "trained" and filters.track_id:
                continue  # workshops belong to no track
            assert sum(int(row[index]) for row in rows) == expected_totals[figure], (administration_id, heading)
        header, *rows = _csv(
            client,
            f"/coordinator?administration={administration_id}&start={filters.start}&end={filters.end or ''}"
            f"&track={filters.track_id or ''}&format=csv&table=courses",
        )
        for index, heading in enumerate(header[1:], start=1):
            figure = next(k for k, f in definitions.FIGURES.items() if str(f.heading) == heading)
            assert sum(int(row[index]) for row in rows) == expected_totals[figure], (administration_id, heading)

    # The project page's targets (its CSV) and the overview's projects table agree with the actuals.
    with app.app_context():
        (state,) = results.project_states(TODAY, [db.session.scalar(sa.select(Project.id))])
        actuals = {(t.target.year, reports.target_label(t.target)): t.actual for t in state.targets}
        progress = state.progress
    header, *rows = _csv(client, "/projects/P-1/report.csv?table=targets")
    assert {(int(r[0]), r[1]): float(r[3]) for r in rows} == actuals
    header, *rows = _csv(client, "/directorate?format=csv&table=projects")
    reached = rows[0][header.index("Targets reached %")]
    assert (float(reached) if reached else None) == (None if progress is None else round(100 * progress, 1))
