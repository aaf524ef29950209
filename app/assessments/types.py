"""Question types: one class each, registered in TYPES. Adding a type is adding one class.

Each type turns a question of the content format into the stored `spec`, reads a learner's
answer from a form (refusing anything that could not have come from the page), and grades it.
The page of a running attempt is rendered from `public_view`, which never holds an answer.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

MAX_TEXT = 500


class BadAnswer(ValueError):
    """A posted answer that the attempt page could not have produced: refused whole, with a 400."""


class QuestionType:
    name: ClassVar[str]
    #: The macro of assessments/_questions.html that shows it.
    macro: ClassVar[str]
    #: Whether choices/items are shuffled when the assessment shuffles choices.
    shuffles: ClassVar[bool] = False

    def spec(self, question, render) -> dict:
        """The stored form of a content-format question (`render` turns Markdown into safe HTML)."""
        return {}

    def order(self, spec: dict, shuffle: bool, rng: random.Random) -> list[str]:
        """The order of choices or items shown in one attempt."""
        ids = [item["id"] for item in spec.get("choices", spec.get("items", []))]
        if shuffle and self.shuffles:
            rng.shuffle(ids)
        return ids

    def read(self, spec: dict, form: MultiDict, field: str) -> Any:
        """The answer in a posted form, or None if the question was left blank."""
        raise NotImplementedError

    def grade(self, spec: dict, answer: Any) -> float:
        """The fraction of the points earned, 0 to 1."""
        raise NotImplementedError

    def correct_answer(self, spec: dict) -> str:
        """The correct answer in words, for review after submission."""
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


def _one_of(value: str, allowed: set[str]) -> str:
    if value not in allowed:
        raise BadAnswer("an answer that is not one of this question's choices")
    return value


class SingleChoice(QuestionType):
    name, macro, shuffles = "single_choice", "single_choice", True

    def spec(self, question, render) -> dict:
        return {"choices": _choices(question, render)}

    def read(self, spec, form, field):
        value = form.get(field, "")
        return _one_of(value, {c["id"] for c in spec["choices"]}) if value else None

    def grade(self, spec, answer):
        return float(any(c["id"] == answer and c["correct"] for c in spec["choices"]))

    def correct_answer(self, spec):
        return next(c["html"] for c in spec["choices"] if c["correct"])


class MultipleChoice(QuestionType):
    name, macro, shuffles = "multiple_choice", "multiple_choice", True

    def spec(self, question, render) -> dict:
        return {"choices": _choices(question, render), "partial_credit": question.partial_credit}

    def read(self, spec, form, field):
        values = form.getlist(field)
        allowed = {c["id"] for c in spec["choices"]}
        if len(values) != len(set(values)):
            raise BadAnswer("the same choice posted twice")
        return sorted(_one_of(v, allowed) for v in values) or None

    def grade(self, spec, answer):
        chosen = set(answer or [])
        right = {c["id"] for c in spec["choices"] if c["correct"]}
        if not spec.get("partial_credit"):
            return float(chosen == right)
        # Each right choice earns its share; each wrong one takes a share away; never below 0.
        earned = len(chosen & right) - len(chosen - right)
        return max(0.0, earned / len(right))

    def correct_answer(self, spec):
        return "; ".join(c["html"] for c in spec["choices"] if c["correct"])


class TrueFalse(QuestionType):
    name, macro = "true_false", "true_false"

    def spec(self, question, render) -> dict:
        return {"answer": question.answer}

    def read(self, spec, form, field):
        value = form.get(field, "")
        if not value:
            return None
        if value not in ("true", "false"):
            raise BadAnswer("true or false only")
        return value == "true"

    def grade(self, spec, answer):
        return float(answer is not None and answer == spec["answer"])

    def correct_answer(self, spec):
        return "True" if spec["answer"] else "False"


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class Numeric(QuestionType):
    name, macro = "numeric", "numeric"

    def spec(self, question, render) -> dict:
        return {"answer": question.answer, "tolerance": question.tolerance, "unit": question.unit}

    def read(self, spec, form, field):
        value = form.get(field, "").strip().replace(" ", "").replace("\u202f", "")
        if not value:
            return None
        if len(value) > 40 or not _NUMBER.match(value):
            raise BadAnswer("not a number")
        number = float(value.replace(",", "."))
        if not math.isfinite(number):
            raise BadAnswer("not a finite number")
        return number

    def grade(self, spec, answer):
        # A hair of slack so that 0.1 + 0.2 style rounding never fails a right answer.
        return float(answer is not None and abs(answer - spec["answer"]) <= spec["tolerance"] + 1e-9)

    def correct_answer(self, spec):
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        tolerance = f" (± {spec['tolerance']:g})" if spec["tolerance"] else ""
        return f"{spec['answer']:g}{unit}{tolerance}"


def normalise_text(text: str) -> str:
    return " ".join(text.casefold().split())


class ShortText(QuestionType):
    name, macro = "short_text", "short_text"

    def spec(self, question, render) -> dict:
        return {"accepted": list(question.accepted)}

    def read(self, spec, form, field):
        value = form.get(field, "")
        if len(value) > MAX_TEXT:
            raise BadAnswer(f"an answer longer than {MAX_TEXT} characters")
        return value.strip() or None

    def grade(self, spec, answer):
        return float(answer is not None and normalise_text(answer) in {normalise_text(a) for a in spec["accepted"]})

    def correct_answer(self, spec):
        return spec["accepted"][0]


class Ordering(QuestionType):
    """Items put in order: without JavaScript, each item gets a position from a list."""

    name, macro = "ordering", "ordering"

    def spec(self, question, render) -> dict:
        return {"items": [{"id": f"i{index}", "text": item} for index, item in enumerate(question.items)]}

    def order(self, spec, shuffle, rng):
        ids = [item["id"] for item in spec["items"]]
        rng.shuffle(ids)  # always shuffled: shown in the right order, it would give itself away
        return ids

    def read(self, spec, form, field):
        ids = [item["id"] for item in spec["items"]]
        positions = {item_id: form.get(f"{field}-{item_id}", "") for item_id in ids}
        if not any(positions.values()):
            return None
        allowed = {str(n) for n in range(1, len(ids) + 1)}
        if any(p not in allowed for p in positions.values()):
            raise BadAnswer("a position that is not on the list")
        if len(set(positions.values())) != len(ids):
            return sorted(ids, key=lambda i: (int(positions[i]), i))  # ties are simply wrong, not refused
        return sorted(ids, key=lambda i: int(positions[i]))

    def grade(self, spec, answer):
        return float(answer == [item["id"] for item in spec["items"]])

    def correct_answer(self, spec):
        return " → ".join(item["text"] for item in spec["items"])


class Matching(QuestionType):
    name, macro = "matching", "matching"

    def spec(self, question, render) -> dict:
        return {
            "items": [
                {"id": f"p{index}", "left": pair.left, "right": pair.right} for index, pair in enumerate(question.pairs)
            ]
        }

    def order(self, spec, shuffle, rng):
        ids = [item["id"] for item in spec["items"]]
        rng.shuffle(ids)  # the order of the right-hand options
        return ids

    def read(self, spec, form, field):
        ids = {item["id"] for item in spec["items"]}
        answer = {}
        for item_id in sorted(ids):
            value = form.get(f"{field}-{item_id}", "")
            if value:
                answer[item_id] = _one_of(value, ids)
        return answer or None

    def grade(self, spec, answer):
        answer = answer or {}
        return sum(answer.get(item["id"]) == item["id"] for item in spec["items"]) / len(spec["items"])

    def correct_answer(self, spec):
        return "; ".join(f"{item['left']} → {item['right']}" for item in spec["items"])


TYPES: dict[str, QuestionType] = {
    kind.name: kind() for kind in (SingleChoice, MultipleChoice, TrueFalse, Numeric, ShortText, Ordering, Matching)
}
