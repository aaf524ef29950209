"""The French catalogue cannot rot: every string marked in the code has a checked French entry."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "app/translations/fr/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfi]|%%|\{[a-z_0-9]*\}|</?[a-z][a-z0-9]*")


def _read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _texts(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def test_every_marked_string_has_a_french_translation(tmp_path):
    """Does every string the code marks for translation have a French entry, neither empty nor fuzzy?"""
    template = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).with_name("pybabel"), "extract", "-F", "babel.cfg", "-k", "_l", "-k",
         "lazy_gettext", "-o", template, "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    french = _read(FRENCH)
    missing = []
    for message in _read(template):
        if not message.id:
            continue
        entry = french.get(message.id, message.context)
        if entry is None or entry.fuzzy or not all(_texts(entry)):
            missing.append(_ids(message)[0])
    assert not missing, (
        f"{len(missing)} strings have no checked French translation (run `make messages`, translate "
        f"{FRENCH.relative_to(ROOT)}, remove 'fuzzy'): " + "; ".join(missing[:20])
    )


def test_french_keeps_every_placeholder_and_tag():
    """Does each French entry keep its English placeholders and HTML tags, so no page breaks in French?"""
    broken = []
    for message in _read(FRENCH):
        if not message.id:
            continue
        # French msgstr[0] is the singular (for 0 and 1), msgstr[1] the plural.
        for english, text in zip(_ids(message), _texts(message), strict=True):
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(english)):
                broken.append(f"{_ids(message)[0]!r} → {text!r}")
    assert not broken, "French entries that lose or add a placeholder or tag: " + "; ".join(broken[:10])


def test_the_compiled_catalogue_is_the_current_one():
    """Is the French the site serves compiled from the catalogue as it is now (`make translations`)?"""
    compiled = FRENCH.with_suffix(".mo")
    assert compiled.exists(), "no compiled French catalogue: run `make translations`"
    with compiled.open("rb") as file:
        served = {_ids(message): _texts(message) for message in read_mo(file) if message.id}
    written = {_ids(message): _texts(message) for message in _read(FRENCH) if message.id and not message.fuzzy}
    assert served == written, "the compiled French catalogue is older than messages.po: run `make translations`"
