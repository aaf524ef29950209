"""A person's name as it is kept and printed on certificates: one rule for every way a name comes in.

An invitation, a CSV import (an administrator's or a coordinator's), a cohort's new member and a
certificate reissued with a corrected name all pass through `person_name`. It removes what a
reader cannot see but a renderer obeys:

- bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can
  make a name print backwards or reorder the words around it on a page or a certificate;
- the implicit direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C) too: a name is always
  printed as a paragraph of its own (`dir="auto"`, isolated), so they change nothing a reader
  needs, and kept they would make two names that look the same differ;
- every other control (Unicode category Cc: tabs and newlines become spaces) and format
  character (Cf: zero-width spaces, soft hyphens, tags), except ZERO WIDTH JOINER and ZERO WIDTH
  NON-JOINER, which Arabic, Persian and Indic names need to be spelt right.

It composes the name (NFC) and collapses spaces. It refuses an empty name, one longer than
MAX_NAME_LENGTH, and a letter carrying more than MAX_STACKED_MARKS combining marks (no
script's spelling needs more; more would print outside the name's line).
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

#: The longest name kept, in characters; the certificate prints it on one page.
MAX_NAME_LENGTH = 200
#: The most combining marks one letter may carry (Vietnamese uses two, pointed Hebrew and Tibetan stacks four).
MAX_STACKED_MARKS = 4
#: Format characters a name keeps: the joiners that shape Arabic, Persian and Indic letters.
_JOINERS = {"\u200c", "\u200d"}


class NameRefused(ValueError):
    """The name cannot be kept; the message says why."""


def clean(raw: str) -> str:
    """The name without invisible controls and formatting, composed (NFC), its spaces collapsed."""
    kept = []
    for character in unicodedata.normalize("NFC", raw):
        category = unicodedata.category(character)
        if character.isspace():
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and character not in _JOINERS):
            continue
        else:
            kept.append(character)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def most_stacked_marks(name: str) -> int:
    """The most combining marks any one letter of the name carries."""
    most = run = 0
    for character in name:
        run = run + 1 if unicodedata.category(character) in ("Mn", "Me") else 0
        most = max(most, run)
    return most


def name_problem(raw: str) -> str | None:
    """What is wrong with `raw` as a name, or None when `person_name` accepts it."""
    try:
        person_name(raw)
    except NameRefused as error:
        return str(error)
    return None


def person_name(raw: str) -> str:
    """The name to keep for `raw` (see the module's rules), or NameRefused saying what is wrong."""
    name = clean(raw or "")
    if not name:
        raise NameRefused(_("A full name is required."))
    if len(name) > MAX_NAME_LENGTH:
        raise NameRefused(_("A full name has at most %(n)d characters.", n=MAX_NAME_LENGTH))
    if most_stacked_marks(name) > MAX_STACKED_MARKS:
        raise NameRefused(_("A letter of a name may carry at most %(n)d accents or marks.", n=MAX_STACKED_MARKS))
    return name
