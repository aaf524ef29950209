"""An attempt's page carries no answer key: its values, names, ids and order are drawn for that attempt alone."""

import re
from collections import Counter
from html.parser import HTMLParser

import sqlalchemy as sa

from app.assessments.models import Attempt, Question, Response
from app.extensions import db
from tests.helpers import ASSESSMENT, change_assessments, csrf_token

ATTEMPTS = 200
#: Bank ids as the content format makes them (c0, i1, p2): none may appear on an attempt's page.
BANK_ID = re.compile(r"^[cip]\d+$")


class AttemptPage(HTMLParser):
    """The attempt page as a reader of its source sees it: each field's options, in order, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str]] = []  # every (attribute, value) of every element
        self.options: dict[str, list[tuple[str, str]]] = {}  # field name -> [(value, text)] in page order
        self._open: tuple[str, str] | None = None  # the field and value whose text is being read
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attributes += [(name, value or "") for name, value in attrs.items()]
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self._open, self._text = (attrs["name"], attrs["value"]), []
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and attrs.get("value"):
            self._open, self._text = (self._select, attrs["value"]), []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ("label", "option") and self._open:
            name, value = self._open
            self.options.setdefault(name, []).append((value, " ".join("".join(self._text).split())))
            self._open = None
        elif tag == "select":
            self._select = None


def _read(html: str) -> AttemptPage:
    page = AttemptPage()
    page.feed(html)
    return page


def _bank(app) -> tuple[dict[str, int], set[str]]:
    """Show the whole bank on every attempt, attempts without limit; the questions' ids by key, and every bank id."""
    with app.app_context():
        change_assessments(app, draw=100, max_attempts=None, time_limit_minutes=None)  # as a publish would
        questions = db.session.scalars(sa.select(Question)).all()
        bank_ids = {item["id"] for q in questions for item in q.spec.get("choices", []) + q.spec.get("items", [])}
        return {q.key: q.id for q in questions}, bank_ids


def _close(app, attempt_id: int) -> None:
    with app.app_context():
        db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id).values(status="submitted"))
        db.session.commit()


def _start(client, token: str) -> int:
    response = client.post(f"{ASSESSMENT}/start", data={"csrf_token": token})
    return int(response.location.rsplit("/", 1)[1])


def test_the_correct_choice_is_anywhere_and_nothing_names_the_bank(app, client, auth, ready_learner):
    """Over 200 attempts at a bank whose first choice is right, is the right choice's place spread evenly, and
    does no value, name or id of any page equal a bank id, repeat between attempts, or pair a matching option
    with its left item?"""
    keys, bank_ids = _bank(app)
    auth.login(ready_learner.email)
    token = csrf_token(client, ASSESSMENT)
    red, first_step = f"q{keys['channel-red']}", f"q{keys['clearance-order']}"
    places, right_values, attempt_ids = Counter(), set(), []
    for _ in range(ATTEMPTS):
        attempt_id = _start(client, token)
        page = _read(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
        for attribute, value in page.attributes:
            if attribute in ("name", "value", "id", "for"):
                assert not (BANK_ID.match(value) or any(BANK_ID.match(part) for part in value.split("-"))), value
        choices = page.options[red]
        assert sorted(text for _value, text in choices) == ["Green", "Red", "Yellow"]
        place, (value, _text) = next((n, c) for n, c in enumerate(choices) if c[1] == "Red")
        places[place] += 1
        right_values.add(value)
        # Ordering: which item comes first on the page says nothing of which comes first in the answer.
        steps = [name for name in page.options if name.startswith(f"{first_step}-")]
        assert len(steps) == 4
        # Matching: an option's value is never the suffix of the field it answers.
        for name, options in page.options.items():
            suffix = name.split("-", 1)[1] if "-" in name else None
            assert suffix is None or all(value != suffix for value, _text in options)
        attempt_ids.append(attempt_id)
        _close(app, attempt_id)
    assert len(right_values) == ATTEMPTS  # a fresh value on every attempt: nothing to learn from the last one
    # Three places, 200 draws: chi-square with 2 degrees of freedom; 13.8 is exceeded once in a thousand runs.
    expected = ATTEMPTS / 3
    assert set(places) == {0, 1, 2}
    assert sum((places[n] - expected) ** 2 / expected for n in range(3)) < 13.8, places
    with app.app_context():
        layouts = db.session.scalars(sa.select(Attempt.orders).where(Attempt.id.in_(attempt_ids))).all()
    first_shown = Counter(orders["layouts"][str(keys["clearance-order"])]["items"][0][1] for orders in layouts)
    assert set(first_shown) == {"i0", "i1", "i2", "i3"}, first_shown


def test_a_token_of_another_attempt_is_refused(app, client, auth, ready_learner):
    """Is a choice, an ordering item or a matching option posted with another attempt's token refused with a 400,
    leaving the saved answers as they were?"""
    keys, _bank_ids = _bank(app)
    auth.login(ready_learner.email)
    token = csrf_token(client, ASSESSMENT)
    first = _start(client, token)
    old = _read(client.get(f"/attempts/{first}").get_data(as_text=True)).options
    _close(app, first)
    second = _start(client, token)
    new = _read(client.get(f"/attempts/{second}").get_data(as_text=True)).options
    red = f"q{keys['channel-red']}"
    right_now = next(value for value, text in new[red] if text == "Red")
    assert client.post(
        f"/attempts/{second}", data={red: right_now, "action": "save", "csrf_token": token}
    ).status_code in (302, 303)
    matching = f"q{keys['match-channels']}"
    old_left = next(name for name in old if name.startswith(f"{matching}-"))
    new_left = next(name for name in new if name.startswith(f"{matching}-"))
    ordering = next(name for name in old if name.startswith(f"q{keys['clearance-order']}-"))
    stale = [
        {red: next(value for value, text in old[red] if text == "Red")},  # the right choice, as the last page had it
        {new_left: old[old_left][0][0]},  # an option of the last attempt, on this attempt's field
        {old_left: new[new_left][0][0]},  # this attempt's option, on the last attempt's field
        {ordering: "1"},  # an item of the last attempt
    ]
    for data in stale:
        response = client.post(f"/attempts/{second}", data={**data, "action": "save", "csrf_token": token})
        assert response.status_code == 400, data
        assert "were not saved" in response.get_data(as_text=True)
        autosave = client.post(f"/attempts/{second}/autosave", data=data, headers={"X-CSRFToken": token})
        assert autosave.status_code == 400, data
    with app.app_context():
        saved = {
            r.question_id: r.answer
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == second))
        }
    assert saved[keys["channel-red"]] == "c0"  # stored in bank ids, as saved before the stale posts
    assert all(answer is None for question_id, answer in saved.items() if question_id != keys["channel-red"])


def test_an_attempt_started_before_tokens_keeps_working(app, client, auth, ready_learner):
    """Does an attempt started before tokens (its page showed c0, p1…) still take the answers that page posts,
    store them and show them again?"""
    keys, _bank_ids = _bank(app)
    auth.login(ready_learner.email)
    token = csrf_token(client, ASSESSMENT)
    attempt_id = _start(client, token)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        # As such an attempt was stored: the bank ids in the order shown, nothing else.
        attempt.orders = {key: order for key, order in attempt.orders.items() if key != "layouts"}
        db.session.commit()
    red, matching = f"q{keys['channel-red']}", f"q{keys['match-channels']}"
    page = _read(client.get(f"/attempts/{attempt_id}").get_data(as_text=True))
    assert sorted(value for value, _text in page.options[red]) == ["c0", "c1", "c2"]
    data = {red: "c0", f"{matching}-p0": "p0", f"{matching}-p1": "p2", "action": "save", "csrf_token": token}
    assert client.post(f"/attempts/{attempt_id}", data=data).status_code == 302
    with app.app_context():
        saved = {
            r.question_id: r.answer
            for r in db.session.scalars(sa.select(Response).where(Response.attempt_id == attempt_id))
        }
    assert saved[keys["channel-red"]] == "c0" and saved[keys["match-channels"]] == {"p0": "p0", "p1": "p2"}
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'name="{red}" value="c0" checked' in html
