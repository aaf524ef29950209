"""Settings read from the environment, with safe defaults for a local run.

Every setting a deployment may change is an environment variable documented in the README.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRODUCTION = "production"


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'academy.sqlite'}"
    # We use psycopg 3; accept the URLs that hosting providers hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(url: str) -> dict:
    """How each process holds its database connections.

    A sync gunicorn worker serves one request at a time and uses one connection for it, so on
    PostgreSQL each worker keeps a small pool (DATABASE_POOL_SIZE, default 2: the request's
    connection and one spare for a CLI command or a job the process runs) and may open
    DATABASE_MAX_OVERFLOW more for a moment (default 2). The server must allow, for every host,
    workers × (pool size + overflow) connections, plus the worker process and the CLI:
    two hosts of 2 workers take at most 16 of PostgreSQL's default 100. Connections are checked
    before use (a restarted server or a proxy's idle cut-off is noticed, not served as an error)
    and replaced after half an hour; a request waits DATABASE_POOL_TIMEOUT seconds (10) for a
    connection before it fails. SQLite keeps SQLAlchemy's defaults (a file has no server to pool).
    """
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options |= {
            "pool_size": int(os.environ.get("DATABASE_POOL_SIZE") or 2),
            "max_overflow": int(os.environ.get("DATABASE_MAX_OVERFLOW") or 2),
            "pool_timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT") or 10),
            "pool_recycle": 1800,
        }
    return options


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if production:
        raise RuntimeError(
            "SECRET_KEY is not set. In production the application refuses to start without one: "
            "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    # A local run keeps one generated key, so sessions survive a restart. Written whole under another name
    # and linked into place, so that processes starting at once (CI's two test lanes in one checkout, a
    # server and a command) all read the one key made first, never a half-written file.
    path = instance_path / "secret_key"
    if not path.exists():
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _public_url() -> str:
    """The base of links that leave the page: mails, calendar files, QR codes, credentials.

    PUBLIC_URL when set (a deployment sets it: it is never taken from a request's Host header).
    Otherwise the address `flask run` serves, FLASK_RUN_HOST and FLASK_RUN_PORT, which `make run`
    sets from HOST and PORT: `make run PORT=5101` mails links to port 5101.
    """
    url = os.environ.get("PUBLIC_URL", "").strip()
    if url:
        return url.rstrip("/")
    host = os.environ.get("FLASK_RUN_HOST", "").strip() or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:  # noqa: S104 (served on every interface: this machine's own address is one)
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('FLASK_RUN_PORT', '').strip() or 5000}"


def _lrs_url() -> str | None:
    """LRS_URL, the xAPI endpoint (statements are sent to LRS_URL + "statements"), ending with "/"."""
    url = os.environ.get("LRS_URL", "").strip()
    return url.rstrip("/") + "/" if url else None


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: The languages the academy offers; English first, the curriculum's source language.
LANGUAGES = ["en", "fr"]


def _certificate_languages() -> list[str]:
    """CERTIFICATE_LANGUAGES: empty (a certificate prints in its recipient's language), "bilingual" (in every
    offered language, the recipient's first) or a list such as "en,fr" (those, the recipient's first if named)."""
    value = os.environ.get("CERTIFICATE_LANGUAGES", "").strip().lower()
    if value in ("", "recipient"):
        return []
    if value == "bilingual":
        return list(LANGUAGES)
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise RuntimeError(
            f"CERTIFICATE_LANGUAGES={value!r}: {', '.join(unknown)} is not offered "
            f"(offered: {', '.join(LANGUAGES)}; or 'bilingual', or empty for the recipient's language)"
        )
    return list(dict.fromkeys(codes))


def from_environment(instance_path: Path) -> dict:
    """Return the application settings for this environment."""
    env = os.environ.get("ACADEMY_ENV", "development").strip().lower()
    production = env == PRODUCTION
    storage = Path(os.environ.get("STORAGE_DIR") or instance_path / "storage")
    return {
        "ACADEMY_ENV": env,
        "SECRET_KEY": _secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(_database_url(instance_path)),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Background jobs (app/jobs): "rq" (RQ workers, `flask --app wsgi worker`), "thread" (a
        # thread of each web process) or "none" (a scheduler runs `flask --app wsgi outbox deliver`).
        "JOBS_BACKEND": (os.environ.get("JOBS_BACKEND") or ("rq" if os.environ.get("REDIS_URL") else "thread")).lower(),
        # How often a worker (or the thread) delivers the outbox's retries that came due.
        "JOBS_SWEEP_SECONDS": float(os.environ.get("JOBS_SWEEP_SECONDS") or 30),
        # A directorate export whose period is longer than this many days is built by a background
        # job into the Store and offered on /downloads when ready (app/directorate/exports.py).
        "EXPORT_JOB_DAYS": int(os.environ.get("EXPORT_JOB_DAYS") or 366),
        # A CSV enrolment (people, a cohort's members) of more lines than this is checked whole in the
        # request, then written by a background job (its outcome on /downloads).
        "IMPORT_JOB_LINES": int(os.environ.get("IMPORT_JOB_LINES") or 200),
        # A prepared file (/downloads) is removed from the Store this many days after it was built
        # (`flask --app wsgi downloads purge`, and the workers' periodic sweep).
        "PREPARED_DOWNLOADS_DAYS": int(os.environ.get("PREPARED_DOWNLOADS_DAYS") or 7),
        # A cohort's certificates ZIP with more certificates than this is built by a background job.
        "CERTIFICATES_ZIP_JOB_COUNT": int(os.environ.get("CERTIFICATES_ZIP_JOB_COUNT") or 50),
        # How long a worker holds an outbox item it is delivering; after that another may take it.
        "OUTBOX_LEASE_SECONDS": float(os.environ.get("OUTBOX_LEASE_SECONDS") or 300),
        # After this many faults an item fails (shown on /admin/jobs for an admin to retry).
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS") or 25),
        "STORAGE_DIR": str(storage),
        # Files in an S3-compatible store instead of STORAGE_DIR (s3://bucket/prefix); endpoint,
        # region and credentials from boto3's AWS_* variables. See app/common/storage/.
        "STORAGE_URL": os.environ.get("STORAGE_URL") or None,
        # S3 downloads: streamed through the application (proxy), or a redirect to a signed URL.
        "STORAGE_REDIRECT": os.environ.get("STORAGE_REDIRECT") or "proxy",
        "STORAGE_PRESIGNED_SECONDS": int(os.environ.get("STORAGE_PRESIGNED_SECONDS") or 300),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR") or str(Path(__file__).resolve().parent.parent / "content"),
        # The Open Badges signing key: instance/ by default; several hosts must share one.
        "CREDENTIAL_KEY_DIR": os.environ.get("CREDENTIAL_KEY_DIR") or None,
        "PUBLIC_URL": _public_url(),
        # Mail: with no MAIL_SERVER the messages are written to the log (local runs only).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Customs Data Academy <academy@localhost>"),
        # A learning record store (xAPI 2.0) the academy sends statements to; none without LRS_URL
        # (app/xapi/). Officers are named by a pseudonym unless XAPI_ACTOR_EMAIL is on; the pseudonym's
        # key is XAPI_ACTOR_KEY, else derived from SECRET_KEY (set it before rotating SECRET_KEY).
        "LRS_URL": _lrs_url(),
        "LRS_USERNAME": os.environ.get("LRS_USERNAME") or None,
        "LRS_PASSWORD": os.environ.get("LRS_PASSWORD") or None,
        "XAPI_ACTOR_EMAIL": _bool("XAPI_ACTOR_EMAIL", False),
        "XAPI_ACTOR_KEY": os.environ.get("XAPI_ACTOR_KEY") or None,
        # Cookies: HttpOnly and SameSite always, Secure behind HTTPS in production.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB") or 25) * 1024 * 1024,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # How long a worker may reuse the directorate overview's figures (0: never); see
        # app/directorate/reports.py. New enrolments, certificates and audited edits show at once.
        "DIRECTORATE_FIGURES_SECONDS": int(os.environ.get("DIRECTORATE_FIGURES_SECONDS") or 60),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # Failed logins (app/auth/throttle.py): a few per account, many more per address (a
        # training room shares one); successful logins are not counted.
        "LOGIN_FAILURES_PER_ACCOUNT": os.environ.get("LOGIN_FAILURES_PER_ACCOUNT") or "5 per 15 minutes",
        "LOGIN_FAILURES_PER_ADDRESS": os.environ.get("LOGIN_FAILURES_PER_ADDRESS") or "60 per 15 minutes",
        # How many reverse proxies stand in front and add X-Forwarded-For (0: trust no such header).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT") or 0),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": list(LANGUAGES),
        # Certificates print in their recipient's language, or in several on one page (README, "Languages").
        "CERTIFICATE_LANGUAGES": _certificate_languages(),
        "PASSWORD_RESET_HOURS": 2,
        "INVITATION_DAYS": 14,
    }
