"""Build resources/fonts/NotoSansCJK-Regular.ttf from Debian's Noto Sans CJK (fonts-noto-cjk).

ReportLab embeds TrueType outlines only, and Noto Sans CJK is published with CFF outlines.
This converts the Simplified Chinese face of the collection to quadratic (TrueType) outlines,
keeping only the East Asian blocks (Latin, Greek and Cyrillic come from DejaVu):
    python scripts/build_cjk_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
The SIL Open Font License 1.1 allows this modified copy; it keeps the licence beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

# Unicode blocks kept: CJK punctuation, kana, Hangul, CJK ideographs (and extension A,
# compatibility ideographs), half- and full-width forms.
RANGES = [
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31FF), (0x3200, 0x33FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
]
MAX_ERR = 1.0  # font units: invisible at any print size


def _face(path: Path, wanted: str = "SC") -> TTFont:
    if path.suffix.lower() == ".ttc":
        for font in TTCollection(str(path)).fonts:
            if wanted in font["name"].getDebugName(4):
                return font
        raise SystemExit(f"no {wanted} face in {path}")
    return TTFont(str(path))


def _to_truetype(font: TTFont) -> None:
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements", "maxPoints", "maxContours",
                 "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(glyph_order)
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


def main(source: str, target: str = "resources/fonts/NotoSansCJK-Regular.ttf") -> None:
    font = _face(Path(source))
    options = subset.Options()
    options.layout_features = []  # no vertical or locale alternates: horizontal text only
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    _to_truetype(font)
    font.save(target)
    size = Path(target).stat().st_size / 1e6
    print(f"{target}: {size:.1f} MB, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main(*sys.argv[1:])
