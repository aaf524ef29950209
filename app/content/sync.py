"""Import a checked content tree into the database, in one transaction, writing only what changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from app.common import storage
from app.common.storage import download_type
from app.common.time import utcnow
from app.content import render, schema
from app.content.check import (
    ContentTree,
    CourseSource,
    Problem,
    Published,
    check,
    check_courses,
    translation_path,
)
from app.courses.api import (
    Attachment,
    ContentSource,
    Course,
    CourseVersion,
    Enrolment,
    GlossaryTerm,
    Lesson,
    Module,
    Reference,
    Tier,
    Track,
    course_prerequisites,
)
from app.courses.services import required_lessons_completed
from app.extensions import db


class ContentError(Exception):
    """The content has problems; nothing was imported."""

    def __init__(self, problems) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


#: Course.origin: maintained as files in content/, or in the browser (editor, uploaded ZIP).
FILES, BROWSER = "files", "browser"


@dataclass
class SyncReport:
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    #: Courses in content/ left as they are because they are maintained in the browser.
    kept: list[str] = field(default_factory=list)

    @property
    def nothing_changed(self) -> bool:
        return not self.changed and not self.retired


#: Hooks other domains register to import their part of a course (assessments).
COURSE_IMPORTERS: list = []


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _source_changed(name: str, data: bytes) -> bool:
    """Record the hash of a content file (and keep it, for exports); True if it differs from the last import."""
    digest = _sha256(data)
    source = db.session.scalar(sa.select(ContentSource).where(ContentSource.name == name))
    if source is not None and source.sha256 == digest:
        return False
    store_bytes(data)
    if source is None:
        db.session.add(ContentSource(name=name, sha256=digest))
    else:
        source.sha256 = digest
    return True


def store_file(path: Path) -> tuple[str, int]:
    """Copy a file into content storage under its hash (once); returns (sha256, size)."""
    return store_bytes(path.read_bytes()), path.stat().st_size


def store_bytes(data: bytes) -> str:
    """Keep bytes in content storage under their hash (once); returns the sha256."""
    return storage.keep("content", data)


def stored_bytes(sha256: str) -> bytes:
    """The bytes content storage keeps under this hash; storage.NotStored if it has none."""
    return storage.current_store().open(storage.key_of("content", sha256))


def sync(root: Path, take_back: bool = False) -> SyncReport:
    """Check `root`, then import what changed. Raises ContentError (nothing written) on any problem.

    A course maintained in the browser is left alone (reported as kept) unless `take_back`;
    a course of content/ that disappeared from it is retired. The caller commits; on any
    exception it rolls back, so a failure changes nothing.
    """
    tree = check(root, deep=False)
    if not tree.ok:
        raise ContentError(tree.problems)
    existing = {course.slug: course for course in db.session.scalars(sa.select(Course))}
    report = SyncReport()
    report.kept = [
        slug for slug in tree.courses if slug in existing and existing[slug].origin == BROWSER and not take_back
    ]
    ours = {slug: source for slug, source in tree.courses.items() if slug not in report.kept}
    hashes = {slug: source.content_hash() for slug, source in ours.items()}
    changed = [slug for slug in ours if _needs_import(existing.get(slug), hashes[slug], FILES)]
    if changed:
        # The deep checks (notebooks, markup, glossary links) read every lesson file: run them
        # when something changed; an unchanged tree was checked when it was imported.
        deep = check(root, deep=True)
        if not deep.ok:
            raise ContentError(deep.problems)
    catalogue_changed = _sync_catalogue(root, tree, report)
    _sync_glossary(root, tree, report)
    _sync_bibliography(root, tree, report)
    _import(changed, ours, hashes, existing, FILES, report)
    if changed or catalogue_changed:
        db.session.flush()
        _sync_prerequisites(ours, existing)
    for slug, course in existing.items():
        if slug not in tree.courses and course.origin == FILES and course.retired_at is None:
            course.retired_at = utcnow()
            report.retired.append(f"course {slug}")
    if changed:
        _recount_progress([existing[slug].id for slug in changed])
    _record_missing_versions(ours, existing)
    db.session.flush()
    return report


def import_courses(root: Path, source: str, user=None, note: str = "") -> SyncReport:
    """Check and import the course folders under `root`/courses on their own: a draft, an uploaded ZIP.

    They are checked against the published catalogue, glossary and courses, imported with the
    same code as `sync`, and become maintained in the browser. Other courses, the catalogue and
    the glossary are not touched. Raises ContentError (nothing written) on any problem.
    """
    tree = check_courses(root, published_curriculum(), deep=True)
    if not tree.ok:
        raise ContentError(tree.problems)
    if not tree.courses:
        raise ContentError([Problem(str(root / "courses"), 1, "no course folder (courses/<slug>/course.yml) found")])
    existing = {
        course.slug: course for course in db.session.scalars(sa.select(Course).where(Course.slug.in_(tree.courses)))
    }
    hashes = {slug: course_source.content_hash() for slug, course_source in tree.courses.items()}
    changed = [slug for slug in tree.courses if _needs_import(existing.get(slug), hashes[slug], BROWSER)]
    report = SyncReport()
    _import(changed, tree.courses, hashes, existing, BROWSER, report, source=source, user=user, note=note)
    if changed:
        db.session.flush()
        _sync_prerequisites({slug: tree.courses[slug] for slug in changed}, existing)
        _recount_progress([existing[slug].id for slug in changed])
    db.session.flush()
    return report


def published_curriculum() -> Published:
    """The catalogue, glossary and courses in the database, as `check_courses` needs them."""
    tiers = db.session.scalars(sa.select(Tier).order_by(Tier.rank)).all()
    tracks = db.session.scalars(sa.select(Track).order_by(Track.position)).all()
    if not tiers or not tracks:
        raise ContentError([Problem("catalogue.yml", 1, "no catalogue yet: run `flask content sync` once")])
    catalogue = schema.CatalogueFile(
        tiers=[schema.TierSpec(slug=t.slug, title=t.title) for t in tiers],
        tracks=[schema.TrackSpec(slug=t.slug, title=t.title, summary=t.summary) for t in tracks],
    )
    glossary = frozenset(db.session.scalars(sa.select(GlossaryTerm.slug)))
    courses = {slug: [] for slug in db.session.scalars(sa.select(Course.slug).where(Course.retired_at.is_(None)))}
    prerequisite = sa.orm.aliased(Course)
    rows = db.session.execute(
        sa.select(Course.slug, prerequisite.slug)
        .join(course_prerequisites, course_prerequisites.c.course_id == Course.id)
        .join(prerequisite, prerequisite.id == course_prerequisites.c.prerequisite_id)
    )
    for slug, required in rows:
        courses.setdefault(slug, []).append(required)
    return Published(catalogue=catalogue, glossary=glossary, courses=courses)


def dump_catalogue() -> bytes:
    """catalogue.yml as the database holds it (for an export from a database older than kept sources)."""
    catalogue = published_curriculum().catalogue
    return yaml.safe_dump(catalogue.model_dump(), sort_keys=False, allow_unicode=True).encode()


def _needs_import(course: Course | None, digest: str, origin: str) -> bool:
    return course is None or course.content_hash != digest or course.retired_at is not None or course.origin != origin


def _import(changed, sources, hashes, existing, origin, report, source=None, user=None, note="") -> None:
    tracks = {t.slug: t for t in db.session.scalars(sa.select(Track))}
    tiers = {t.slug: t for t in db.session.scalars(sa.select(Tier))}
    for slug in changed:
        course = existing.get(slug) or Course(slug=slug)
        db.session.add(course)
        course_source = sources[slug]
        if course.content_hash != hashes[slug] or course.retired_at is not None:
            _sync_course(course, course_source, tracks, tiers)
            course.content_hash = hashes[slug]
            record_version(course, course_source, source or origin, user=user, note=note)
        course.origin = origin
        existing[slug] = course
        report.changed.append(f"course {slug}")


def record_version(course: Course, source: CourseSource, kind: str, user=None, note: str = "") -> CourseVersion:
    """Keep every file of the course in storage and add the next version to its history."""
    db.session.flush()
    root = source.folder.parent.parent
    files = {path.relative_to(root).as_posix(): store_file(path)[0] for path in sorted(source.files)}
    last = db.session.scalar(sa.select(sa.func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id))
    version = CourseVersion(
        course_id=course.id,
        number=(last or 0) + 1,
        source=kind,
        published_by_id=user.id if user is not None else None,
        note=note[:500],
        label=course.version,
        content_hash=course.content_hash,
        files=files,
    )
    db.session.add(version)
    return version


def _record_missing_versions(sources: dict[str, CourseSource], existing: dict[str, Course]) -> None:
    """Courses imported before versions were kept get their first version from content/."""
    versioned = set(db.session.scalars(sa.select(CourseVersion.course_id).distinct()))
    for slug, source in sources.items():
        course = existing.get(slug)
        if course is not None and course.id is not None and course.id not in versioned:
            record_version(course, source, FILES)


def _sources_changed(root: Path, name: str) -> bool:
    """Whether a top-level file or any of its translations changed since the last import."""
    names = [name] + [translation_path(Path(name), language).name for language in schema.TRANSLATION_LANGUAGES]
    changed = [_source_changed(each, (root / each).read_bytes()) for each in names if (root / each).is_file()]
    return any(changed)


def _sync_catalogue(root: Path, tree: ContentTree, report: SyncReport) -> bool:
    if not _sources_changed(root, "catalogue.yml"):
        return False
    translated = tree.catalogue_translations
    tiers = {t.slug: t for t in db.session.scalars(sa.select(Tier))}
    for rank, spec in enumerate(tree.catalogue.tiers):
        tier = tiers.get(spec.slug) or Tier(slug=spec.slug)
        tier.title, tier.rank = spec.title, rank
        tier.translations = {
            language: {"title": texts.tiers[spec.slug]}
            for language, texts in translated.items()
            if spec.slug in texts.tiers
        }
        db.session.add(tier)
    tracks = {t.slug: t for t in db.session.scalars(sa.select(Track))}
    for position, spec in enumerate(tree.catalogue.tracks):
        track = tracks.get(spec.slug) or Track(slug=spec.slug)
        track.title, track.summary, track.position = spec.title, spec.summary, position
        track.translations = {
            language: texts.tracks[spec.slug].model_dump()
            for language, texts in translated.items()
            if spec.slug in texts.tracks
        }
        db.session.add(track)
    db.session.flush()
    report.changed.append("catalogue")
    return True


def _sync_glossary(root: Path, tree: ContentTree, report: SyncReport) -> None:
    path = root / "glossary.yml"
    if tree.glossary is None or not _sources_changed(root, path.name):
        return
    translated = {
        language: {term.slug: term for term in texts.terms} for language, texts in tree.glossary_translations.items()
    }
    terms = {t.slug: t for t in db.session.scalars(sa.select(GlossaryTerm))}
    for spec in tree.glossary.terms:
        term = terms.pop(spec.slug, None) or GlossaryTerm(slug=spec.slug)
        term.term = spec.term
        term.definition_html = render.markdown_to_html(spec.definition)
        term.translations = {
            language: {
                "term": texts[spec.slug].term,
                "definition_html": render.markdown_to_html(texts[spec.slug].definition),
            }
            for language, texts in translated.items()
            if spec.slug in texts
        }
        term.see_also = list(spec.see_also)
        db.session.add(term)
    for gone in terms.values():
        db.session.delete(gone)  # a glossary term has no history to keep
    report.changed.append("glossary")


def _sync_bibliography(root: Path, tree: ContentTree, report: SyncReport) -> None:
    path = root / "bibliography.yml"
    if tree.bibliography is None or not _source_changed("bibliography.yml", path.read_bytes()):
        return
    references = {r.key: r for r in db.session.scalars(sa.select(Reference))}
    for spec in tree.bibliography.references:
        reference = references.pop(spec.key, None) or Reference(key=spec.key)
        reference.title, reference.authors, reference.publisher = spec.title, spec.authors, spec.publisher
        reference.year, reference.note = spec.year, spec.note
        reference.url = str(spec.url) if spec.url else None
        db.session.add(reference)
    for gone in references.values():
        db.session.delete(gone)
    report.changed.append("bibliography")


def _sync_course(course: Course, source: CourseSource, tracks: dict, tiers: dict) -> None:
    spec = source.spec
    course.title, course.summary = spec.title, spec.summary
    course.description_html = render.markdown_to_html(spec.description) if spec.description else ""
    course.objectives = list(spec.objectives)
    course.estimated_hours, course.language, course.version = spec.estimated_hours, spec.language, spec.version
    course.track, course.tier = tracks[spec.track], tiers[spec.tier]
    course.retired_at = None
    course.translations = {
        language: {
            "title": texts.course.title,
            "summary": texts.course.summary,
            "description_html": render.markdown_to_html(texts.course.description, language)
            if texts.course.description
            else "",
            "objectives": list(texts.course.objectives),
        }
        for language, texts in source.translations.items()
    }
    db.session.flush()

    modules = {m.slug: m for m in db.session.scalars(sa.select(Module).where(Module.course_id == course.id))}
    lessons = {row.slug: row for row in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id))}
    seen_modules, seen_lessons = set(), set()
    position = 0
    required = 0
    for module_position, module_spec in enumerate(spec.modules):
        module = modules.get(module_spec.slug) or Module(course_id=course.id, slug=module_spec.slug)
        module.title, module.position, module.retired_at = module_spec.title, module_position, None
        module.translations = {
            language: {"title": texts.course.modules[module.slug].title}
            for language, texts in source.translations.items()
            if module.slug in texts.course.modules
        }
        db.session.add(module)
        db.session.flush()
        seen_modules.add(module.slug)
        for lesson_spec in module_spec.lessons:
            lesson = lessons.get(lesson_spec.slug) or Lesson(course_id=course.id, slug=lesson_spec.slug)
            _sync_lesson(lesson, lesson_spec, module, position, source.folder)
            _sync_lesson_translations(lesson, module, source)
            db.session.add(lesson)
            seen_lessons.add(lesson.slug)
            position += 1
            required += not lesson_spec.optional
    now = utcnow()
    for slug, lesson in lessons.items():
        if slug not in seen_lessons and lesson.retired_at is None:
            lesson.retired_at = now  # kept, with its learners' progress, but no longer shown
    for slug, module in modules.items():
        if slug not in seen_modules and module.retired_at is None:
            module.retired_at = now
    course.required_lessons = required
    db.session.flush()
    for importer in COURSE_IMPORTERS:
        importer(course, source)


def _sync_lesson(lesson: Lesson, spec, module: Module, position: int, folder: Path) -> None:
    lesson.module = module
    lesson.title, lesson.kind, lesson.position = spec.title, spec.kind, position
    lesson.minutes, lesson.optional, lesson.retired_at = spec.minutes, spec.optional, None
    lesson.url = str(spec.url) if spec.url else None
    files = []
    if spec.file:
        path = (folder / spec.file).resolve()
        data = path.read_bytes()
        digest = _sha256(data)
        if digest != lesson.source_hash or not lesson.html:
            text = data.decode("utf-8")
            to_html = render.notebook_to_html if spec.kind == "notebook" else render.markdown_to_html
            html = to_html(text, module.course.language)
            lesson.html = render.extract_images(html, store_bytes)
            lesson.search_text = render.plain_text(lesson.html)
            lesson.source_hash = digest
        if spec.kind == "notebook":
            # The attachment's title holds at most 300 characters, like the lesson's own.
            label = spec.title if len(spec.title) <= 280 else spec.title[:279] + "…"
            files.append((path, f"{label} (Jupyter notebook)"))
    elif not spec.file:
        lesson.html, lesson.search_text, lesson.source_hash = "", "", ""
    files += [((folder / a.file).resolve(), a.title) for a in spec.attachments]
    lesson.attachments.clear()
    for index, (path, title) in enumerate(files):
        digest, size = store_file(path)
        media_type = download_type(path.name)
        lesson.attachments.append(
            Attachment(title=title, filename=path.name, media_type=media_type, size=size, sha256=digest, position=index)
        )


def _sync_lesson_translations(lesson: Lesson, module: Module, source: CourseSource) -> None:
    """The lesson's title and HTML in each language it is translated into, rendered as the source's.

    A lesson without a translated file keeps its translated title only: its page shows the
    source's HTML, in the source's language. A file is rendered again only when it changed.
    """
    translations = {}
    for language, texts in source.translations.items():
        titles = texts.course.modules.get(module.slug)
        entry = {"title": titles.lessons[lesson.slug]} if titles and lesson.slug in titles.lessons else {}
        path = texts.lessons.get(lesson.slug)
        if path is not None:
            data = path.read_bytes()
            digest = _sha256(data)
            kept = (lesson.translations or {}).get(language, {})
            if kept.get("source_hash") == digest and kept.get("html"):
                html = kept["html"]
            else:
                to_html = render.notebook_to_html if lesson.kind == "notebook" else render.markdown_to_html
                html = render.extract_images(to_html(data.decode("utf-8"), language), store_bytes)
            entry.update(html=html, search_text=render.plain_text(html), source_hash=digest)
        if entry:
            translations[language] = entry
    lesson.translations = translations


def _sync_prerequisites(sources: dict[str, CourseSource], courses: dict[str, Course]) -> None:
    """Replace the prerequisites of these courses; a prerequisite may be any course in the database."""
    ids = [courses[slug].id for slug in sources]
    db.session.execute(sa.delete(course_prerequisites).where(course_prerequisites.c.course_id.in_(ids)))
    wanted = {prerequisite for source in sources.values() for prerequisite in source.spec.prerequisites}
    missing = wanted - courses.keys()
    if missing:
        found = db.session.scalars(sa.select(Course).where(Course.slug.in_(missing)))
        courses = {**courses, **{course.slug: course for course in found}}
    rows = [
        {"course_id": courses[slug].id, "prerequisite_id": courses[prerequisite].id}
        for slug, source in sources.items()
        for prerequisite in source.spec.prerequisites
    ]
    if rows:
        db.session.execute(sa.insert(course_prerequisites), rows)


def _recount_progress(course_ids: list[int]) -> None:
    """Keep each enrolment's count of completed required lessons true after lessons changed."""
    completed = required_lessons_completed(Enrolment.user_id, Enrolment.course_id)
    db.session.execute(
        sa.update(Enrolment).where(Enrolment.course_id.in_(course_ids)).values(lessons_completed=completed)
    )
