"""Pages kept per process as shells, filled for each request (see app/core/shells.py).

A template rendered through `kept_page` gets a `hole` function; base.html then leaves holes
for the header's links and for flashed messages, which are filled for each request with the
visitor's own. A page kept this way must hold nothing else that depends on the visitor: what
does is another hole, with its filler passed here. tests/test_kept_pages.py renders every page
the shell stores declare for two visitors and checks it.

The shells live in a store of app/common/kept.py declaring its pages (the first item of each
key), which says how long they last: with the curriculum version, the directorate's figures.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, session
from flask_babel import get_locale

from app.common.kept import Store
from app.core.nav import site_nav
from app.core.shells import Shell, hole


def _flashes() -> str:
    return render_template("_flashes.html") if session.get("_flashes") else ""


def kept_page(
    store: Store,
    key: tuple,
    template: str,
    context: Callable[[], dict],
    fillers: dict[str, Callable[..., str]] | None = None,
) -> str:
    """The page `template` for `key` (its name first) and the current language, rendered from `context()` once."""
    shell = store.get_or_make(
        (*key, str(get_locale())), lambda: Shell(render_template(template, hole=hole, **context()))
    )
    return shell.fill({"nav": site_nav, "flashes": _flashes, **(fillers or {})})


def kept_part(
    store: Store, key: tuple, render: Callable[[], object], fillers: dict[str, Callable[..., str]] | None = None
) -> str:
    """A small part of a page (a progress bar, a form) rendered by `render()` once per key and language.

    For the parts that differ between visitors but take few values: a progress bar for each count, a
    form for each lesson. What differs for every visitor (a form's token) is a hole, filled here.
    """
    shell = store.get_or_make((*key, str(get_locale())), lambda: Shell(str(render())))
    return shell.fill(fillers or {}) if shell.holes else shell.texts[0]
