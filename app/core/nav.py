"""The site header's links, rendered once per language and set of permitted links.

Every page shows the same header to everyone who may open the same sections; rendering its
dozen links, labels and permission checks for each request cost about a tenth of a page's
time (bench/README.md). Which links show is still decided for each request by the policy
module; the rendered header is kept per process for that answer and language, and the
logout form's CSRF token, the one part that differs per visitor, is filled in per request.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app import policy
from app.auth.api import Role
from app.common import kept
from app.core.shells import Shell, hole

#: The sections the header links to when the policy allows them (no target: the user's role decides).
SECTIONS = (
    "course.create",
    "directorate.view",
    "cohort.create",
    "user.list",
    "administration.list",
    "jobs.manage",
    "downloads.list",
)

HEADERS = kept.Store(
    "site header",
    holds="the header's links as a shell (the logout token is a hole)",
    keyed_by="language and the set of sections the policy allows",
    stale=(kept.Never("a restart (the links and labels change only with the code)"),),
    bound=64,
    owner="app/core/nav.py",
    pages=("nav",),
)


def allowed_sections() -> dict[str, bool] | None:
    """For the current user, which header sections show; None for a visitor who is not logged in."""
    user = current_user._get_current_object()  # the user itself: the policy reads it a dozen times
    if not user.is_authenticated:
        return None
    allowed = {action: policy.can(user, action) for action in SECTIONS}
    allowed["administration.dashboard"] = user.role == Role.COORDINATOR and policy.can(
        user, "administration.dashboard", user.administration
    )
    return allowed


def site_nav() -> Markup:
    """The header's list items for the current user, with their logout token."""
    allowed = allowed_sections()
    key = (str(get_locale()), None if allowed is None else tuple(sorted(allowed.items())))
    shell = HEADERS.get_or_make(("nav", *key), lambda: Shell(render_template("_nav.html", allowed=allowed, hole=hole)))
    return Markup(shell.fill({"csrf_token": generate_csrf}))  # noqa: S704 (our template, a token)
