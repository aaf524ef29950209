"""Changes to a draft's course.yml: modules and lessons added, renamed, reordered and removed.

Each function changes the parsed document in place, or raises DraftError saying why it cannot;
the routes then save the document (and any files) as one revision of the draft.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.authoring.drafts import DraftError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


#: The refusal for each kind of thing a short name is given to, as whole sentences so that French
#: can agree them ("du cours", "de la leçon").
_BAD_SLUG = {
    "course": _l(
        "The short name of the course must be lower-case letters, digits and single hyphens "
        "(like 'data-quality'), at most 80 characters; '%(slug)s' is not."
    ),
    "module": _l(
        "The short name of the module must be lower-case letters, digits and single hyphens "
        "(like 'data-quality'), at most 80 characters; '%(slug)s' is not."
    ),
    "lesson": _l(
        "The short name of the lesson must be lower-case letters, digits and single hyphens "
        "(like 'data-quality'), at most 80 characters; '%(slug)s' is not."
    ),
    "assessment": _l(
        "The short name of the assessment must be lower-case letters, digits and single hyphens "
        "(like 'data-quality'), at most 80 characters; '%(slug)s' is not."
    ),
    "question": _l(
        "The short name of the question must be lower-case letters, digits and single hyphens "
        "(like 'data-quality'), at most 80 characters; '%(slug)s' is not."
    ),
}


def check_slug(slug: str, what: str) -> str:
    """The short name, stripped; DraftError if it is not one (`what`: course, module, lesson, assessment, question)."""
    slug = (slug or "").strip()
    if not SLUG.match(slug) or len(slug) > 80:
        raise DraftError(str(_BAD_SLUG[what]) % {"slug": slug})
    return slug


def slugify(text: str) -> str:
    """A short name made from a title: 'Data quality, part 1' gives 'data-quality-part-1'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or "item"


def modules(document: dict) -> list[dict]:
    return document.setdefault("modules", [])


def lessons(document: dict) -> list[tuple[dict, dict]]:
    """(module, lesson) pairs in course order."""
    return [(module, lesson) for module in modules(document) for lesson in module.setdefault("lessons", [])]


def find_module(document: dict, slug: str) -> dict:
    for module in modules(document):
        if module.get("slug") == slug:
            return module
    raise DraftError(_("There is no module '%(slug)s' in this draft (it may have been removed).", slug=slug))


def find_lesson(document: dict, slug: str) -> tuple[dict, dict]:
    for module, lesson in lessons(document):
        if lesson.get("slug") == slug:
            return module, lesson
    raise DraftError(_("There is no lesson '%(slug)s' in this draft (it may have been removed).", slug=slug))


def add_module(document: dict, slug: str, title: str) -> dict:
    slug = check_slug(slug, "module")
    if any(m.get("slug") == slug for m in modules(document)):
        raise DraftError(_("There is a module '%(slug)s' already.", slug=slug))
    module = {"slug": slug, "title": title, "lessons": []}
    modules(document).append(module)
    return module


def remove_module(document: dict, slug: str) -> None:
    module = find_module(document, slug)
    if module.get("lessons"):
        raise DraftError(_("Move or remove the module's lessons first: removing a module never removes lessons."))
    modules(document).remove(module)


def move_module(document: dict, slug: str, step: int) -> None:
    items = modules(document)
    index = items.index(find_module(document, slug))
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def add_lesson(document: dict, module_slug: str, lesson: dict) -> None:
    lesson["slug"] = check_slug(lesson.get("slug", ""), "lesson")
    if any(existing.get("slug") == lesson["slug"] for _module, existing in lessons(document)):
        raise DraftError(
            _(
                "There is a lesson '%(slug)s' already (perhaps removed earlier and still in the published course): "
                "choose another short name.",
                slug=lesson["slug"],
            )
        )
    find_module(document, module_slug).setdefault("lessons", []).append(lesson)


def remove_lesson(document: dict, slug: str) -> dict:
    module, lesson = find_lesson(document, slug)
    module["lessons"].remove(lesson)
    return lesson


def move_lesson(document: dict, slug: str, step: int) -> None:
    """One place up (-1) or down (+1) in course order, crossing into the next module at its edge."""
    module, lesson = find_lesson(document, slug)
    items = module["lessons"]
    index = items.index(lesson)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        return
    all_modules = modules(document)
    neighbour = all_modules.index(module) + step
    if 0 <= neighbour < len(all_modules):
        items.remove(lesson)
        other = all_modules[neighbour].setdefault("lessons", [])
        if step < 0:
            other.append(lesson)
        else:
            other.insert(0, lesson)


def reorder(document: dict, order: list[tuple[str, list[str]]]) -> None:
    """Put modules and lessons in the order given: [(module slug, [lesson slugs…]), …].

    The order must name every module and lesson exactly once (what the drag-and-drop page sends);
    anything else means the page is out of date and nothing is changed.
    """
    by_module = {m.get("slug"): m for m in modules(document)}
    by_lesson = {lesson.get("slug"): lesson for _module, lesson in lessons(document)}
    named_modules = [slug for slug, _lessons in order]
    named_lessons = [slug for _module, slugs in order for slug in slugs]
    if sorted(named_modules) != sorted(by_module) or sorted(named_lessons) != sorted(by_lesson):
        raise DraftError(_("The order sent does not match the draft (it changed meanwhile): reload the page."))
    document["modules"] = [
        {**by_module[slug], "lessons": [by_lesson[lesson] for lesson in slugs]} for slug, slugs in order
    ]
