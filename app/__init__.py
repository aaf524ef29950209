"""Customs Data Academy: the application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

from app import config as settings
from app.common import kept
from app.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    from app.core.security import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    from app.common import storage

    # Made now, so that a malformed STORAGE_URL stops the start with a message naming it.
    app.extensions["academy.store"] = storage.store_for(app.config)
    if not app.config.get("STORAGE_URL"):
        Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        # Behind N reverse proxies, the client's address and scheme are what the Nth proxy saw;
        # with none (the default) X-Forwarded-* headers are ignored: anyone could write them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    if not app.debug:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        app.logger.setLevel(logging.INFO)
    # WeasyPrint and fontTools narrate every step at INFO; keep their warnings only.
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from app.common import database  # noqa: F401  (SQLite pragmas on every connection)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)

    from app.core import assets, security
    from app.core.language import bp as language_bp
    from app.core.routes import bp as core_bp
    from app.core.routes import register_error_pages

    security.init_app(app)
    assets.init_app(app)
    register_error_pages(app)
    app.register_blueprint(core_bp)
    app.register_blueprint(language_bp)

    from app.auth.routes import bp as auth_bp
    from app.people.routes import bp as people_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(people_bp)

    from app.courses.routes import bp as courses_bp

    app.register_blueprint(courses_bp)

    from app import assessments

    assessments.init_app(app)

    from app import certificates

    certificates.init_app(app)

    from app import directorate

    directorate.init_app(app)

    from app import workshops

    workshops.init_app(app)

    from app import authoring

    authoring.init_app(app)

    from app import jobs, outbox
    from app.jobs.cli import worker_command
    from app.outbox import mail as outbox_mail

    jobs.init_app(app)
    outbox.init_app(app)
    outbox.register("mail", outbox_mail.deliver)
    app.cli.add_command(worker_command)

    from app import admin

    admin.init_app(app)

    from app import downloads

    downloads.init_app(app)

    from app import xapi

    xapi.init_app(app)

    from app import cli

    cli.init_app(app)
    _init_templates(app)
    return app


def _select_locale() -> Locale | None:
    """The person's choice (their account's, else their session's), else the browser's first
    language we speak, else English.

    Returned as a Babel Locale parsed once per process: Flask-Babel parses a code again for each
    request, a twentieth of a lesson page's time.
    """
    if not has_request_context():
        return None  # the command line speaks the default language
    config = current_app.config
    user = current_user._get_current_object()
    chosen = user.locale if user.is_authenticated and user.locale else session.get("language")
    if chosen not in config["LANGUAGES"]:
        chosen = request.accept_languages.best_match(config["LANGUAGES"]) or config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@kept.once
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.auth import sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # A request is logged in while its session is open on the server (app/auth/sessions.py).
    login_manager.user_loader(sessions.load_user)


def _init_templates(app: Flask) -> None:
    from flask_babel import get_locale, get_translations

    from app import policy
    from app.common import events
    from app.core import formatting
    from app.core.language import NAMES, direction
    from app.core.nav import site_nav

    formatting.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale
    # Whether the visitor may edit a course: the editor answers (app/common/events.py).
    app.jinja_env.globals["may_edit_course"] = events.may_edit_course
    app.jinja_env.globals["site_nav"] = site_nav
    app.jinja_env.globals["text_direction"] = direction
    app.jinja_env.globals["language_names"] = {code: NAMES[code] for code in app.config["LANGUAGES"]}

    def translations():
        # Flask-Babel looks its translations up again for every string of a template (its
        # context, domain and locale: about 10 µs each, a page has dozens). Its locale is fixed
        # for the request once read, so the translations are too: kept on `g`.
        if not has_request_context():
            return get_translations()
        found = g.get("_academy_translations")
        if found is None:
            found = g._academy_translations = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def inject_policy():
        return {"can": lambda action, target=None: policy.can(current_user, action, target)}
