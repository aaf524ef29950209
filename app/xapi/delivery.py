"""Sending one statement to the learning record store: PUT LRS_URL + statements?statementId=…

PUT with the statement's own id makes a resend harmless: an LRS answers 204 to the same statement
again, and 409 when it already holds a different one under that id (statements are immutable, the
first one stands), which is as good as delivered for us. Any other 4xx is the LRS refusing this
statement for good — `Refused`, with its message; a 5xx, a timeout or no answer may pass — `Unreachable`.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

XAPI_VERSION = "2.0.0"
TIMEOUT_SECONDS = 15


class Refused(Exception):
    """The LRS refused the statement (a 4xx): sending it again would not help."""


class Unreachable(Exception):
    """The LRS did not take the statement now (a 5xx, or no answer): try again later."""


def send(statement: dict, *, url: str, username: str | None, password: str | None) -> None:
    """PUT one statement to the LRS at `url` (its xAPI endpoint, ending with "/")."""
    target = url + "statements?" + urllib.parse.urlencode({"statementId": statement["id"]})
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION}
    if username:
        token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    if not url.startswith(("http://", "https://")):
        raise Refused(f"LRS_URL must be an http:// or https:// address, not {url!r}")
    request = urllib.request.Request(target, json.dumps(statement).encode(), headers, method="PUT")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310 (the academy's own setting)
            return
    except urllib.error.HTTPError as error:
        if error.code == 409:
            return  # the LRS holds a statement with this id already: it was delivered
        message = f"{error.code} {error.reason}: {_detail(error)}"
        if 400 <= error.code < 500:
            raise Refused(message) from None
        raise Unreachable(message) from None
    except (urllib.error.URLError, OSError) as error:
        raise Unreachable(f"no answer from {url}: {getattr(error, 'reason', error)}") from None


def _detail(error: urllib.error.HTTPError) -> str:
    """The LRS's own words, from its JSON {"detail": …} (Ralph's) or its text, kept short."""
    body = error.read()[:2000].decode("utf-8", "replace")
    try:
        detail = json.loads(body).get("detail", body)
    except (ValueError, AttributeError):
        detail = body
    return (detail if isinstance(detail, str) else json.dumps(detail))[:500]
