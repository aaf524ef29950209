"""Build the certificate fonts in fonts/ from Debian's Noto packages (run: make fonts).

Needs `apt-get install fonts-noto-core fonts-noto-cjk`. The Latin/Greek/Cyrillic and Arabic
fonts are copied whole; the CJK font (20 MB) is cut down to the characters names are written
with: the 3,755 common hanzi of GB 2312 level 1, the 2,350 Hangul syllables of KS X 1001,
kana, and punctuation.
"""

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = Path(__file__).resolve().parent / "fonts"
WHOLE = ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"]


def _decoded(codec: str, first: range, second: range) -> set[int]:
    points = set()
    for a in first:
        for b in second:
            try:
                points.add(ord(bytes([a, b]).decode(codec)))
            except UnicodeDecodeError:
                continue
    return points


def cjk_codepoints() -> set[int]:
    hanzi = _decoded("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))  # level 1
    hangul = _decoded("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))
    kana = set(range(0x3040, 0x3100))
    punctuation = set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | set(range(0x20, 0x7F))
    return hanzi | hangul | kana | punctuation


def main() -> int:
    missing = [p for p in [*(NOTO / n for n in WHOLE), CJK] if not p.exists()]
    if missing:
        print("Missing:", *missing, "\napt-get install fonts-noto-core fonts-noto-cjk", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    for name in WHOLE:
        shutil.copyfile(NOTO / name, OUT / name)
    collection = TTCollection(str(CJK))
    font = next(f for f in collection.fonts if "SC" in f["name"].getDebugName(1))  # Noto Sans CJK SC
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cjk_codepoints())
    subsetter.subset(font)
    font.save(str(OUT / "NotoSansCJK-subset.otf"))
    print("Fonts written to", OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
