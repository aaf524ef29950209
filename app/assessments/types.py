"""Question types: one class each, registered in TYPES. Adding a type is adding one class (and its macro).

A type owns everything about its questions:
- `spec`: the stored form of a content-format question (the bank);
- `layout`: what one attempt shows — its options in the order shown, each under a token drawn
  for that attempt alone, so nothing on the page can be mapped back to the bank or its key;
- `view`: what the page shows (the macro of assessments/_questions.html renders it), never an answer;
- `fields` and `read`: the form fields of the page, and the posted answer read back into bank ids
  (refusing anything that could not have come from this attempt's page);
- `grade`, `correct_answer`, `given_answer` and `key`: grading, the review, and the right answer as a form.

Answers are stored in bank ids (item analysis, grading and review read them); tokens live only
in the attempt's layout and on its page.
"""

from __future__ import annotations

import math
import random
import re
import secrets
import string
from collections.abc import Callable
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from app.core import formatting

MAX_TEXT = 500

#: (public token, bank id) pairs in the order shown.
Pairs = list[list[str]]


class BadAnswer(ValueError):
    """A posted answer that the attempt page could not have produced: refused whole, with a 400."""


def new_token(_bank_id: str) -> str:
    """A token for one option of one attempt: random, so it says nothing about the bank or the key.

    Letters only (37 bits): it can never read as a bank id (c0, i1, p2) nor start an HTML id with a digit.
    """
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def tokenised(ids: list[str], token: Callable[[str], str]) -> Pairs:
    """Each bank id with a token of its own (unique within the question)."""
    pairs, taken = [], set()
    for bank_id in ids:
        public = token(bank_id)
        while public in taken:  # 37 random bits: a clash is a curiosity, but it would merge two options
            public = new_token(bank_id)
        taken.add(public)
        pairs.append([public, bank_id])
    return pairs


def shown_order(layout: dict) -> list[str]:
    """The bank ids in the order the page shows them (the right-hand options, for a matching)."""
    pairs = layout.get("choices") or layout.get("items") or layout.get("right") or []
    return [bank_id for _token, bank_id in pairs]


def _bank_id(pairs: Pairs, public: str) -> str:
    for token, bank_id in pairs:
        if token == public:
            return bank_id
    raise BadAnswer(_("an answer that is not one of this question's options on this attempt's page"))


def _token(pairs: Pairs, bank_id: str) -> str | None:
    return next((token for token, known in pairs if known == bank_id), None)


class QuestionType:
    name: ClassVar[str]
    #: The type in words, as trainers read it (the editor, item analysis).
    label: ClassVar[str]
    #: The macro of assessments/_questions.html that shows it.
    macro: ClassVar[str]
    #: Whether choices/items are shuffled when the assessment shuffles choices.
    shuffles: ClassVar[bool] = False

    def spec(self, question, render) -> dict:
        """The stored form of a content-format question (`render` turns Markdown into safe HTML)."""
        return {}

    def layout(self, spec: dict, shuffle: bool, rng: random.Random, token=new_token) -> dict:
        """What one attempt shows: options in the order shown, under their tokens (JSON, stored with it)."""
        return {}

    def from_order(self, spec: dict, order: list[str]) -> dict:
        """The layout of an attempt started before tokens: its page showed the bank ids, so they stay its tokens."""
        return {}

    def view(self, spec: dict, layout: dict, answer: Any) -> dict:
        """What the page shows of the question, with the saved answer in the page's terms; never the key."""
        return {}

    def fields(self, layout: dict, field: str) -> set[str]:
        """The names of the form fields the page has for this question."""
        return {field}

    def read(self, spec: dict, layout: dict, form: MultiDict, field: str) -> Any:
        """The answer in a posted form, in bank ids, or None if the question was left blank."""
        raise NotImplementedError

    def grade(self, spec: dict, answer: Any) -> float:
        """The fraction of the points earned, 0 to 1."""
        raise NotImplementedError

    def correct_answer(self, spec: dict) -> Markup:
        """The correct answer in words, for review after submission."""
        raise NotImplementedError

    def given_answer(self, spec: dict, answer: Any) -> Markup:
        """The learner's answer in words, for review beside the correct one ("" when left blank)."""
        raise NotImplementedError

    def key(self, spec: dict, layout: dict, field: str) -> list[tuple[str, str]]:
        """The form fields that answer the question right on this attempt's page (demo data)."""
        raise NotImplementedError


def _choices(question, render) -> list[dict]:
    return [
        {
            "id": f"c{index}",
            "html": render(choice.text),
            "correct": choice.correct,
            "feedback": render(choice.feedback) if choice.feedback else "",
        }
        for index, choice in enumerate(question.choices)
    ]


def _safe(spec: dict) -> dict[str, Markup]:
    """Each choice's HTML, sanitised when the bank was imported (app/content/render.py)."""
    return {c["id"]: Markup(c["html"]) for c in spec["choices"]}  # noqa: S704 (sanitised at import)


def _html(spec: dict, ids) -> Markup:
    """Several choices in words: each one's tags stripped on its own, so no stray space lands before the "; "."""
    html = _safe(spec)
    return escape("; ".join(html[cid].striptags() for cid in ids if cid in html))


class _Choices(QuestionType):
    shuffles = True

    def layout(self, spec, shuffle, rng, token=new_token):
        ids = [c["id"] for c in spec["choices"]]
        if shuffle:
            rng.shuffle(ids)
        return {"choices": tokenised(ids, token)}

    def from_order(self, spec, order):
        return {"choices": tokenised(order, str)}

    def view(self, spec, layout, answer):
        html = _safe(spec)
        chosen = set(answer if isinstance(answer, list) else [answer])
        return {
            "choices": [
                {"value": token, "html": html[cid], "checked": cid in chosen} for token, cid in layout["choices"]
            ]
        }

    def correct_answer(self, spec):
        return _html(spec, [c["id"] for c in spec["choices"] if c["correct"]])

    def given_answer(self, spec, answer):
        return _html(spec, answer if isinstance(answer, list) else [answer] if answer else [])

    def key(self, spec, layout, field):
        right = {c["id"] for c in spec["choices"] if c["correct"]}
        return [(field, token) for token, cid in layout["choices"] if cid in right]


class SingleChoice(_Choices):
    name, macro = "single_choice", "single_choice"
    label = _l("Single choice")

    def spec(self, question, render) -> dict:
        return {"choices": _choices(question, render)}

    def read(self, spec, layout, form, field):
        value = form.get(field, "")
        return _bank_id(layout["choices"], value) if value else None

    def grade(self, spec, answer):
        return float(any(c["id"] == answer and c["correct"] for c in spec["choices"]))


class MultipleChoice(_Choices):
    name, macro = "multiple_choice", "multiple_choice"
    label = _l("Multiple choice")

    def spec(self, question, render) -> dict:
        return {"choices": _choices(question, render), "partial_credit": question.partial_credit}

    def read(self, spec, layout, form, field):
        values = [value for value in form.getlist(field) if value]  # "" alone: every box unticked (the script)
        if len(values) != len(set(values)):
            raise BadAnswer(_("the same choice posted twice"))
        return sorted(_bank_id(layout["choices"], v) for v in values) or None

    def grade(self, spec, answer):
        chosen = set(answer or [])
        right = {c["id"] for c in spec["choices"] if c["correct"]}
        if not spec.get("partial_credit"):
            return float(chosen == right)
        # Each right choice earns its share; each wrong one takes a share away; never below 0.
        earned = len(chosen & right) - len(chosen - right)
        return max(0.0, earned / len(right))


class TrueFalse(QuestionType):
    name, macro = "true_false", "true_false"
    label = _l("True or false")

    def spec(self, question, render) -> dict:
        return {"answer": question.answer}

    def view(self, spec, layout, answer):
        return {"answer": answer}

    def read(self, spec, layout, form, field):
        value = form.get(field, "")
        if not value:
            return None
        if value not in ("true", "false"):
            raise BadAnswer(_("true or false only"))
        return value == "true"

    def grade(self, spec, answer):
        return float(answer is not None and answer == spec["answer"])

    def correct_answer(self, spec):
        return escape(_("True") if spec["answer"] else _("False"))

    def given_answer(self, spec, answer):
        return Markup("") if answer is None else escape(_("True") if answer else _("False"))

    def key(self, spec, layout, field):
        return [(field, "true" if spec["answer"] else "false")]


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class Numeric(QuestionType):
    name, macro = "numeric", "numeric"
    label = _l("Number")

    def spec(self, question, render) -> dict:
        return {"answer": question.answer, "tolerance": question.tolerance, "unit": question.unit}

    def view(self, spec, layout, answer):
        return {"unit": spec.get("unit"), "value": "" if answer is None else f"{answer:g}"}

    def read(self, spec, layout, form, field):
        value = form.get(field, "").strip().replace(" ", "").replace("\u202f", "")
        if not value:
            return None
        if len(value) > 40 or not _NUMBER.match(value):
            raise BadAnswer(_("not a number: write it in digits, such as 12.5"))
        number = float(value.replace(",", "."))
        if not math.isfinite(number):
            raise BadAnswer(_("not a number: write it in digits, such as 12.5"))
        return number

    def grade(self, spec, answer):
        # A hair of slack so that 0.1 + 0.2 style rounding never fails a right answer.
        return float(answer is not None and abs(answer - spec["answer"]) <= spec["tolerance"] + 1e-9)

    # Numbers shown the reader's way (Babel: 4,5 in French), as the page around them.
    def correct_answer(self, spec):
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        tolerance = f" (± {formatting.number(spec['tolerance'])})" if spec["tolerance"] else ""
        return escape(f"{formatting.number(spec['answer'])}{unit}{tolerance}")

    def given_answer(self, spec, answer):
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        return Markup("") if answer is None else escape(f"{formatting.number(answer)}{unit}")

    def key(self, spec, layout, field):
        return [(field, repr(spec["answer"]))]


def normalise_text(text: str) -> str:
    return " ".join(text.casefold().split())


class ShortText(QuestionType):
    name, macro = "short_text", "short_text"
    label = _l("Short text")

    def spec(self, question, render) -> dict:
        return {"accepted": list(question.accepted)}

    def view(self, spec, layout, answer):
        return {"value": answer or ""}

    def read(self, spec, layout, form, field):
        value = form.get(field, "")
        if len(value) > MAX_TEXT:
            raise BadAnswer(_("an answer longer than %(n)d characters", n=MAX_TEXT))
        return value.strip() or None

    def grade(self, spec, answer):
        return float(answer is not None and normalise_text(answer) in {normalise_text(a) for a in spec["accepted"]})

    def correct_answer(self, spec):
        return escape(spec["accepted"][0])

    def given_answer(self, spec, answer):
        return escape(answer or "")

    def key(self, spec, layout, field):
        return [(field, spec["accepted"][0])]


class Ordering(QuestionType):
    """Items put in order: without JavaScript, each item gets a position from a list."""

    name, macro = "ordering", "ordering"
    label = _l("Put in order")

    def spec(self, question, render) -> dict:
        return {"items": [{"id": f"i{index}", "text": item} for index, item in enumerate(question.items)]}

    def layout(self, spec, shuffle, rng, token=new_token):
        ids = [item["id"] for item in spec["items"]]
        rng.shuffle(ids)  # always shuffled: shown in the right order, it would give itself away
        return {"items": tokenised(ids, token)}

    def from_order(self, spec, order):
        return {"items": tokenised(order, str)}

    def view(self, spec, layout, answer):
        text = {item["id"]: item["text"] for item in spec["items"]}
        answer = answer or []
        return {
            "items": [
                {"token": token, "text": text[iid], "position": answer.index(iid) + 1 if iid in answer else None}
                for token, iid in layout["items"]
            ]
        }

    def fields(self, layout, field):
        return {f"{field}-{token}" for token, _iid in layout["items"]}

    def read(self, spec, layout, form, field):
        positions = {iid: form.get(f"{field}-{token}", "") for token, iid in layout["items"]}
        if not any(positions.values()):
            return None
        allowed = {str(n) for n in range(1, len(positions) + 1)}
        if any(p not in allowed for p in positions.values()):
            raise BadAnswer(_("a position that is not on the list"))
        # Ties are simply wrong, not refused; the bank id breaks them so a reload shows the same.
        return sorted(positions, key=lambda iid: (int(positions[iid]), iid))

    def grade(self, spec, answer):
        return float(answer == [item["id"] for item in spec["items"]])

    def correct_answer(self, spec):
        return escape(" → ".join(item["text"] for item in spec["items"]))

    def given_answer(self, spec, answer):
        text = {item["id"]: item["text"] for item in spec["items"]}
        return escape(" → ".join(text[iid] for iid in answer or [] if iid in text))

    def key(self, spec, layout, field):
        rank = {item["id"]: n for n, item in enumerate(spec["items"], start=1)}
        return [(f"{field}-{token}", str(rank[iid])) for token, iid in layout["items"]]


class Matching(QuestionType):
    """Each left-hand item gets one right-hand option; both sides carry tokens of their own."""

    name, macro = "matching", "matching"
    label = _l("Matching pairs")

    def spec(self, question, render) -> dict:
        return {
            "items": [
                {"id": f"p{index}", "left": pair.left, "right": pair.right} for index, pair in enumerate(question.pairs)
            ]
        }

    def layout(self, spec, shuffle, rng, token=new_token):
        left = [item["id"] for item in spec["items"]]
        right = list(left)
        rng.shuffle(left)
        rng.shuffle(right)
        return {"left": tokenised(left, token), "right": tokenised(right, token)}

    def from_order(self, spec, order):
        return {"left": tokenised([item["id"] for item in spec["items"]], str), "right": tokenised(order, str)}

    def view(self, spec, layout, answer):
        items = {item["id"]: item for item in spec["items"]}
        answer = answer or {}
        return {
            "left": [
                {"token": token, "text": items[pid]["left"], "chosen": _token(layout["right"], answer.get(pid))}
                for token, pid in layout["left"]
            ],
            "right": [{"token": token, "text": items[pid]["right"]} for token, pid in layout["right"]],
        }

    def fields(self, layout, field):
        return {f"{field}-{token}" for token, _pid in layout["left"]}

    def read(self, spec, layout, form, field):
        answer = {}
        for token, pid in layout["left"]:
            value = form.get(f"{field}-{token}", "")
            if value:
                answer[pid] = _bank_id(layout["right"], value)
        return answer or None

    def grade(self, spec, answer):
        answer = answer or {}
        return sum(answer.get(item["id"]) == item["id"] for item in spec["items"]) / len(spec["items"])

    def correct_answer(self, spec):
        return escape("; ".join(f"{item['left']} → {item['right']}" for item in spec["items"]))

    def given_answer(self, spec, answer):
        right = {item["id"]: item["right"] for item in spec["items"]}
        answer = answer or {}
        return escape(
            "; ".join(f"{item['left']} → {right[answer[item['id']]]}" for item in spec["items"] if item["id"] in answer)
        )

    def key(self, spec, layout, field):
        return [(f"{field}-{token}", _token(layout["right"], pid)) for token, pid in layout["left"]]


TYPES: dict[str, QuestionType] = {
    kind.name: kind() for kind in (SingleChoice, MultipleChoice, TrueFalse, Numeric, ShortText, Ordering, Matching)
}
