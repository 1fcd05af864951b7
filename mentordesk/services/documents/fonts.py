"""Fonts for printed documents: bundled TrueType faces with a per-character fallback.

Every document draws text through this module so that any name prints correctly: each
character is set in the first font of the chain that has a glyph for it (DejaVu, then Noto
Sans Arabic, Noto Sans Hebrew, Noto Sans CJK). Arabic and Hebrew runs are shaped with
HarfBuzz (through ReportLab's ``uharfbuzz`` support) and set right to left; a line whose
first strong character is right-to-left is laid out right to left as a whole.

Fonts are registered with ReportLab lazily, the first time a character needs them, so a
document in Latin script never loads the 10 MB CJK font.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from xml.sax.saxutils import escape

from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, shapeFragWord
from reportlab.pdfgen.canvas import Canvas

from mentordesk.paths import resource_path


class Family(StrEnum):
    """The two type families documents are set in."""

    SANS = "sans"
    SERIF = "serif"


class Style(StrEnum):
    """Weight and slant."""

    REGULAR = "regular"
    BOLD = "bold"
    ITALIC = "italic"


_PRIMARY = {
    (Family.SANS, Style.REGULAR): "DejaVuSans.ttf",
    (Family.SANS, Style.BOLD): "DejaVuSans-Bold.ttf",
    (Family.SANS, Style.ITALIC): "DejaVuSans-Oblique.ttf",
    (Family.SERIF, Style.REGULAR): "DejaVuSerif.ttf",
    (Family.SERIF, Style.BOLD): "DejaVuSerif-Bold.ttf",
    (Family.SERIF, Style.ITALIC): "DejaVuSerif-Italic.ttf",
}
# Right-to-left scripts prefer their Noto face even where DejaVu has basic glyphs: Noto
# carries the joining forms and marks HarfBuzz needs.
_RTL_FALLBACKS = {
    Style.REGULAR: ("NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf"),
    Style.BOLD: ("NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf"),
    Style.ITALIC: ("NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf"),
}
_CJK = "NotoSansCJK-Regular.ttf"  # one weight: bold East Asian text prints regular

_RTL_CLASSES = frozenset({"R", "AL"})
_STRONG_LTR = "L"
# Characters with no direction of their own (spaces, punctuation, digits, marks) join the
# run around them when its font has them, so an Arabic name with a space is shaped whole.
_WEAK_CLASSES = frozenset({"WS", "ON", "CS", "ES", "ET", "EN", "AN", "NSM", "BN", "S", "B"})
_NBSP = "\u00a0"
_REPLACEMENT = "\ufffd"
# A number: digits (European or Arabic-Indic) with the separators inside it (1,250.5 / 2024).
_NUMBER = re.compile("([0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,:/\u066b\u066c]"
                     "[0-9\u0660-\u0669\u06f0-\u06f9]+)*)")
# HarfBuzz features for names: kerning and required ligatures (lam-alef), but no
# discretionary ligatures, which would turn the name Muhammad into the honorific sign U+FDF4.
_FEATURES = {"kern": True, "liga": True, "dlig": False}

_lock = threading.Lock()
_CODES: dict[str, frozenset[int]] = {}  # font name -> the code points it has glyphs for


@functools.cache
def _font(file_name: str) -> tuple[str, frozenset[int]]:
    """Register ``file_name`` with ReportLab once; its PostScript-free name and code points."""
    name = "MD-" + file_name.removesuffix(".ttf")
    with _lock:
        try:
            pdfmetrics.getFont(name)
        except KeyError:
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
        if name not in _CODES:
            face = pdfmetrics.getFont(name).face
            _CODES[name] = frozenset(face.charToGlyph)
    return name, _CODES[name]


def font_name(family: Family = Family.SANS, style: Style = Style.REGULAR) -> str:
    """The ReportLab name of the main font for ``family`` and ``style`` (registered)."""
    return _font(_PRIMARY[family, style])[0]


def _chain(family: Family, style: Style, rtl: bool) -> Iterable[str]:
    if rtl:
        yield from _RTL_FALLBACKS[style]
        yield _PRIMARY[family, style]
    else:
        yield _PRIMARY[family, style]
        yield from _RTL_FALLBACKS[style]
    yield _CJK


def font_for(char: str, family: Family = Family.SANS, style: Style = Style.REGULAR) -> str | None:
    """The ReportLab font name that draws ``char``, or None when no bundled font has it."""
    return _font_for(char, family, style)


@functools.cache
def _font_for(char: str, family: Family, style: Style) -> str | None:
    code = ord(char)
    rtl = unicodedata.bidirectional(char) in _RTL_CLASSES
    for file_name in _chain(family, style, rtl):
        name, codes = _font(file_name)
        if code in codes:
            return name
    return None


def missing_glyphs(text: str, family: Family = Family.SANS,
                   style: Style = Style.REGULAR) -> set[str]:
    """The characters of ``text`` that no bundled font can draw (controls excepted)."""
    return {c for c in set(text)
            if unicodedata.category(c)[0] != "C" and _font_for(c, family, style) is None}


@dataclass(frozen=True)
class Run:
    """A stretch of text set in one font; ``rtl`` runs are shaped and read right to left."""

    text: str
    font: str
    rtl: bool


def runs(text: str, family: Family = Family.SANS, style: Style = Style.REGULAR) -> list[Run]:
    """``text`` split into runs of one font each, in logical (reading) order.

    A character no font has becomes the replacement mark U+FFFD (see :func:`missing_glyphs`
    to warn about it first); a neutral character stays in the font of the run it sits in
    when that font has it.
    """
    return list(_runs(text, family, style))


@functools.lru_cache(maxsize=4096)  # a batch repeats its wording, dates and labels
def _runs(text: str, family: Family, style: Style) -> tuple[Run, ...]:
    primary = font_name(family, style)
    fonts: list[str | None] = []
    for char in text:
        if unicodedata.bidirectional(char) in _WEAK_CLASSES:
            fonts.append(None)  # decided below, from its neighbours
        else:
            fonts.append(_font_for(char, family, style) or "")
    # Neutrals: the previous strong run's font if it has the character, else the next's.
    resolved: list[str] = []
    previous = ""
    for i, (char, font) in enumerate(zip(text, fonts, strict=True)):
        if font is None:
            following = next((f for f in fonts[i + 1:] if f), "")
            font = next((f for f in (previous, following, primary) if f and ord(char) in
                         _CODES[f]), _font_for(char, family, style) or "")
        elif font:
            previous = font
        resolved.append(font)
    result: list[Run] = []
    for char, font in zip(text, resolved, strict=True):
        if not font:
            if unicodedata.category(char)[0] == "C":
                continue  # controls, joiners and direction marks draw nothing anyway
            # No bundled font has it: a visible replacement mark rather than a silent gap.
            char, font = _REPLACEMENT, primary
        if result and result[-1].font == font:
            last = result[-1]
            result[-1] = Run(last.text + char, font, last.rtl)
        else:
            result.append(Run(char, font, False))
    return tuple(piece for r in result for piece in _split_rtl(r))


def _split_rtl(run: Run) -> list[Run]:
    """A run with right-to-left text, its neutral ends (a space, a comma) split off: they
    belong to the left-to-right text around it, not to the reversed part. Numbers inside
    it become runs of their own: digits read left to right even in Arabic (UBA W2, I1)."""
    if not _is_rtl(run.text):
        return [run]
    strong = [i for i, c in enumerate(run.text) if unicodedata.bidirectional(c) in _RTL_CLASSES]
    start, end = strong[0], strong[-1] + 1
    parts = (run.text[:start], run.text[start:end], run.text[end:])
    return [Run(piece, run.font, _is_rtl(piece)) for part in parts
            for piece in _NUMBER.split(part) if piece]


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def base_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strong character does (Unicode P2)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RTL_CLASSES:
            return True
        if direction == _STRONG_LTR:
            return False
    return False


def visual_runs(text: str, family: Family = Family.SANS,
                style: Style = Style.REGULAR) -> list[Run]:
    """The runs of ``text`` in the order they are drawn from left to right.

    Consecutive right-to-left runs swap places as a block; in a right-to-left line the
    whole sequence is reversed, with left-to-right blocks keeping their inner order.
    """
    return list(_visual_runs(text, family, style))


@functools.lru_cache(maxsize=4096)
def _visual_runs(text: str, family: Family, style: Style) -> tuple[Run, ...]:
    logical = _runs(text, family, style)
    rtl_line = base_rtl(text)
    # Each run's direction: its own when it has strong characters; a neutral run (spaces,
    # punctuation) between two runs of one direction takes theirs, else the line's (W/N1-2).
    strong = [True if r.rtl else False if _has_ltr(r.text) else None for r in logical]
    direction: list[bool] = []
    for i, own in enumerate(strong):
        if own is None:
            before = next((d for d in reversed(strong[:i]) if d is not None), rtl_line)
            after = next((d for d in strong[i + 1:] if d is not None), rtl_line)
            own = before if before == after else rtl_line
        direction.append(own)
    blocks: list[tuple[bool, list[Run]]] = []
    for run, rtl in zip(logical, direction, strict=True):
        if blocks and blocks[-1][0] == rtl:
            blocks[-1][1].append(run)
        else:
            blocks.append((rtl, [run]))
    ordered = [list(reversed(b)) if rtl else b for rtl, b in blocks]
    if rtl_line:
        ordered.reverse()
    return tuple(run for block in ordered for run in block)


def _has_ltr(text: str) -> bool:
    return any(unicodedata.bidirectional(c) == _STRONG_LTR for c in text)


def _shaped(run: Run, size: float) -> tuple[str, float]:
    if run.rtl:
        word = shapeFragWord([pdfmetrics.stringWidth(run.text, run.font, size),
                              (ABag(fontName=run.font, fontSize=size), run.text)],
                             features=_FEATURES, force=True)
        shaped: str = word[1][1]
        data = getattr(shaped, "__shapeData__", None)
        if data is not None:
            return shaped, sum(d.x_advance for d in data) * size / 1000
        return shaped, pdfmetrics.stringWidth(shaped, run.font, size)
    return run.text, pdfmetrics.stringWidth(run.text, run.font, size)


def text_width(text: str, size: float, family: Family = Family.SANS,
               style: Style = Style.REGULAR) -> float:
    """Width in points of ``text`` drawn by :func:`draw_text`."""
    return sum(_shaped(r, size)[1] for r in _visual_runs(text, family, style))


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, *,
              family: Family = Family.SANS, style: Style = Style.REGULAR,
              align: str = "left") -> float:
    """Draw one line of ``text`` at baseline ``y``; ``align`` is left, centre or right of ``x``.

    Returns the width drawn.
    """
    pieces = [(*_shaped(r, size), r.font) for r in _visual_runs(text, family, style)]
    width = sum(w for _, w, _ in pieces)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    for piece, piece_width, font in pieces:
        text_object = canvas.beginText(x, y)
        text_object.setFont(font, size)
        text_object.textOut(piece)
        canvas.drawText(text_object)
        x += piece_width
    return width


def fit_size(text: str, width: float, size: float, minimum: float, *,
             family: Family = Family.SANS, style: Style = Style.REGULAR) -> float:
    """The largest size from ``size`` down to ``minimum`` at which ``text`` fits ``width``."""
    natural = text_width(text, size, family, style)
    if natural <= width or natural == 0:
        return size
    return max(minimum, size * width / natural)


def markup(text: str, family: Family = Family.SANS, style: Style = Style.REGULAR) -> str:
    """``text`` as ReportLab paragraph markup, each run in its own ``<font>``.

    The text is escaped. A right-to-left run is shaped here and put in visual order (as
    the presentation forms HarfBuzz chose), its spaces made no-break, so the paragraph
    keeps it whole on one line and needs no shaping of its own.
    """
    plain = font_name(Family.SANS, Style.REGULAR)
    parts = []
    for run in runs(text, family, style):
        piece = str(_shaped(run, 10)[0]).replace(" ", _NBSP) if run.rtl else run.text
        piece = escape(piece)
        # Every run names its font (the bold face of a bold piece too), except plain sans
        # text, which is the body style's own: markup stays short for long paragraphs.
        parts.append(piece if run.font == plain else f'<font face="{run.font}">{piece}</font>')
    return "".join(parts)


def wrap(text: str, width: float, size: float, *, family: Family = Family.SANS,
         style: Style = Style.REGULAR) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at spaces (a longer word alone)."""
    return list(_wrap(text, width, size, family, style))


@functools.lru_cache(maxsize=1024)
def _wrap(text: str, width: float, size: float, family: Family, style: Style) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if not line or text_width(candidate, size, family, style) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return tuple(lines)


def clear_caches() -> None:
    """Forget the runs and line breaks worked out so far (benchmarks start cold with it)."""
    for cached in (_runs, _visual_runs, _wrap):
        cached.cache_clear()
