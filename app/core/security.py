"""HTTP response headers that keep pages from being framed, sniffed or scripted from elsewhere."""

from flask import Flask, Response, abort, g, request
from werkzeug.routing import IntegerConverter

#: The largest identifier a database column holds (PostgreSQL's integer).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: a number beyond any identifier is simply not found (404), never a 500."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(value: str) -> int:
    """For request.args.get(..., type=bounded_int): out-of-range numbers count as absent."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def refuse_nul_bytes() -> None:
    """A NUL byte is in no legitimate input, and PostgreSQL refuses it in text: answer 400 at once."""
    if "\x00" in request.path or b"%00" in request.query_string or "\x00" in request.query_string.decode("latin-1"):
        abort(400, description="The request holds a NUL character.")
    is_form = request.method in ("POST", "PUT", "PATCH") and "form" in (request.content_type or "")
    if is_form and any("\x00" in f"{key}{value}" for key, value in request.form.items(multi=True)):
        abort(400, description="The form holds a NUL character.")


#: Every asset is served by the app itself; no inline scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def keep_private_responses_private(response: Response) -> Response:
    """What is made for a logged-in person stays theirs once they log out.

    Pages (and redirects, JSON) are not stored by any cache, so Back after logging out on a shared
    computer shows nothing; files behind the login (notebooks, datasets, certificates, exports) may
    be kept by the person's browser but never by a shared proxy. Static files keep their own rules.
    """
    user = g.get("_login_user")  # Flask-Login's user, if this request loaded one: no extra statement
    # is_anonymous, not is_authenticated: that one reads `active`, which a request that committed
    # has expired, and the user's row would be read again after every write.
    if user is None or user.is_anonymous or request.endpoint == "static":
        return response
    is_file = response.direct_passthrough or response.headers.get("Content-Disposition", "").startswith("attachment")
    if is_file:
        response.cache_control.public = False
        response.cache_control.private = True
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(keep_private_responses_private)
    app.before_request(refuse_nul_bytes)
