"""Each question type grades right, wrong, partial and blank answers, and refuses impossible ones."""

import random

import pytest
from werkzeug.datastructures import MultiDict

from app.assessments.types import TYPES, BadAnswer

CHOICES = [{"id": "c0", "correct": True}, {"id": "c1", "correct": True}, {"id": "c2", "correct": False}]


def plain(kind, spec) -> dict:
    """A layout whose tokens are the bank ids, so these tests can post c0, i1, p0."""
    return TYPES[kind].layout(spec, False, random.Random(0), token=str)


def read(kind, spec, **form):
    return TYPES[kind].read(spec, plain(kind, spec), MultiDict(form), "q1")


def test_single_choice():
    """Does a single choice earn full credit only for the right choice, and refuse a foreign choice id?"""
    spec = {"choices": [{"id": "c0", "correct": False}, {"id": "c1", "correct": True}]}
    assert TYPES["single_choice"].grade(spec, read("single_choice", spec, q1="c1")) == 1
    assert TYPES["single_choice"].grade(spec, read("single_choice", spec, q1="c0")) == 0
    assert read("single_choice", spec) is None
    with pytest.raises(BadAnswer):
        read("single_choice", spec, q1="c7")


def test_multiple_choice_with_and_without_partial_credit():
    """Is multiple choice all-or-nothing by default, and partial (never negative) when allowed?"""
    strict, partial = {"choices": CHOICES}, {"choices": CHOICES, "partial_credit": True}
    form = MultiDict([("q1", "c0")])
    one = TYPES["multiple_choice"].read(strict, plain("multiple_choice", strict), form, "q1")
    assert TYPES["multiple_choice"].grade(strict, one) == 0
    assert TYPES["multiple_choice"].grade(partial, one) == 0.5
    assert TYPES["multiple_choice"].grade(partial, ["c0", "c1", "c2"]) == 0.5
    assert TYPES["multiple_choice"].grade(partial, ["c2"]) == 0
    assert TYPES["multiple_choice"].grade(strict, ["c0", "c1"]) == 1
    with pytest.raises(BadAnswer):
        read_twice = MultiDict([("q1", "c0"), ("q1", "c0")])
        TYPES["multiple_choice"].read(strict, plain("multiple_choice", strict), read_twice, "q1")


def test_numeric_with_tolerance_and_decimal_comma():
    """Does a numeric answer accept a decimal comma, respect the tolerance and refuse non-numbers?"""
    spec = {"answer": 640.25, "tolerance": 0.01, "unit": "USD"}
    assert TYPES["numeric"].grade(spec, read("numeric", spec, q1="640,26")) == 1
    assert TYPES["numeric"].grade(spec, read("numeric", spec, q1="640.3")) == 0
    for bad in ("abc", "1e999", "nan", "1" * 50):
        with pytest.raises(BadAnswer):
            read("numeric", spec, q1=bad)


def test_short_text_is_case_and_space_insensitive():
    """Is a short text answer matched without regard to case and spacing, and an oversized one refused?"""
    spec = {"accepted": ["Harmonized System"]}
    assert TYPES["short_text"].grade(spec, read("short_text", spec, q1="  harmonized   SYSTEM ")) == 1
    assert TYPES["short_text"].grade(spec, read("short_text", spec, q1="Harmonised")) == 0
    with pytest.raises(BadAnswer):
        read("short_text", spec, q1="x" * 501)


def test_ordering_and_matching():
    """Is an ordering right only in the exact order, and a matching credited pair by pair?"""
    ordering = {"items": [{"id": "i0"}, {"id": "i1"}, {"id": "i2"}]}
    assert (
        TYPES["ordering"].grade(ordering, read("ordering", ordering, **{"q1-i0": "1", "q1-i1": "2", "q1-i2": "3"})) == 1
    )
    assert (
        TYPES["ordering"].grade(ordering, read("ordering", ordering, **{"q1-i0": "2", "q1-i1": "1", "q1-i2": "3"})) == 0
    )
    with pytest.raises(BadAnswer):
        read("ordering", ordering, **{"q1-i0": "9", "q1-i1": "1", "q1-i2": "2"})
    matching = {"items": [{"id": "p0"}, {"id": "p1"}]}
    assert TYPES["matching"].grade(matching, read("matching", matching, **{"q1-p0": "p0", "q1-p1": "p0"})) == 0.5
    with pytest.raises(BadAnswer):
        read("matching", matching, **{"q1-p0": "p9"})


def test_true_false():
    """Is true/false graded, and anything else than true or false refused?"""
    spec = {"answer": False}
    assert TYPES["true_false"].grade(spec, read("true_false", spec, q1="false")) == 1
    with pytest.raises(BadAnswer):
        read("true_false", spec, q1="maybe")
