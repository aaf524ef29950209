"""A small HTTP client for the benchmark: one learner's cookies, CSRF tokens from pages, timings.

Standard library only (http.client): gunicorn's sync workers close every connection, so each
request opens a new one, as wrk does.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

USER_AGENT = "academy-bench/1"  # the same for logins and load: sessions are bound to it ("strong" protection)
_CSRF = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")
_QUESTION = re.compile(r"\bname=\"q(\d+)(?:-[^\"]*)?\"")


def csrf_from(html: str) -> str:
    """The CSRF token of the first form of a page."""
    tag = _CSRF.search(html)
    value = _VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise ValueError("no CSRF token on the page")
    return value.group(1)


_CHOICE = re.compile(r'<input type="(?:radio|checkbox)" name="q(\d+)" value="(\w+)"[^>]*>\s*<span>(.*?)</span>', re.S)
_ITEM = re.compile(r'<label for="q(\d+)-(\w+)">(.*?)</label>', re.S)
_SELECT = re.compile(r'<select id="q(\d+)-\w+" name="q\d+-\w+">(.*?)</select>', re.S)
_OPTION = re.compile(r'<option value="(\w+)"[^>]*>(.*?)</option>', re.S)


def _words(markup: str) -> str:
    return " ".join(html.unescape(re.sub("<[^>]+>", " ", markup)).split())


def on_page(page: str, qid: int, fields: list, labels: dict) -> list[tuple[str, str]]:
    """Answer fields written in bank ids (c0, i1, p2), posted as a learner would: under the tokens the
    attempt page shows beside the same words (each attempt has its own)."""
    by_text: dict[str, dict[str, str]] = {"choices": {}, "items": {}, "right": {}}
    for question, token, text in _CHOICE.findall(page):
        if int(question) == qid:
            by_text["choices"][_words(text)] = token
    for question, token, text in _ITEM.findall(page):
        if int(question) == qid:
            by_text["items"][_words(text)] = token
    for question, options in _SELECT.findall(page):
        if int(question) == qid:
            by_text["right"].update({_words(text): token for token, text in _OPTION.findall(options)})
    token = {
        side: {bank: by_text[side][text] for bank, text in words.items()}
        for side, words in labels.items()
        if side in by_text
    }
    if "left" in labels:
        token["items"] = {bank: by_text["items"][text] for bank, text in labels["left"].items()}
    posted = []
    for name, value in fields:
        if "-" in name:  # an ordering item or a matching left item, by its bank id
            base, bank = name.split("-", 1)
            name = f"{base}-{token['items'][bank]}"
            value = token["right"][value] if "right" in token else value
        elif "choices" in token:
            value = token["choices"][value]
        posted.append((name, value))
    return posted


def question_ids(html: str) -> list[int]:
    """The questions of an attempt page, in the order shown."""
    seen: list[int] = []
    for match in _QUESTION.finditer(html):
        qid = int(match.group(1))
        if qid not in seen:
            seen.append(qid)
    return seen


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Session:
    """One person's cookies against one server, or against several taken in turn.

    With `ports`, each request goes to the next of them, as a load balancer without sticky
    sessions would send it: the session, the CSRF token and the attempt must hold on every host.
    """

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60.0
    ports: tuple[int, ...] = ()
    _turn: int = 0

    def _next_port(self) -> int:
        if not self.ports:
            return self.port
        self._turn += 1
        return self.ports[self._turn % len(self.ports)]

    def request(self, method: str, path: str, form=None, headers: dict | None = None) -> Reply:
        body = urlencode(form, doseq=True) if form is not None else None
        port = self._next_port()
        sent = {"User-Agent": USER_AGENT, "Host": f"{self.host}:{port}"}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = self.cookie_header
        sent.update(headers or {})
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            for line in response.msg.get_all("Set-Cookie") or []:
                self._remember(line)
            reply_headers = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        return Reply(response.status, reply_headers, data.decode("utf-8", "replace"), seconds)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form, headers: dict | None = None) -> Reply:
        return self.request("POST", path, form, headers)

    def _remember(self, line: str) -> None:
        pair, *attributes = line.split(";")
        name, _sep, value = pair.strip().partition("=")
        expired = any(a.strip().lower().startswith("max-age=0") for a in attributes) or any(
            a.strip().lower().startswith("expires=thu, 01 jan 1970") for a in attributes
        )
        if expired or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def login(self, email: str, password: str) -> None:
        """Log in through the real form (with its CSRF token); raises if it did not work."""
        page = self.get("/login")
        token = csrf_from(page.body)
        reply = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if reply.status != 302 or reply.location == "/login":
            raise RuntimeError(f"login of {email} failed: HTTP {reply.status}")
