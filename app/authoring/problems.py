"""What publishing would refuse, said to a trainer.

The content checks (app/content/check.py) speak to people who keep courses as files: keys, list
indexes, file:line. The editor shows the same problems, with the ones a trainer meets in the browser
said in the editor's words; the file and line stay beside them for whoever fixes an export by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from app.content.check import Problem


@dataclass(frozen=True)
class Explained:
    """One problem as the editor shows it."""

    #: The sentence a trainer reads.
    text: str
    #: Where it is in the course's files ("course.yml, line 12").
    where: str
    #: The language `text` is in: None for the page's (the editor's words), "en" for the check's own words, which
    #: stay English as `flask content check` prints them (docs/decisions.md, "Which messages are translated").
    language: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({self.where})"


_EMPTY_MODULE = re.compile(r"^modules\[(\d+)\]\.lessons: List should have at least 1 item")
_NO_MODULE = re.compile(r"^modules: List should have at least 1 item")
_SMALL_BANK = re.compile(r"^draw is (\d+) but the bank holds (\d+) questions")
_NOT_TRANSLATED = re.compile(r"^(module|lesson) '([^']+)' of course.yml is not translated yet")


def explain(problem: Problem, slug: str, document: dict | None) -> Explained:
    """The problem in the editor's words where it is one a trainer makes in the browser, else as the check says it."""
    path = problem.path.removeprefix(f"courses/{slug}/")
    where = _("%(file)s, line %(line)d", file=path, line=problem.line)
    if found := _EMPTY_MODULE.match(problem.message):
        modules = (document or {}).get("modules") or []
        index = int(found.group(1))
        title = modules[index].get("title") if index < len(modules) else None
        return Explained(
            _(
                "The module “%(title)s” has no lesson yet: add a lesson to it, or remove the module.",
                title=title or index + 1,
            ),
            where,
        )
    if _NO_MODULE.match(problem.message):
        return Explained(_("The course has no module yet: add a module, then a lesson."), where)
    if found := _SMALL_BANK.match(problem.message):
        return Explained(
            _(
                "An assessment draws %(draw)s questions but its bank holds %(bank)s: add questions until it holds "
                "at least twice as many as it draws, or draw fewer.",
                draw=found.group(1),
                bank=found.group(2),
            ),
            where,
        )
    if found := _NOT_TRANSLATED.match(problem.message):
        kind, slug_ = found.groups()
        title = _title_of(document, kind, slug_) or slug_
        if kind == "module":
            text = _("The module “%(title)s” is not translated yet: readers of the translation see it in the "
                     "course's language until you translate it.", title=title)  # fmt: skip
        else:
            text = _("The lesson “%(title)s” is not translated yet: readers of the translation see it in the "
                     "course's language, and the lesson says so, until you translate it.", title=title)  # fmt: skip
        return Explained(text, where)
    return Explained(problem.message, where, language="en")


def _title_of(document: dict | None, kind: str, slug: str) -> str | None:
    """A module's or lesson's title in the course's manifest, by its slug."""
    for module in (document or {}).get("modules") or []:
        if kind == "module" and module.get("slug") == slug:
            return module.get("title")
        for lesson in module.get("lessons") or []:
            if kind == "lesson" and lesson.get("slug") == slug:
                return lesson.get("title")
    return None
