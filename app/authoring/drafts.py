"""Drafts: a course folder kept as files in content storage, edited, checked and published.

A draft is the content format itself ({path: sha256}, e.g. "courses/x/course.yml"), so what a
trainer makes in the browser is what an author writes in content/, and publishing runs the
same check and import as `flask content sync`. Saving is all or nothing: new files go to
storage first (harmless if unused), then one UPDATE moves the draft to its next revision, and
only if nobody saved it since the page was opened.
"""

from __future__ import annotations

import io
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from ruamel.yaml import YAML, YAMLError

from app import policy
from app.auth.api import Role, User
from app.authoring.models import CourseAuthor, CourseDraft
from app.common import kept
from app.common.time import utcnow
from app.content.check import Problem, check_courses
from app.content.sync import ContentError, import_courses, published_curriculum, store_bytes, stored_bytes
from app.courses import structure
from app.courses.api import Course, CourseVersion
from app.extensions import db


class DraftError(ValueError):
    """A change that cannot be made; the message says why, and nothing was saved."""


class StaleDraft(DraftError):
    """The draft was saved by someone else since this page was opened: nothing was overwritten."""

    def __init__(self, draft: CourseDraft) -> None:
        who = draft.updated_by.full_name if draft.updated_by else _("someone")
        super().__init__(
            _(
                "%(who)s saved this draft at %(time)s UTC since you opened the page, so your change was not saved. "
                "Reopen the page to see their version, then make your change again.",
                who=who,
                time=f"{draft.updated_at:%H:%M}",
            )
        )


def gone() -> str:
    """What a trainer is told when the draft their page showed was published or discarded meanwhile."""
    return _("This draft was published or discarded by someone else since you opened the page.")


# Finding and starting drafts ----------------------------------------------------------------


@dataclass(frozen=True)
class Authorship:
    """What the policy needs to decide who may edit a course: the trainers assigned to it."""

    slug: str
    author_ids: frozenset[int]


def authorship(slug: str) -> Authorship:
    ids = db.session.scalars(sa.select(CourseAuthor.user_id).where(CourseAuthor.course_slug == slug))
    return Authorship(slug, frozenset(ids))


def may_edit_course(slug: str) -> bool:
    """May the visitor edit this course in the editor? Pages of other packages ask it through
    `events.course_editable` (they sit below the editor and do not import it).
    Asked only of those who may edit courses at all, so a learner's page reads no more."""
    return policy.can(current_user, "course.create") and policy.can(current_user, "course.edit", authorship(slug))


def course_editable(_sender, *, slug: str) -> bool:
    """The editor's answer to `events.course_editable`."""
    return may_edit_course(slug)


def draft_of(slug: str) -> CourseDraft | None:
    return db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))


def latest_version(course: Course) -> CourseVersion | None:
    return db.session.scalar(
        sa.select(CourseVersion).where(CourseVersion.course_id == course.id).order_by(CourseVersion.number.desc())
    )


def versions_of(course: Course) -> list[CourseVersion]:
    return list(
        db.session.scalars(
            sa.select(CourseVersion)
            .where(CourseVersion.course_id == course.id)
            .options(sa.orm.joinedload(CourseVersion.published_by))
            .order_by(CourseVersion.number.desc())
        )
    )


def start_draft(course: Course, user: User) -> CourseDraft:
    """A draft of a published course, holding the files of its latest version."""
    if draft_of(course.slug) is not None:
        raise DraftError(_("This course already has a draft: continue it, or discard it first."))
    version = latest_version(course)
    if version is None:
        raise DraftError(
            _(
                "This course's files have not been kept yet, so it cannot be edited here. Ask an administrator to "
                "load the curriculum again, then edit it."
            )
        )
    draft = CourseDraft(
        slug=course.slug,
        course_id=course.id,
        base_version=version.number,
        files=dict(version.files),
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def new_course(slug: str, title: str, track: str, tier: str, summary: str, user: User) -> CourseDraft:
    """The draft of a new course, with one module and no lessons yet; its creator becomes an author."""
    taken = db.session.scalar(sa.select(Course.id).where(Course.slug == slug)) or draft_of(slug)
    if taken:
        raise DraftError(
            _("A course or draft with the short name '%(slug)s' exists already: choose another.", slug=slug)
        )
    document = {
        "slug": slug,
        "title": title,
        "track": track,
        "tier": tier,
        "summary": summary,
        "estimated_hours": 1,
        "language": "en",
        "version": "0.1",
        "modules": [{"slug": "module-1", "title": "Module 1", "lessons": []}],
    }
    draft = CourseDraft(slug=slug, files={}, created_by_id=user.id, updated_by_id=user.id)
    draft.files = {manifest_path(draft): store_bytes(dump_yaml(document))}
    db.session.add(draft)
    if user.role == Role.TRAINER:
        add_author(slug, user, assigned_by=user)
    db.session.flush()
    return draft


def add_author(slug: str, user: User, assigned_by: User | None) -> None:
    exists = db.session.scalar(
        sa.select(CourseAuthor.id).where(CourseAuthor.course_slug == slug, CourseAuthor.user_id == user.id)
    )
    if not exists:
        db.session.add(
            CourseAuthor(course_slug=slug, user_id=user.id, assigned_by_id=assigned_by.id if assigned_by else None)
        )


def authors_of(slug: str) -> list[CourseAuthor]:
    return list(
        db.session.scalars(
            sa.select(CourseAuthor)
            .where(CourseAuthor.course_slug == slug)
            .options(sa.orm.joinedload(CourseAuthor.user))
            .order_by(CourseAuthor.assigned_at)
        )
    )


# Reading a draft ---------------------------------------------------------------------------


def course_folder(draft: CourseDraft) -> str:
    return f"courses/{draft.slug}"


def manifest_path(draft: CourseDraft) -> str:
    return f"{course_folder(draft)}/course.yml"


def read_bytes(draft: CourseDraft, path: str) -> bytes:
    try:
        return stored_bytes(draft.files[path])
    except KeyError:
        raise DraftError(_("%(path)s is not part of this draft.", path=path)) from None


def _round_trip() -> YAML:
    """YAML that keeps a file's comments, key order and quoting through an edit.

    Trainers who keep a course as files write comments in course.yml; an edit in the browser must
    not drop them. (The round-trip loader builds mappings, lists and scalars only, like safe_load;
    what a publish imports is read again by the content checks.)
    """
    handler = YAML(typ="rt")
    handler.width = 100
    handler.preserve_quotes = True
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def read_yaml(draft: CourseDraft, path: str) -> dict:
    """A YAML file of the draft as a mapping; a hand-broken file is reported, never guessed at."""
    try:
        document = _round_trip().load(read_bytes(draft, path))
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("%(path)s line %(line)d", path=path, line=mark.line + 1) if mark else path
        raise DraftError(
            _("%(where)s is not valid YAML; fix it in an export, or discard the draft.", where=where)
        ) from None
    if not isinstance(document, dict):
        raise DraftError(_("%(path)s does not hold a YAML mapping.", path=path))
    return document


def manifest(draft: CourseDraft) -> dict:
    return read_yaml(draft, manifest_path(draft))


def file_path(draft: CourseDraft, relative: str) -> str:
    """The draft path of a file named in course.yml (relative to the course folder)."""
    parts: list[str] = []
    for part in PurePosixPath(course_folder(draft), relative).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def dump_yaml(document: dict) -> bytes:
    """A YAML file's bytes; a document read by read_yaml keeps its comments and layout."""
    out = io.StringIO()
    _round_trip().dump(document, out)
    return out.getvalue().encode()


# Saving ------------------------------------------------------------------------------------


def save(draft: CourseDraft, revision: int, user: User, changes: dict[str, bytes | None]) -> None:
    """Write changed files (None removes one) as the draft's next revision, or raise StaleDraft.

    The UPDATE only matches the revision the editor was based on, so of two trainers saving
    the same revision one wins and the other is told; nothing is merged or lost silently.
    """
    files = dict(draft.files)
    for path, data in changes.items():
        if data is None:
            files.pop(path, None)
        else:
            files[path] = store_bytes(data)
    updated = db.session.execute(
        sa.update(CourseDraft)
        .where(CourseDraft.id == draft.id, CourseDraft.revision == revision)
        .values(files=files, revision=revision + 1, updated_by_id=user.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        raise _stale(draft)
    db.session.refresh(draft)


def unused_files(draft: CourseDraft, document: dict) -> list[str]:
    """Files of the course folder no longer named by course.yml (a removed lesson's file)."""
    named = {manifest_path(draft)}
    for module in document.get("modules") or []:
        for lesson in module.get("lessons") or []:
            if lesson.get("file"):
                named.add(file_path(draft, lesson["file"]))
            for attachment in lesson.get("attachments") or []:
                named.add(file_path(draft, attachment["file"]))
    for reference in document.get("assessments") or []:
        named.add(file_path(draft, reference["file"]))
    prefix = course_folder(draft) + "/"
    return [path for path in draft.files if path.startswith(prefix) and path not in named]


# Checking and publishing -------------------------------------------------------------------


@contextmanager
def materialised(files: dict[str, str]):
    """The files written out as a content folder in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="academy-draft-") as folder:
        root = Path(folder)
        for path, digest in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(stored_bytes(digest))
        yield root


#: The last checks of drafts (see problems), in this process: the course page shows them on every view.
CHECKS = kept.Store(
    "draft checks",
    holds="what publishing a draft would refuse (the editor's course page shows it on every view)",
    keyed_by="the draft's slug and files",
    stale=(structure.PUBLISHED,),
    bound=64,
    owner="app/authoring/drafts.py",
)


def _checked(draft: CourseDraft) -> tuple[list[Problem], list[Problem]]:
    """The draft's problems (what publishing would refuse) and warnings (what it would publish as it is), kept.

    The check writes the draft to a folder and reads every file (a notebook lesson renders), so
    its result is kept for the draft's files and the published curriculum it was checked
    against: the editor's course page shows it on every view, and it changes only when either does.
    """
    key = (draft.slug, tuple(sorted(draft.files.items())))
    found = CHECKS.get(key)
    if found is None:
        try:
            published = published_curriculum()
        except ContentError as error:
            return list(error.problems), []
        with materialised(draft.files) as root:
            tree = check_courses(root, published)
            found = CHECKS.put(key, (tuple(tree.problems), tuple(tree.warnings)))
    return list(found[0]), list(found[1])


def problems(draft: CourseDraft) -> list[Problem]:
    """Everything publishing would refuse, as file:line: message."""
    return _checked(draft)[0]


def warnings(draft: CourseDraft) -> list[Problem]:
    """What publishing would let through as it is, as file:line: message: a lesson the course's translation does
    not name yet (its readers see it in the source's language, the lesson page says so)."""
    return _checked(draft)[1]


def next_label(label: str) -> str:
    """The next minor version of a label, suggested when publishing: 1.0 → 1.1, 2 → 2.1, v1.9 → v1.10.

    A label with no number gets no suggestion (it is returned as it is): the trainer types one.
    """
    leading = re.match(r"^(\D*)(\d+)(?:\.(\d+))?", label)
    if leading is None:
        return label
    prefix, major, minor = leading.groups()
    suggested = f"{prefix}{major}.{int(minor) + 1 if minor is not None else 1}"
    return suggested if len(suggested) <= 20 else label


def relabel(draft: CourseDraft, revision: int, user: User, label: str) -> int:
    """Give the draft a new version label (course.yml's `version`) as its next revision; returns that revision.

    Publishing calls it first, in the same transaction, so a refused publish keeps the old label too.
    An unchanged label saves nothing.
    """
    document = manifest(draft)
    if str(document.get("version", "")) == label:
        return revision
    document["version"] = label
    save(draft, revision, user, {manifest_path(draft): dump_yaml(document)})
    return revision + 1


def publish(draft: CourseDraft, revision: int, user: User, note: str) -> bool:
    """Swap the draft in as the course's next version, in the caller's transaction, and delete it.

    Returns False when the draft held no change (nothing published, the draft is still deleted).

    Lessons keep their identity (their slug), so learners keep their progress; a lesson removed
    from the course is retired with its progress, not deleted.
    """
    # Lock the draft first (PostgreSQL; SQLite's write lock is already held): of two trainers
    # publishing at once, the second waits, then finds the draft gone and is told so.
    locked = db.session.scalar(sa.select(CourseDraft.revision).where(CourseDraft.id == draft.id).with_for_update())
    if locked is None:
        raise DraftError(gone())
    if locked != revision:
        raise _stale(draft)
    if draft.course is not None:
        current = latest_version(draft.course)
        if current is not None and draft.base_version is not None and current.number != draft.base_version:
            raise DraftError(
                _(
                    "Version %(current)d of this course was published after this draft started from version "
                    "%(base)d. Publishing would undo it: discard this draft and start again from the published course.",
                    current=current.number,
                    base=draft.base_version,
                )
            )
    with materialised(draft.files) as root:
        report = import_courses(root, source="editor", user=user, note=note)
    discard(draft, revision)
    return bool(report.changed)


def discard(draft: CourseDraft, revision: int) -> None:
    """Delete the draft, unless someone saved it since `revision` (StaleDraft)."""
    deleted = db.session.execute(
        sa.delete(CourseDraft)
        .where(CourseDraft.id == draft.id, CourseDraft.revision == revision)
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:
        raise _stale(draft)
    db.session.expunge(draft)


def _stale(draft: CourseDraft) -> DraftError:
    """The error for a save that lost the race: saved again by someone, or published or discarded."""
    try:
        db.session.refresh(draft)
    except sa.orm.exc.ObjectDeletedError:
        return DraftError(gone())
    return StaleDraft(draft)
