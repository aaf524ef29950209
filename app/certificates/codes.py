"""Certificate codes: 128 random bits, base32, in groups of four for reading over the phone."""

import base64
import re
import secrets

GROUP = 4
LENGTH = 26  # 128 bits in base32, without padding
_ALPHABET = re.compile(r"^[A-Z2-7]{26}$")
# Letters people confuse with digits base32 does not use.
_TYPOS = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


def new_code() -> str:
    """A fresh, unguessable certificate code, e.g. 'K7QD-2XMB-…'."""
    raw = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(text: str) -> str | None:
    """The canonical form of a typed code (any case, spaces, dashes); None if it cannot be one."""
    raw = re.sub(r"[\s\-]", "", text or "").upper().translate(_TYPOS)
    if not _ALPHABET.match(raw):
        return None
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))
