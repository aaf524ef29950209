"""A lesson's images stored in the smallest faithful form, with the size a page reserves for them.

Matplotlib writes plots as RGBA PNGs compressed for speed, not size: the two plots of the shipped
"exploring the dataset" notebook weigh 45 KB. The same pixels, exactly, as lossless WebP (which
every current browser shows) weigh 15 KB. Faithful means lossless: a plot is never re-encoded
with loss, nor reduced to fewer colours than it has. Run at import, never on a request.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, features

#: Larger images are stored as they came: a lesson is no place for a poster, and decoding one at
#: import should not take a worker's memory.
MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class StoredImage:
    data: bytes
    kind: str  # png, jpeg, gif or webp
    width: int | None
    height: int | None


def smallest(data: bytes, kind: str) -> StoredImage:
    """The image as the smallest lossless encoding of its pixels (PNG only; others stay as they are)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size  # from the header, before any pixel is decoded
            if kind != "png" or width * height > MAX_PIXELS or getattr(image, "n_frames", 1) > 1:
                return StoredImage(data, kind, width, height)
            try:
                image.load()
            except (OSError, ValueError):  # pixels a browser may still show, but not ours to re-encode
                return StoredImage(data, kind, width, height)
            candidates = [(data, "png"), *_encodings(_without_opaque_alpha(image))]
    except (OSError, ValueError, Image.DecompressionBombError):
        return StoredImage(data, kind, None, None)  # not an image we can read: kept, without a size
    best, best_kind = min(candidates, key=lambda candidate: len(candidate[0]))
    return StoredImage(best, best_kind, width, height)


def _without_opaque_alpha(image: Image.Image) -> Image.Image:
    # An alpha channel that is opaque everywhere (matplotlib's default) costs bytes and shows nothing.
    if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
        return image.convert("RGB")
    return image


def _encodings(image: Image.Image) -> list[tuple[bytes, str]]:
    found = [(_save(image, format="PNG", optimize=True), "png")]
    if features.check("webp"):
        found.append((_save(image, format="WEBP", lossless=True, method=6), "webp"))
    return found


def _save(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, **options)
    return out.getvalue()
