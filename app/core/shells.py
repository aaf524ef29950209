"""Pages rendered once with holes, and filled for each request.

A lesson page is the same for every learner but for a few small parts: the header's logout
token, the progress bar, a tick beside each completed lesson, the "Mark as complete" form and
any flashed message. Rendering the whole template for each request cost most of the page's
time (see bench/README.md). Instead the template is rendered once (per lesson and language),
writing a hole where a learner's part goes:

    {{ hole("done", item.id) }}

and each request fills the holes with short strings:

    shell = Shell(render_template("courses/lesson.html", hole=hole, ...))
    page = shell.fill({"done": lambda lesson_id: tick if lesson_id in done else "", ...})

A hole is a marker holding a token drawn when the process starts, so no text of a lesson
(which a trainer wrote) can pass for one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from markupsafe import Markup

_TOKEN = secrets.token_hex(8)
_HOLE = re.compile(rf"<!--hole-{_TOKEN}:([a-z_]+)((?::[^:>-]*)*)-->")


def hole(name: str, *args: object) -> Markup:
    """The marker for a hole; `args` (ids, plain words) are handed back to its filler."""
    return Markup("".join((f"<!--hole-{_TOKEN}:{name}", *(f":{arg}" for arg in args), "-->")))  # noqa: S704


class Shell:
    """A rendered page cut at its holes: text, hole, text, hole, …, text."""

    __slots__ = ("texts", "holes")

    def __init__(self, html: str) -> None:
        pieces = _HOLE.split(html)
        # re.split with two groups gives text, name, args, text, name, args, …, text.
        self.texts: tuple[str, ...] = tuple(pieces[0::3])
        self.holes: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
            (name, tuple(args.split(":")[1:])) for name, args in zip(pieces[1::3], pieces[2::3], strict=True)
        )

    def fill(self, fillers: dict[str, Callable[..., str]]) -> str:
        """The page, each hole replaced by what its filler returns for the hole's arguments."""
        out = [self.texts[0]]
        for (name, args), text in zip(self.holes, self.texts[1:], strict=True):
            out.append(fillers[name](*args))
            out.append(text)
        return "".join(out)
