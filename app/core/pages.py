"""Pages kept per process as shells, filled for each request (see app/core/shells.py).

A template rendered through `kept_page` gets a `hole` function; base.html then leaves holes
for the header's links and for flashed messages, which are filled for each request with the
visitor's own. A page kept this way must hold nothing else that depends on the visitor: what
does is another hole, with its filler passed here.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, session
from flask_babel import get_locale

from app.core.nav import site_nav
from app.core.shells import Shell, hole

#: At most this many shells per store unless the caller says otherwise; a full store is cleared.
KEPT_MAX = 2048


def _flashes() -> str:
    return render_template("_flashes.html") if session.get("_flashes") else ""


def kept_page(
    store: dict,
    key: tuple,
    template: str,
    context: Callable[[], dict],
    fillers: dict[str, Callable[..., str]] | None = None,
    limit: int = KEPT_MAX,
) -> str:
    """The page `template` for `key` and the current language, rendered from `context()` once.

    `store` is where the shells live and decides how long: a dict kept with what the page shows
    (the curriculum of a version, the directorate's figures), so a change drops it.
    """
    key = (*key, str(get_locale()))
    shell = store.get(key)
    if shell is None:
        if len(store) >= limit:
            store.clear()
        shell = store[key] = Shell(render_template(template, hole=hole, **context()))
    return shell.fill({"nav": site_nav, "flashes": _flashes, **(fillers or {})})


def kept_part(
    store: dict, key: tuple, render: Callable[[], object], fillers: dict[str, Callable[..., str]] | None = None
) -> str:
    """A small part of a page (a progress bar, a form) rendered by `render()` once per key and language.

    For the parts that differ between visitors but take few values: a progress bar for each count, a
    form for each lesson. What differs for every visitor (a form's token) is a hole, filled here.
    """
    key = ("part", *key, str(get_locale()))
    shell = store.get(key)
    if shell is None:
        if len(store) >= KEPT_MAX:
            store.clear()
        shell = store[key] = Shell(str(render()))
    return shell.fill(fillers or {}) if shell.holes else shell.texts[0]
