"""Read a content folder and find every problem in it at once, each as `file:line: message`."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from pydantic import BaseModel, ValidationError

from app.common import kept
from app.content import links, schema, yamlfile

MAX_FILE_BYTES = 20 * 1024 * 1024
GLOSSARY_LINK = re.compile(r"\(glossary:([^)\s]*)\)|href=\\?\"glossary:([^\"\\]*)")
# Executable markup an author should remove; the sanitiser would strip it anyway.
ACTIVE_MARKUP = re.compile(r"<\s*script\b|<[^>]*\son[a-z]+\s*=|javascript\s*:", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file, computed once per version of the file (a dataset shared by courses)."""
    stat = path.stat()
    return _digest(path, stat.st_size, stat.st_mtime_ns)


DIGESTS = kept.Store(
    "file digests",
    holds="the SHA-256 of a content file (a dataset shared by courses is read once)",
    keyed_by="the file's path, size and modification time",
    stale=(kept.Never("never: a changed file has another size or time"),),
    bound=4096,
    owner="app/content/check.py",
)


@DIGESTS.function
def _digest(path: Path, _size: int, _mtime_ns: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


@dataclass
class CourseSource:
    """One course folder, parsed."""

    folder: Path
    spec: schema.CourseFile
    assessments: list[tuple[Path, schema.AssessmentFile]] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)  # every file the course reads
    #: Per language, what the course's translation holds (content/README.md, "Translations").
    translations: dict[str, CourseTranslations] = field(default_factory=dict)

    def content_hash(self) -> str:
        """A hash of everything the course is made of: unchanged hash, nothing to import."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(str(path.relative_to(self.folder.parent.parent)).encode())
            digest.update(file_digest(path))
        return digest.hexdigest()


@dataclass
class CourseTranslations:
    """A course's texts in one language: its manifest, its assessments', and its lessons' files."""

    course: schema.CourseTranslation
    #: The source assessment file's path → its translation.
    assessments: dict[Path, schema.AssessmentTranslation] = field(default_factory=dict)
    #: Lesson slug → the translated lesson file (a lesson without one shows in the source's language).
    lessons: dict[str, Path] = field(default_factory=dict)


def translation_path(path: Path, language: str) -> Path:
    """Where the `language` translation of a content file lives: beside it, `name.fr.ext`."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


@dataclass
class ContentTree:
    root: Path
    catalogue: schema.CatalogueFile | None = None
    courses: dict[str, CourseSource] = field(default_factory=dict)
    glossary: schema.GlossaryFile | None = None
    bibliography: schema.BibliographyFile | None = None
    #: Per language, the translations of catalogue.yml and glossary.yml.
    catalogue_translations: dict[str, schema.CatalogueTranslation] = field(default_factory=dict)
    glossary_translations: dict[str, schema.GlossaryTranslation] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: What an author should mend but that does not stop an import (a plot without a text alternative).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Published:
    """The curriculum already in the database, which courses imported on their own are checked against."""

    catalogue: schema.CatalogueFile
    #: Glossary slugs a lesson may link to; None when there is no glossary.
    glossary: frozenset[str] | None
    #: The published courses' slugs, each with its prerequisites.
    courses: dict[str, list[str]]


class _Checker:
    def __init__(self, root: Path, published: Published | None = None) -> None:
        self.tree = ContentTree(root=root.resolve())
        self.root = self.tree.root
        self.broken: set[str] = set()  # course folders whose manifest failed: problems already said
        self.published = published
        self.glossary_slugs: set[str] | None = None
        if published is not None:
            self.tree.catalogue = published.catalogue
            self.glossary_slugs = set(published.glossary) if published.glossary is not None else None

    def show(self, path: Path) -> str:
        if self.published is not None:  # a draft or an upload: name files as they are inside it
            try:
                return path.resolve().relative_to(self.root).as_posix()
            except ValueError:
                return path.name
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    def problem(self, path: Path, line: int, message: str) -> None:
        self.tree.problems.append(Problem(self.show(path), line, message))

    def parse(self, path: Path, model: type[BaseModel]) -> tuple[Any, Any]:
        """Load a YAML file and validate it against `model`; (document, parsed) or (…, None)."""
        try:
            self.check_size(path)
            document = yamlfile.load(path)
        except yamlfile.YamlError as error:
            self.problem(path, error.line, str(error))
            return None, None
        except OSError as error:
            self.problem(path, 1, f"cannot read the file: {error.strerror}")
            return None, None
        if not isinstance(document, dict):
            self.problem(path, 1, "the file must hold a YAML mapping (key: value lines)")
            return document, None
        try:
            return document, model.model_validate(document)
        except ValidationError as error:
            for detail in error.errors():
                location = detail["loc"]
                if detail["type"] == "union_tag_invalid":
                    location = (*location, "type")  # point at the unknown type itself
                self.problem(path, yamlfile.line_of(document, location), _describe(detail))
            return document, None

    def check_size(self, path: Path) -> None:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise yamlfile.YamlError(1, f"the file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")

    def resolve(self, manifest: Path, document: Any, location: tuple, relative: str) -> Path | None:
        """A file named in a manifest: it must exist, stay inside content/ and respect the size limit."""
        line = yamlfile.line_of(document, location)
        path = (manifest.parent / relative).resolve()
        if not path.is_relative_to(self.root):
            self.problem(manifest, line, f"{relative} is outside the content folder")
            return None
        if not path.is_file():
            self.problem(manifest, line, f"{relative} does not exist")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            self.problem(
                manifest, line, f"{relative} is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB"
            )
            return None
        return path

    # The parts of the tree ----------------------------------------------------------------

    def run(self, deep: bool = True) -> ContentTree:
        if not self.root.is_dir():
            self.problem(self.root, 1, "the content folder does not exist")
            return self.tree
        catalogue = self.root / "catalogue.yml"
        if catalogue.is_file():
            _doc, self.tree.catalogue = self.parse(catalogue, schema.CatalogueFile)
            if self.tree.catalogue:
                self.check_unique(catalogue, _doc, "tiers", "slug")
                self.check_unique(catalogue, _doc, "tracks", "slug")
                self.load_catalogue_translations(catalogue)
        else:
            self.problem(catalogue, 1, "catalogue.yml is missing: it names the tiers and tracks")
        self.load_glossary()
        self.load_bibliography()
        return self.run_courses(deep)

    def run_courses(self, deep: bool) -> ContentTree:
        courses_dir = self.root / "courses"
        for folder in sorted(p for p in courses_dir.iterdir() if p.is_dir()) if courses_dir.is_dir() else []:
            self.load_course(folder, deep)
        self.check_prerequisites()
        self.tree.problems.sort()
        return self.tree

    def check_unique(self, path: Path, document: Any, list_key: str, key: str) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(document.get(list_key) or []):
            value = item.get(key) if isinstance(item, dict) else None
            if value is None:
                continue
            line = yamlfile.line_of(document, (list_key, index, key))
            if value in seen:
                self.problem(path, line, f"duplicate {key} {value!r} (first on line {seen[value]})")
            seen.setdefault(value, line)

    def load_glossary(self) -> None:
        path = self.root / "glossary.yml"
        if not path.is_file():
            return
        document, glossary = self.parse(path, schema.GlossaryFile)
        if glossary is None:
            return
        self.check_unique(path, document, "terms", "slug")
        slugs = {term.slug for term in glossary.terms}
        for index, term in enumerate(glossary.terms):
            for position, other in enumerate(term.see_also):
                if other not in slugs:
                    line = yamlfile.line_of(document, ("terms", index, "see_also", position))
                    self.problem(path, line, f"see_also names {other!r}, which is not in the glossary")
        self.tree.glossary = glossary
        self.glossary_slugs = slugs
        for language in schema.TRANSLATION_LANGUAGES:
            translated = translation_path(path, language)
            if not translated.is_file():
                continue
            document, translation = self.parse(translated, schema.GlossaryTranslation)
            if translation is None:
                continue
            self.check_unique(translated, document, "terms", "slug")
            for index, term in enumerate(translation.terms):
                if term.slug not in slugs:
                    line = yamlfile.line_of(document, ("terms", index, "slug"))
                    self.problem(translated, line, f"term {term.slug!r} is not in glossary.yml")
            self.tree.glossary_translations[language] = translation

    def load_catalogue_translations(self, path: Path) -> None:
        catalogue = self.tree.catalogue
        for language in schema.TRANSLATION_LANGUAGES:
            translated = translation_path(path, language)
            if not translated.is_file():
                continue
            document, translation = self.parse(translated, schema.CatalogueTranslation)
            if translation is None:
                continue
            for key, known in (("tiers", catalogue.tiers), ("tracks", catalogue.tracks)):
                self.check_keys(translated, document, (key,), {item.slug for item in known}, key[:-1], "catalogue.yml")
            self.tree.catalogue_translations[language] = translation

    def load_bibliography(self) -> None:
        path = self.root / "bibliography.yml"
        if path.is_file():
            document, self.tree.bibliography = self.parse(path, schema.BibliographyFile)
            if self.tree.bibliography:
                self.check_unique(path, document, "references", "key")

    def load_course(self, folder: Path, deep: bool) -> None:
        manifest = folder / "course.yml"
        if not manifest.is_file():
            self.problem(manifest, 1, "course.yml is missing: every folder under courses/ is a course")
            return
        document, course = self.parse(manifest, schema.CourseFile)
        if course is None:
            self.broken.add(folder.name)
            return
        source = CourseSource(folder=folder, spec=course, files={manifest})
        if course.slug != folder.name:
            self.problem(manifest, document.lines["slug"], f"the slug {course.slug!r} differs from the folder name")
        if course.slug in self.tree.courses:
            self.problem(manifest, document.lines["slug"], f"duplicate course slug {course.slug!r}")
            return
        catalogue = self.tree.catalogue
        if catalogue:
            if course.track not in {t.slug for t in catalogue.tracks}:
                self.problem(manifest, document.lines["track"], f"unknown track {course.track!r} (see catalogue.yml)")
            if course.tier not in {t.slug for t in catalogue.tiers}:
                self.problem(manifest, document.lines["tier"], f"unknown tier {course.tier!r} (see catalogue.yml)")
        modules = set()
        lessons = set()
        for m, module in enumerate(course.modules):
            if module.slug in modules:
                line = yamlfile.line_of(document, ("modules", m, "slug"))
                self.problem(manifest, line, f"duplicate module slug {module.slug!r}")
            modules.add(module.slug)
            for n, lesson in enumerate(module.lessons):
                where = ("modules", m, "lessons", n)
                if lesson.slug in lessons:
                    line = yamlfile.line_of(document, (*where, "slug"))
                    self.problem(manifest, line, f"duplicate lesson slug {lesson.slug!r}")
                lessons.add(lesson.slug)
                if lesson.file:
                    path = self.resolve(manifest, document, (*where, "file"), lesson.file)
                    if path:
                        source.files.add(path)
                        if deep:
                            self.check_lesson_file(path, lesson.kind)
                for a, attachment in enumerate(lesson.attachments):
                    path = self.resolve(manifest, document, (*where, "attachments", a, "file"), attachment.file)
                    if path:
                        source.files.add(path)
        slugs = set()
        for index, reference in enumerate(course.assessments):
            path = self.resolve(manifest, document, ("assessments", index, "file"), reference.file)
            if path is None:
                continue
            source.files.add(path)
            assessment = self.load_assessment(path)
            if assessment is None:
                continue
            if assessment.slug in slugs:
                self.problem(path, 1, f"duplicate assessment slug {assessment.slug!r} in this course")
            slugs.add(assessment.slug)
            source.assessments.append((path, assessment))
        self.load_course_translations(source, deep)
        self.tree.courses[course.slug] = source

    # Translations --------------------------------------------------------------------------

    def check_keys(
        self,
        path: Path,
        document: Any,
        location: tuple,
        wanted: set[str],
        what: str,
        source: str,
        required=False,
        missing_shows_in: str | None = None,
    ) -> None:
        """The keys of the mapping at `location`: none unknown to the source, none missing if `required`.

        With `missing_shows_in` (a language), a missing key is a warning, not a problem: the reader sees that
        part in the source's language until it is translated (a lesson added to a translated course).
        """
        node = document
        for part in location:
            node = node.get(part) if isinstance(node, dict) else None
        node = node if isinstance(node, dict) else {}
        for key in node:
            if key not in wanted:
                line = yamlfile.line_of(document, (*location, key))
                self.problem(path, line, f"{what} {key!r} is not in {source}")
        if required:
            line = yamlfile.line_of(document, location)
            for key in sorted(wanted - set(node)):
                if missing_shows_in:
                    message = f"{what} {key!r} of {source} is not translated yet: it shows in {missing_shows_in}"
                    self.tree.warnings.append(Problem(self.show(path), line, message))
                else:
                    self.problem(path, line, f"{what} {key!r} of {source} is missing")

    def check_count(self, path: Path, document: Any, location: tuple, wanted: int, got: int, what: str) -> None:
        """A list in step with its source's: the same number of items, in the same order."""
        if got == wanted:
            return
        if got > wanted:
            line, message = yamlfile.line_of(document, (*location, wanted)), f"{got - wanted} {what}(s) more than"
        else:
            line, message = yamlfile.line_of(document, location), f"{wanted - got} {what}(s) fewer than"
        self.problem(path, line, f"{message} the source ({wanted}, in its order)")

    def load_course_translations(self, source: CourseSource, deep: bool) -> None:
        """Each translation of the course beside its source, checked to be in step with it."""
        manifest = source.folder / "course.yml"
        spec = source.spec
        lesson_files = {
            (source.folder / lesson.file).resolve(): lesson
            for module in spec.modules
            for lesson in module.lessons
            if lesson.file
        }
        for language in schema.TRANSLATION_LANGUAGES:
            if language == spec.language:
                continue
            suffix = f".{language}"
            # A translated lesson file must translate a lesson file of the course.
            for path in sorted(source.folder.rglob(f"*{suffix}.*")):
                if path.suffix not in (".md", ".ipynb") or not path.stem.endswith(suffix):
                    continue
                original = path.with_name(path.stem.removesuffix(suffix) + path.suffix).resolve()
                if original not in lesson_files:
                    self.problem(path, 1, f"no lesson of course.yml has the file {original.name}: nothing to translate")
            translated = translation_path(manifest, language)
            stray = [p for p, _ in source.assessments if translation_path(p, language).is_file()]
            if not translated.is_file():
                for path in stray:
                    self.problem(translation_path(path, language), 1, f"{translated.name} is missing")
                continue
            document, course = self.parse(translated, schema.CourseTranslation)
            source.files.add(translated)
            if course is None:
                continue
            self.check_count(
                translated, document, ("objectives",), len(spec.objectives), len(course.objectives), "objective"
            )
            # A module or lesson added to the source and not yet translated does not stop publishing: it is a
            # warning, and the translated course shows it in the source's language, saying so.
            modules = {module.slug: module for module in spec.modules}
            shows_in = {"missing_shows_in": spec.language, "required": True}
            self.check_keys(translated, document, ("modules",), set(modules), "module", "course.yml", **shows_in)
            for slug in course.modules:
                if slug in modules:
                    wanted = {lesson.slug for lesson in modules[slug].lessons}
                    where = ("modules", slug, "lessons")
                    self.check_keys(translated, document, where, wanted, "lesson", "course.yml", **shows_in)
            translations = CourseTranslations(course=course)
            for path, lesson in lesson_files.items():
                lesson_translation = translation_path(path, language)
                if not lesson_translation.is_file():
                    message = f"no {lesson_translation.name}: the lesson {lesson.slug!r} shows in {spec.language}"
                    self.tree.warnings.append(Problem(self.show(translated), 1, message))
                else:
                    source.files.add(lesson_translation)
                    translations.lessons[lesson.slug] = lesson_translation
                    if deep:
                        self.check_lesson_file(lesson_translation, lesson.kind)
                        if lesson.kind == "notebook":
                            self.check_notebook_code(path, lesson_translation)
            for path, assessment in source.assessments:
                assessment_translation = translation_path(path, language)
                if assessment_translation.is_file():
                    source.files.add(assessment_translation)
                    loaded = self.load_assessment_translation(assessment_translation, assessment)
                    if loaded is not None:
                        translations.assessments[path] = loaded
            source.translations[language] = translations

    def load_assessment_translation(
        self, path: Path, assessment: schema.AssessmentFile
    ) -> schema.AssessmentTranslation | None:
        document, translation = self.parse(path, schema.AssessmentTranslation)
        if translation is None:
            return None
        questions = {question.id: question for question in assessment.questions}
        self.check_keys(path, document, ("questions",), set(questions), "question", "the assessment", required=True)
        for qid, text in translation.questions.items():
            question = questions.get(qid)
            if question is None:
                continue
            for key, what in (("choices", "choice"), ("items", "item"), ("pairs", "pair")):
                mine, theirs = getattr(text, key), getattr(question, key, None)
                where = ("questions", qid, key)
                if mine is not None and theirs is None:
                    line = yamlfile.line_of(document, where)
                    self.problem(path, line, f"question {qid!r} is {question.type}: it has no {key}")
                elif theirs is not None:
                    self.check_count(path, document, where, len(theirs), len(mine or []), what)
            if text.accepted and question.type != "short_text":
                line = yamlfile.line_of(document, ("questions", qid, "accepted"))
                self.problem(path, line, f"question {qid!r} is {question.type}: only short_text accepts answers")
        return translation

    def check_notebook_code(self, source: Path, translated: Path) -> None:
        """A translated notebook changes Markdown cells only: its code cells are the source's."""
        try:
            mine = nbformat.reads(translated.read_text(encoding="utf-8"), as_version=4)
            theirs = nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)
        except Exception:  # noqa: BLE001 (reported by the lesson checks)
            return
        lines = translated.read_text(encoding="utf-8").splitlines()
        cell_lines = [number for number, line in enumerate(lines, start=1) if '"cell_type"' in line]
        mine_code = [(i, cell) for i, cell in enumerate(mine.cells) if cell.cell_type == "code"]
        theirs_code = [cell for cell in theirs.cells if cell.cell_type == "code"]
        if len(mine_code) != len(theirs_code):
            self.problem(translated, 1, f"{len(mine_code)} code cells, but {source.name} has {len(theirs_code)}")
            return
        for (index, cell), original in zip(mine_code, theirs_code, strict=True):
            if cell.source != original.source:
                line = cell_lines[index] if index < len(cell_lines) else 1
                self.problem(translated, line, f"cell {index + 1}: its code differs from {source.name}'s")

    def load_assessment(self, path: Path) -> schema.AssessmentFile | None:
        document, assessment = self.parse(path, schema.AssessmentFile)
        if assessment is None:
            return None
        self.check_unique(path, document, "questions", "id")
        bank = len(assessment.questions)
        if assessment.draw * 2 > bank:
            self.problem(
                path,
                document.lines["draw"],
                f"draw is {assessment.draw} but the bank holds {bank} questions: it must hold at least twice "
                "as many as are drawn",
            )
        return assessment

    def check_lesson_file(self, path: Path, kind: str) -> None:
        """The file of a lesson: readable, a valid notebook, no active markup, known glossary terms."""
        raw = path.read_bytes()
        problems = lesson_problems(raw, kind, self.glossary_slugs)
        for line, message in problems:
            self.problem(path, line, message)
        if not problems:
            for line, message in missing_alt_text(raw.decode("utf-8"), kind):
                self.tree.warnings.append(Problem(self.show(path), line, message))

    def check_prerequisites(self) -> None:
        courses = self.tree.courses
        published = self.published.courses if self.published else {}
        requires = {slug: list(prerequisites) for slug, prerequisites in published.items()}
        requires.update({slug: list(source.spec.prerequisites) for slug, source in courses.items()})
        for source in courses.values():
            for prerequisite in source.spec.prerequisites:
                if prerequisite not in requires and prerequisite not in self.broken:
                    self.problem(source.folder / "course.yml", 1, f"prerequisite {prerequisite!r} is not a course")
        # Cycles, through the published courses too: depth-first search, reporting each cycle once.
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(slug: str, path: list[str]) -> None:
            state[slug] = 1
            for prerequisite in requires[slug]:
                if prerequisite not in requires:
                    continue
                if state.get(prerequisite) == 1:
                    cycle = path[path.index(prerequisite) :] + [prerequisite]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        where = courses[slug].folder if slug in courses else courses[next(iter(courses))].folder
                        self.problem(where / "course.yml", 1, "prerequisite cycle: " + " → ".join(cycle))
                elif prerequisite not in state:
                    visit(prerequisite, [*path, prerequisite])
            state[slug] = 2

        for slug in courses:
            if slug not in state:
                visit(slug, [slug])


def lesson_problems(raw: bytes, kind: str, glossary: set[str] | frozenset[str] | None) -> list[tuple[int, str]]:
    """What is wrong with a lesson file's bytes, as (line, message): the checks of import and editor alike.

    `kind` is "markdown" or "notebook"; glossary links are checked when `glossary` is given.
    """
    problems: list[tuple[int, str]] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return [(raw[: error.start].count(b"\n") + 1, "not UTF-8 text")]
    if kind == "notebook":
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            return [(error.lineno, f"not a notebook: invalid JSON ({error.msg})")]
        try:
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
        except Exception as error:  # noqa: BLE001 (nbformat raises several kinds)
            message = str(error).strip().splitlines()[0]
            return [(1, f"not a valid notebook: {message}")]
        markup = [_notebook_markup(cell) for cell in notebook.cells]
        addresses = links.notebook_problems(text, notebook)
    else:
        markup = [text]
        addresses = links.markdown_problems(text)
    lines = text.splitlines()
    problems += addresses
    for chunk in markup:
        for match in ACTIVE_MARKUP.finditer(chunk):
            snippet = match.group(0).strip()
            problems.append(
                (_line_with(lines, snippet[:40]), f"executable markup ({snippet[:40]}): remove it, it never runs here")
            )
    for number, line in enumerate(lines, start=1):
        for found in GLOSSARY_LINK.finditer(line):
            slug = found.group(1) or found.group(2)
            if glossary is not None and slug not in glossary:
                problems.append((number, f"glossary link to {slug!r}, which is not in glossary.yml"))
    return problems


#: Image outputs a browser shows as a picture, which need a text alternative.
IMAGE_OUTPUTS = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
MARKDOWN_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def missing_alt_text(text: str, kind: str) -> list[tuple[int, str]]:
    """The pictures of a valid lesson file that have no text alternative, as (line, message).

    A notebook's plot takes its text from the cell's metadata `alt`, a Markdown image from the
    text between its brackets (content/README.md says how).
    """
    lines = text.splitlines()
    if kind != "notebook":
        return [
            (number, "an image without a text alternative: describe it between the brackets, ![like this](…)")
            for number, line in enumerate(lines, start=1)
            if MARKDOWN_IMAGE_WITHOUT_ALT.search(line)
        ]
    notebook = nbformat.reads(text, as_version=4)
    cell_lines = [number for number, line in enumerate(lines, start=1) if '"cell_type"' in line]
    found = []
    for index, cell in enumerate(notebook.cells):
        line = cell_lines[index] if index < len(cell_lines) else 1
        if cell.cell_type == "markdown":
            if MARKDOWN_IMAGE_WITHOUT_ALT.search(cell.source):
                found.append((line, f"cell {index + 1}: an image without a text alternative in Markdown"))
            continue
        if cell.cell_type != "code" or str(cell.metadata.get("alt", "")).strip():
            continue
        for output in cell.get("outputs", []):
            shown = [mime for mime in IMAGE_OUTPUTS if mime in output.get("data", {})]
            if any(not str(output.get("metadata", {}).get(mime, {}).get("alt", "")).strip() for mime in shown):
                found.append(
                    (line, f'cell {index + 1}: a plot without a text alternative: add "alt" to the cell\'s metadata')
                )
                break
    return found


def _notebook_markup(cell) -> str:
    """What of a cell becomes HTML: Markdown source, and HTML or SVG outputs (not Python source)."""
    if cell.cell_type == "markdown":
        return cell.source
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        for mime in ("text/html", "image/svg+xml", "text/markdown"):
            value = data.get(mime, "")
            parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def _line_with(lines: list[str], snippet: str) -> int:
    for number, line in enumerate(lines, start=1):
        if snippet in line or snippet.replace('"', '\\"') in line:
            return number
    return 1


def _describe(detail: dict) -> str:
    location = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in detail["loc"]).lstrip(".")
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"unknown key {location!r}"
    if kind == "missing":
        return f"missing key {location!r}"
    message = detail["msg"].removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


def check(root: Path, deep: bool = True) -> ContentTree:
    """Read and check the content folder at `root`; the tree lists every problem found."""
    return _Checker(root).run(deep=deep)


def check_courses(root: Path, published: Published, deep: bool = True) -> ContentTree:
    """Check the course folders under `root`/courses against the published curriculum.

    This is how a draft or an uploaded course is checked: the catalogue, glossary and other
    courses it refers to are those already in the database.
    """
    return _Checker(root, published).run_courses(deep)
