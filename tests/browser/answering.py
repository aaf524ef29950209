"""Answer a running attempt in chromium as a person who knows the bank would: read each question's text on the
page, find it in the bank's YAML, and click the labels that carry the answer's words.

Nothing is read from the form's values, names or ids (an attempt gives them random tokens): only what a person sees.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml


def _plain(text: str) -> str:
    """Markdown or page text as a person reads it: no emphasis marks, one space between words."""
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", str(text))).strip()


def load_bank(path: Path) -> list[dict]:
    """The questions of an assessment file of the content format."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def _question_for(text: str, bank: list[dict]) -> dict:
    """The bank's question whose text is the one shown (the closest, as Markdown renders a little differently)."""
    shown = _plain(text)
    return max(bank, key=lambda q: difflib.SequenceMatcher(None, _plain(q["text"]), shown).ratio())


def translated_bank(bank: list[dict], translation: Path) -> list[dict]:
    """The bank as a reader of its translation (assessment.fr.yml) sees it: the translated words, the source's
    answers (which choice is correct, the order of items and pairs, numbers); accepted answers in that language
    first."""
    words = yaml.safe_load(translation.read_text(encoding="utf-8"))["questions"]
    shown = []
    for question in bank:
        text = words[question["id"]]
        question = {**question, "text": text["text"]}
        if "choices" in text:
            pairs = zip(question["choices"], text["choices"], strict=True)
            question["choices"] = [{**choice, "text": words["text"]} for choice, words in pairs]
        if "items" in text:
            question["items"] = text["items"]
        if "pairs" in text:
            question["pairs"] = text["pairs"]
        if "accepted" in question:
            question["accepted"] = [*text.get("accepted", []), *question["accepted"]]
        shown.append(question)
    return shown


def answer_attempt(page, bank: list[dict], right: bool = True, truth: tuple[str, str] = ("True", "False")) -> int:
    """Answer every question on the attempt page, right or wrong; returns how many were answered. `truth` is how
    the page words a true/false question's two answers ("Vrai", "Faux" in French)."""
    questions = page.locator("fieldset.question")
    for index in range(questions.count()):
        fieldset = questions.nth(index)
        question = _question_for(fieldset.locator(".question-text").inner_text(), bank)
        _answer(fieldset, question, right, truth)
    return questions.count()


def _label(fieldset, text: str):
    return fieldset.get_by_label(_plain(text), exact=True)


def _answer(fieldset, question: dict, right: bool, truth: tuple[str, str]) -> None:
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        picked = [c for c in question["choices"] if bool(c.get("correct")) == right]
        if kind == "single_choice":
            picked = picked[:1]
        for choice in picked:
            _label(fieldset, choice["text"]).check()
    elif kind == "true_false":
        fieldset.get_by_label(truth[0] if question["answer"] == right else truth[1], exact=True).check()
    elif kind == "numeric":
        fieldset.get_by_role("textbox").fill(str(question["answer"] if right else question["answer"] + 1000))
    elif kind == "short_text":
        fieldset.get_by_role("textbox").fill(question["accepted"][0] if right else "I do not know")
    elif kind == "ordering":
        items = question["items"]
        order = items if right else list(reversed(items))
        for item in items:
            _label(fieldset, item).select_option(label=str(order.index(item) + 1))
    elif kind == "matching":
        pairs = question["pairs"]
        for index, pair in enumerate(pairs):
            given = pair if right else pairs[(index + 1) % len(pairs)]
            _label(fieldset, pair["left"]).select_option(label=_plain(given["right"]))
    else:
        raise ValueError(f"no way to answer a {kind} question")
